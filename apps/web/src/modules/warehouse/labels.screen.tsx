/**
 * QR labels for products, printed from the browser: HTML/CSS with an `@page` of the label's size, Vazirmatn,
 * the QR image from the `qrcode` package. The browser's own text engine shapes Persian and orders mixed
 * Persian/Latin/digit runs correctly — PDF libraries such as pdfkit/pdfmake do not (research/ecosystem.md §6).
 * The QR holds a value the station's lookup finds: the first barcode, else the SKU / product code.
 */
import { useEffect, useMemo, useState } from 'react';
import { ActionIcon, Button, Group, NumberInput, Paper, SegmentedControl, Select, Stack, Table, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPrinter, IconTrash } from '@tabler/icons-react';
import QRCode from 'qrcode';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { useNotifyError } from '../../lib/errors';
import { formatNumber, localiseDigits, toLatinDigits } from '../../lib/format';
import { api } from '../../lib/api';
import { useProductSearch, type LookupResult } from './warehouse.api';

type Product = LookupResult['product'];
interface LabelItem { key: string; name: string; code: string; value: string; unit: string; copies: number }

const SIZES = { '50x30': { w: 50, h: 30 }, '60x40': { w: 60, h: 40 }, '70x50': { w: 70, h: 50 } } as const;
type SizeKey = keyof typeof SIZES;

/** One label per stock-keeping item: the product itself, or each active variant. */
function labelItemsOf(product: Product): LabelItem[] {
  const variants = product.variants.filter((v) => v.is_active);
  if (variants.length === 0) {
    return [{ key: product.id, name: product.name, code: product.code, value: product.barcodes[0] ?? product.code, unit: product.unit, copies: 1 }];
  }
  return variants.map((v) => ({ key: v.id, name: `${product.name} — ${v.name}`, code: v.sku, value: v.barcodes[0] ?? v.sku, unit: product.unit, copies: 1 }));
}

function useQrImages(values: string[]): Map<string, string> {
  const [images, setImages] = useState(new Map<string, string>());
  const joined = values.join('\n');
  useEffect(() => {
    let cancelled = false;
    const unique = [...new Set(joined ? joined.split('\n') : [])];
    Promise.all(unique.map(async (value) => [value, await QRCode.toDataURL(value, { errorCorrectionLevel: 'M', margin: 1, width: 256 })] as const))
      .then((pairs) => { if (!cancelled) setImages(new Map(pairs)); })
      .catch(() => undefined);
    return () => { cancelled = true; };
  }, [joined]);
  return images;
}

/** The print rules: only the label sheet is printed, one label per page of the label's size. */
function printCss(size: { w: number; h: number }): string {
  // The QR takes at most 45% of the width, so the name keeps room for two or three lines.
  const qr_mm = Math.min(size.h - 4, Math.round(size.w * 0.45));
  return `
@page { size: ${size.w}mm ${size.h}mm; margin: 0; }
@media print {
  body * { visibility: hidden !important; }
  .wh-label-sheet, .wh-label-sheet * { visibility: visible !important; }
  .wh-label-sheet { position: absolute; inset: 0 auto auto 0; display: block !important; }
  .wh-label { page-break-after: always; break-after: page; border: none !important; margin: 0 !important; }
}
.wh-label { width: ${size.w}mm; height: ${size.h}mm; box-sizing: border-box; padding: 2mm; display: flex; gap: 2mm; align-items: center;
  font-family: Vazirmatn, Tahoma, sans-serif; border: 1px dashed #bbb; background: #fff; color: #000; overflow: hidden; }
.wh-label img { height: ${qr_mm}mm; width: ${qr_mm}mm; flex: none; image-rendering: pixelated; }
.wh-label .wh-text { display: flex; flex-direction: column; gap: 1mm; min-width: 0; }
.wh-label .wh-name { font-size: ${size.h >= 40 ? 11 : 9}pt; font-weight: 700; line-height: 1.25; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; }
.wh-label .wh-code { font-size: 8pt; direction: ltr; unicode-bidi: isolate; text-align: start; }
.wh-label .wh-unit { font-size: 7pt; color: #333; }
`;
}

