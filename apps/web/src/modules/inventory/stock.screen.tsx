/** Stock: levels per warehouse, and the low-stock and negative-stock reports; the minimum per warehouse is editable in place. */
import { useMemo, useState } from 'react';
import { ActionIcon, Badge, Button, Group, Modal, Select, Stack, Tabs, Text, TextInput, Tooltip } from '@mantine/core';
import { IconAdjustmentsHorizontal } from '@tabler/icons-react';
import type { ColumnDef, PaginationState } from '@tanstack/react-table';
import { Page } from '../../lib/page';
import { DataTable } from '../../lib/data-table';
import { useLocale } from '../../lib/i18n';
import { problemMessage, useNotifySaved } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { useShortcut } from '../../lib/shortcuts';
import { usePermissions } from '../../app/permissions';
import { InventoryPermission } from '../catalog/permissions';
import { useAllWarehouses, useSetWarehouseMinimum, useStock, type StockLevelDto, type StockReport } from './inventory.api';
import { formatQuantity, parseMinimum } from './quantity';

const REPORTS: StockReport[] = ['levels', 'low', 'negative'];

function MinimumDialogBody({ row, onClose }: { row: StockLevelDto; onClose: () => void }) {
  const { t, locale } = useLocale();
  const save = useSetWarehouseMinimum();
  const notifySaved = useNotifySaved();
  const [text, setText] = useState(row.min_quantity_override === null ? '' : String(row.min_quantity_override));
  const value = parseMinimum(text);
  const submit = () => value !== undefined && save.mutate({ warehouse_id: row.warehouse_id, item_id: row.item_id, min_quantity: value }, { onSuccess: () => { notifySaved(); onClose(); } });
  useShortcut({ id: 'stock-minimum.save', keys: ['mod+s', 'F10'], label_key: 'shortcuts.save', group_key: 'shortcuts.group_page', run: submit });
  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <Stack>
        <Text size="sm">{row.name} <Text span c="dimmed" dir="ltr">({row.code})</Text></Text>
        <TextInput label={t('inventory.minimum_here')} description={t('inventory.minimum_here_hint')} value={text} onChange={(e) => setText(e.currentTarget.value)} error={value === undefined ? t('inventory.minimum_invalid') : undefined} dir="ltr" inputMode="decimal" data-autofocus data-testid="stock-minimum-input" />
        {save.error && <Text c="red" size="sm" data-testid="stock-minimum-error">{problemMessage(save.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" disabled={value === undefined} loading={save.isPending} data-testid="stock-minimum-save">{t('common.save')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** `report`: the tab it opens on; the warehouse comes from `?warehouse_id=` (the low-stock notification's link). */
export function StockReportScreen({ initialReport, titleKey, testId }: { initialReport: StockReport; titleKey: string; testId: string }) {
  const { t, locale } = useLocale();
  const canMinimum = usePermissions().has(InventoryPermission.minimumManage);
  const warehouses = useAllWarehouses().items;
  const [report, setReport] = useState<StockReport>(initialReport);
  const [warehouseId, setWarehouseId] = useState<string | null>(() => new URLSearchParams(window.location.search).get('warehouse_id'));
  const [paging, setPaging] = useState<PaginationState>({ pageIndex: 0, pageSize: 50 });
  const stock = useStock(report, { warehouse_id: warehouseId, limit: paging.pageSize, offset: paging.pageIndex * paging.pageSize });
  const [editing, setEditing] = useState<StockLevelDto | null>(null);
  const warehouseName = (id: string) => {
    const w = warehouses.find((x) => x.id === id);
    return w ? `${w.branch_name} · ${w.name}` : '';
  };
  const columns = useMemo<ColumnDef<StockLevelDto, unknown>[]>(() => [
    { id: 'code', header: () => t('inventory.code'), cell: ({ row }) => <Text dir="ltr" ff="monospace" size="sm">{row.original.code}</Text> },
    { id: 'name', header: () => t('inventory.item'), cell: ({ row }) => <Text fw={500}>{row.original.name}</Text> },
    { id: 'warehouse', header: () => t('inventory.warehouse'), cell: ({ row }) => <Text size="sm">{warehouseName(row.original.warehouse_id)}</Text> },
    {
      id: 'quantity', header: () => t('inventory.quantity'), cell: ({ row }) => {
        const r = row.original;
        const low = r.min_quantity !== null && r.quantity < r.min_quantity;
        return <Badge variant="light" color={r.quantity < 0 ? 'red' : low ? 'orange' : 'gray'} data-testid="stock-quantity">{formatQuantity(r.quantity, locale)} {r.unit}</Badge>;
      },
    },
    {
      id: 'minimum', header: () => t('inventory.minimum_quantity'), cell: ({ row }) => (
        <Group gap={4} wrap="nowrap">
          <Text size="sm">{row.original.min_quantity === null ? '—' : formatQuantity(row.original.min_quantity, locale)}</Text>
          {row.original.min_quantity_override !== null && <Badge size="xs" variant="outline">{t('inventory.minimum_own')}</Badge>}
          {canMinimum && (
            <Tooltip label={t('inventory.minimum_set')}>
              <ActionIcon size="sm" variant="subtle" onClick={() => setEditing(row.original)} aria-label={t('inventory.minimum_set')} data-testid="stock-minimum-edit"><IconAdjustmentsHorizontal size={14} /></ActionIcon>
            </Tooltip>
          )}
        </Group>
      ),
    },
    { id: 'last', header: () => t('inventory.last_movement'), cell: ({ row }) => <Text size="sm">{row.original.last_movement_at ? formatDate(row.original.last_movement_at, locale) : '—'}</Text> },
  ], [t, locale, warehouses, canMinimum]);

  return (
    <Page titleKey={titleKey} testId={testId}>
      <Group align="flex-end" justify="space-between" wrap="wrap">
        <Tabs value={report} onChange={(v) => { setReport((v ?? 'levels') as StockReport); setPaging({ ...paging, pageIndex: 0 }); }}>
          <Tabs.List>
            {REPORTS.map((r) => <Tabs.Tab key={r} value={r} data-testid={`stock-tab-${r}`}>{t(`inventory.report_${r}`)}</Tabs.Tab>)}
          </Tabs.List>
        </Tabs>
        <Select aria-label={t('inventory.warehouse')} placeholder={t('inventory.all_warehouses')} data={warehouses.map((w) => ({ value: w.id, label: `${w.branch_name} · ${w.name}` }))} value={warehouseId} onChange={(v) => { setWarehouseId(v); setPaging({ ...paging, pageIndex: 0 }); }} clearable searchable w={280} data-testid="stock-warehouse" />
      </Group>
      <DataTable testId="stock-table" data={stock.data?.items ?? []} columns={columns} getRowId={(r) => `${r.warehouse_id}:${r.item_id}`} loading={stock.isPending} paging={{ total: stock.data?.total ?? 0, state: paging, onChange: setPaging }} />
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={t('inventory.minimum_set')} data-testid="stock-minimum-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {editing && <MinimumDialogBody row={editing} onClose={() => setEditing(null)} />}
      </Modal>
    </Page>
  );
}

export default function StockScreen() {
  return <StockReportScreen initialReport="levels" titleKey="pages.inventory_stock" testId="stock-screen" />;
}
