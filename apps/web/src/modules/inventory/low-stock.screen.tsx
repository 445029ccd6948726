/** Below-minimum stock, opened from a low-stock notification (`/inventory/low-stock?warehouse_id=…`). */
import { StockReportScreen } from './stock.screen';

export default function LowStockScreen() {
  return <StockReportScreen initialReport="low" titleKey="pages.inventory_low_stock" testId="low-stock-screen" />;
}