/** Latin/digit runs such as `SKU-42` kept on one line: a break after their hyphen scrambles them inside Persian text. */
function UnbrokenCodes({ text }: { text: string }) {
  const parts = text.split(/([A-Za-z0-9][A-Za-z0-9\-_./]*[A-Za-z0-9])/);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <span key={i} style={{ whiteSpace: 'nowrap' }}>{part}</span> : part))}</>;
}

export default function LabelsScreen() {
  const { t, locale } = useLocale();
  const notifyError = useNotifyError();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 200);
  const products = useProductSearch(q);
  const [items, setItems] = useState<LabelItem[]>([]);
  const [sizeKey, setSizeKey] = useState<SizeKey>('60x40');
  const size = SIZES[sizeKey];
  const images = useQrImages(items.map((i) => i.value));
  const copies = useMemo(() => items.flatMap((item) => Array.from({ length: item.copies }, (_, n) => ({ ...item, n }))), [items]);

  const add = async (id: string | null) => {
    if (!id) return;
    setSearch('');
    try {
      const product = await api.get<Product>(`/api/catalog/products/${encodeURIComponent(id)}`);
      setItems((current) => [...current, ...labelItemsOf(product).filter((l) => !current.some((c) => c.key === l.key))]);
    } catch (error) {
      notifyError(error);
    }
  };
  const setCopies = (key: string, value: number) => setItems((current) => current.map((i) => (i.key === key ? { ...i, copies: Math.max(1, Math.min(500, value)) } : i)));

  return (
    <Page
      titleKey="pages.warehouse_labels"
      descriptionKey="warehouse.labels_description"
      testId="warehouse-labels-screen"
      actions={<Button leftSection={<IconPrinter size={16} />} disabled={copies.length === 0 || images.size === 0} onClick={() => window.print()} data-testid="labels-print">{t('warehouse.print')}</Button>}
    >
      <style>{printCss(size)}</style>
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t('warehouse.add_product')}
          placeholder={t('warehouse.type_to_search')}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          value={null}
          onChange={(id) => void add(id)}
          filter={({ options }) => options}
          data={(products.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.code})` }))}
          nothingFoundMessage={q.trim() ? t('common.empty') : t('warehouse.type_to_search')}
          w={320}
          data-testid="labels-product"
        />
        <SegmentedControl value={sizeKey} onChange={(v) => setSizeKey(v as SizeKey)} data-testid="labels-size"
          data={Object.entries(SIZES).map(([value, s]) => ({ value, label: t('warehouse.label_size', { w: formatNumber(s.w, locale), h: formatNumber(s.h, locale) }) }))} />
      </Group>
      {items.length > 0 && (
        <Table striped data-testid="labels-table">
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.key} data-testid="labels-table-row">
                <Table.Td>{item.name}</Table.Td>
                <Table.Td><Text size="sm" dir="ltr" span>{item.value}</Text></Table.Td>
                <Table.Td w={140}>
                  <NumberInput size="xs" min={1} max={500} value={item.copies} aria-label={t('warehouse.copies')} data-testid="labels-copies"
                    onChange={(v) => setCopies(item.key, Number(toLatinDigits(String(v))) || 1)} />
                </Table.Td>
                <Table.Td w={40}>
                  <ActionIcon variant="subtle" color="red" aria-label={t('warehouse.remove')} onClick={() => setItems((c) => c.filter((i) => i.key !== item.key))}><IconTrash size={16} /></ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {items.length === 0 && <Text c="dimmed">{t('warehouse.labels_empty')}</Text>}
      <Text size="sm" c="dimmed">{t('warehouse.labels_count', { labels: localiseDigits(String(copies.length), locale) })}</Text>
      <Paper p="sm" withBorder>
        <Stack gap="xs" className="wh-label-sheet" data-testid="labels-sheet" style={{ display: 'flex', flexWrap: 'wrap', flexDirection: 'row' }}>
          {copies.map((label) => (
            <div className="wh-label" key={`${label.key}-${label.n}`} dir={locale === 'fa' || locale === 'ar' ? 'rtl' : 'ltr'} data-testid="label">
              {images.get(label.value) && <img src={images.get(label.value)} alt={label.value} />}
              <div className="wh-text">
                <div className="wh-name" dir="auto"><UnbrokenCodes text={label.name} /></div>
                <div className="wh-code">{label.code}</div>
                <div className="wh-unit">{label.unit}</div>
              </div>
            </div>
          ))}
        </Stack>
      </Paper>
    </Page>
  );
}
