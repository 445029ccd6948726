/**
 * Create/edit one product: code, name, unit, barcodes, active, category (tree picker), the category's
 * attribute values, price levels 1–10 in the person's money unit, variants, and the minimum stock.
 * Ctrl+S / F10 saves. Variants of an existing product are saved one by one after the product itself.
 */
import { useState } from 'react';
import { ActionIcon, Button, Divider, Group, Select, SimpleGrid, Stack, Switch, TagsInput, Text, TextInput, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useLocale } from '../../lib/i18n';
import { fieldErrors, problemMessage, useNotifySaved } from '../../lib/errors';
import { formatNumber, localiseDigits, toLatinDigits } from '../../lib/format';
import { useShortcut } from '../../lib/shortcuts';
import { usePreferences } from '../../app/preferences';
import { usePermissions } from '../../app/permissions';
import { InventoryPermission } from './permissions';
import { itemMinimum, useProductStock, useSetItemMinimum } from '../inventory/inventory.api';
import { useCategories, useCategoryAttributes, useDeleteVariant, useSaveProduct, useSaveVariant, type AttributeDto, type ProductDto, type VariantDto } from './catalog.api';
import { categoryOptions } from './category-tree';
import { inputsFromPrices, parsePriceToRial, parseQuantity, PRICE_LEVELS, pricesFromInputs, rialToInput } from './price';

interface VariantRow {
  key: string;
  id: string | null;
  sku: string;
  name: string;
  barcodes: string[];
  price: string;
  minimum: string;
  original: VariantDto | null;
}

type AttributeInput = string | boolean;

interface ProductForm {
  code: string;
  name: string;
  unit: string;
  barcodes: string[];
  is_active: boolean;
  category_id: string | null;
  attributes: Record<string, AttributeInput>;
  prices: Record<number, string>;
  minimum: string;
  variants: VariantRow[];
}

function quantityText(value: number | null): string {
  return value === null ? '' : String(value);
}

function initialForm(product: ProductDto | null, unit: 'rial' | 'toman'): ProductForm {
  if (!product) return { code: '', name: '', unit: '', barcodes: [], is_active: true, category_id: null, attributes: {}, prices: {}, minimum: '', variants: [] };
  return {
    code: product.code,
    name: product.name,
    unit: product.unit,
    barcodes: product.barcodes,
    is_active: product.is_active,
    category_id: product.category_id,
    attributes: Object.fromEntries(product.attributes.map((a) => [a.attribute_id, typeof a.value === 'number' ? String(a.value) : a.value])),
    prices: inputsFromPrices(product.prices, unit),
    minimum: '',
    variants: product.variants.map((v) => ({
      key: v.id, id: v.id, sku: v.sku, name: v.name, barcodes: v.barcodes, minimum: '', original: v,
      price: (() => { const p = v.prices.find((x) => x.level === 1); return p ? rialToInput(p.amount_rial, unit) : ''; })(),
    })),
  };
}

/** The attribute inputs → the values the server takes; `invalid` names the first bad number. */
function attributeValues(attributes: AttributeDto[], values: Record<string, AttributeInput>): { values: { attribute_id: string; value: string | number | boolean }[]; invalid: string | null } {
  const out: { attribute_id: string; value: string | number | boolean }[] = [];
  for (const attribute of attributes) {
    const raw = values[attribute.id];
    if (raw === undefined || raw === '') continue;
    if (attribute.value_type === 'number') {
      const number = Number(toLatinDigits(String(raw)).replace('٫', '.'));
      if (!Number.isFinite(number)) return { values: out, invalid: attribute.code };
      out.push({ attribute_id: attribute.id, value: number });
    } else out.push({ attribute_id: attribute.id, value: raw });
  }
  return { values: out, invalid: null };
}

function AttributeField({ attribute, value, onChange }: { attribute: AttributeDto; value: AttributeInput | undefined; onChange: (value: AttributeInput) => void }) {
  const { t } = useLocale();
  const common = { label: attribute.name, required: attribute.is_required, 'data-testid': `product-attribute-${attribute.code}` };
  if (attribute.value_type === 'boolean') return <Switch {...common} mt="lg" checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
  if (attribute.value_type === 'choice') return <Select {...common} data={attribute.choices} value={typeof value === 'string' && value ? value : null} onChange={(v) => onChange(v ?? '')} clearable placeholder={t('catalog.choose')} />;
  return <TextInput {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value)} inputMode={attribute.value_type === 'number' ? 'decimal' : undefined} dir={attribute.value_type === 'number' ? 'ltr' : undefined} />;
}

function VariantRows({ rows, onChange, showMinimum }: { rows: VariantRow[]; onChange: (rows: VariantRow[]) => void; showMinimum: boolean }) {
  const { t } = useLocale();
  const set = (key: string, change: Partial<VariantRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  return (
    <Stack gap="xs" data-testid="product-variants">
      {rows.map((row) => (
        <Group key={row.key} align="flex-end" wrap="nowrap" gap="xs" data-testid="variant-row">
          <TextInput label={t('catalog.variant_sku')} value={row.sku} onChange={(e) => set(row.key, { sku: e.currentTarget.value })} dir="ltr" w={130} required data-testid="variant-sku" />
          <TextInput label={t('catalog.variant_name')} value={row.name} onChange={(e) => set(row.key, { name: e.currentTarget.value })} w={160} required data-testid="variant-name" />
          <TagsInput label={t('catalog.barcodes')} value={row.barcodes} onChange={(v) => set(row.key, { barcodes: v.map(toLatinDigits) })} splitChars={[',', '،', ' ']} style={{ flex: 1 }} data-testid="variant-barcodes" />
          <TextInput label={t('catalog.variant_price')} value={row.price} onChange={(e) => set(row.key, { price: e.currentTarget.value })} dir="ltr" inputMode="numeric" w={120} data-testid="variant-price" />
          {showMinimum && <TextInput label={t('catalog.variant_minimum')} value={row.minimum} onChange={(e) => set(row.key, { minimum: e.currentTarget.value })} dir="ltr" inputMode="decimal" w={100} data-testid="variant-minimum" />}
          <Tooltip label={t('catalog.variant_remove')}>
            <ActionIcon variant="subtle" color="red" mb={4} onClick={() => onChange(rows.filter((r) => r.key !== row.key))} aria-label={t('catalog.variant_remove')} data-testid="variant-remove"><IconTrash size={18} /></ActionIcon>
          </Tooltip>
        </Group>
      ))}
      <Group>
        <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} data-testid="variant-add"
          onClick={() => onChange([...rows, { key: crypto.randomUUID(), id: null, sku: '', name: '', barcodes: [], price: '', minimum: '', original: null }])}>
          {t('catalog.variant_add')}
        </Button>
      </Group>
    </Stack>
  );
}

export function ProductFormBody({ product, onClose }: { product: ProductDto | null; onClose: () => void }) {
  const { t, locale } = useLocale();
  const unit = usePreferences().effective.money_unit;
  const canMinimum = usePermissions().has(InventoryPermission.minimumManage);
  const categories = useCategories().data?.items ?? [];
  const [form, setForm] = useState<ProductForm>(() => initialForm(product, unit));
  const attributes = useCategoryAttributes(form.category_id).data?.items ?? [];
  const stock = useProductStock(product?.id ?? null);
  const [minimumsLoaded, setMinimumsLoaded] = useState(false);
  if (stock.data && !minimumsLoaded) {
    // The current minimums arrive after the form opens: fill them in once.
    setMinimumsLoaded(true);
    const rows = stock.data.items;
    setForm((f) => ({
      ...f,
      minimum: product ? quantityText(itemMinimum(rows, product.id)) : '',
      variants: f.variants.map((v) => (v.id ? { ...v, minimum: quantityText(itemMinimum(rows, v.id)) } : v)),
    }));
  }
  const save = useSaveProduct();
  const saveVariant = useSaveVariant(product?.id ?? '');
  const deleteVariant = useDeleteVariant(product?.id ?? '');
  const setMinimum = useSetItemMinimum();
  const notifySaved = useNotifySaved();
  const [localError, setLocalError] = useState<string | null>(null);
  const [stepError, setStepError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(stepError, t);
  const unitLabel = t(unit === 'toman' ? 'money.toman' : 'money.rial');

  const validate = (): { prices: ReturnType<typeof pricesFromInputs>['prices']; attrs: ReturnType<typeof attributeValues>['values'] } | null => {
    const { prices, invalid_level } = pricesFromInputs(form.prices, unit);
    if (invalid_level !== null) return fail(t('catalog.price_invalid', { level: formatNumber(invalid_level, locale) }));
    const attrs = attributeValues(attributes, form.attributes);
    if (attrs.invalid) return fail(t('catalog.attribute_number_invalid', { code: attrs.invalid }));
    if (parseQuantity(form.minimum) === undefined || form.variants.some((v) => parseQuantity(v.minimum) === undefined)) return fail(t('catalog.minimum_invalid'));
    if (form.variants.some((v) => parsePriceToRial(v.price, unit) === undefined)) return fail(t('catalog.variant_price_invalid'));
    if (form.variants.some((v) => !v.sku.trim() || !v.name.trim())) return fail(t('catalog.variant_incomplete'));
    setLocalError(null);
    return { prices, attrs: attrs.values };
  };
  function fail(message: string): null {
    setLocalError(message);
    return null;
  }

  const variantPrices = (row: VariantRow) => {
    const amount = parsePriceToRial(row.price, unit);
    const others = (row.original?.prices ?? []).filter((p) => p.level !== 1);
    return amount === null || amount === undefined ? others : [{ level: 1, amount_rial: amount }, ...others];
  };

  /** After the product: variants (removed, changed, new), then minimums, each a request of its own. */
  const saveDependants = async (saved: ProductDto) => {
    if (product) {
      const kept = new Set(form.variants.map((v) => v.id).filter(Boolean));
      for (const v of product.variants) if (!kept.has(v.id)) await deleteVariant.mutateAsync(v.id);
      for (const row of form.variants) {
        const body = { sku: row.sku.trim(), name: row.name.trim(), barcodes: row.barcodes, prices: variantPrices(row) };
        if (!row.id) await saveVariant.mutateAsync({ id: null, create: body, update: {} });
        else if (JSON.stringify(body) !== JSON.stringify({ sku: row.original?.sku, name: row.original?.name, barcodes: row.original?.barcodes, prices: row.original?.prices })) {
          await saveVariant.mutateAsync({ id: row.id, create: body, update: body });
        }
      }
    }
    if (!canMinimum) return;
    const fresh = product ? null : saved;
    const stockRows = stock.data?.items ?? [];
    const wanted: { item_id: string; text: string }[] = [];
    if (form.variants.length === 0) wanted.push({ item_id: saved.id, text: form.minimum });
    for (const row of form.variants) {
      const item_id = row.id ?? (fresh ?? saved).variants.find((v) => v.sku === row.sku.trim())?.id;
      if (item_id) wanted.push({ item_id, text: row.minimum });
    }
    for (const { item_id, text } of wanted) {
      const value = parseQuantity(text) ?? null;
      if (value !== itemMinimum(stockRows, item_id)) await setMinimum.mutateAsync({ item_id, min_quantity: value });
    }
  };

  const submit = async () => {
    if (busy) return;
    const checked = validate();
    if (!checked) return;
    const common = {
      code: form.code.trim(), name: form.name.trim(), unit: form.unit.trim(), category_id: form.category_id, is_active: form.is_active,
      barcodes: form.barcodes, prices: checked.prices, attributes: checked.attrs,
    };
    setBusy(true);
    setStepError(null);
    try {
      const saved = await save.mutateAsync({
        id: product?.id ?? null,
        create: { ...common, variants: form.variants.map((v) => ({ sku: v.sku.trim(), name: v.name.trim(), barcodes: v.barcodes, prices: variantPrices(v) })) },
        update: common,
      });
      await saveDependants(saved);
      notifySaved();
      onClose();
    } catch (error) {
      setStepError(error);
    } finally {
      setBusy(false);
    }
  };
  useShortcut({ id: 'product-form.save', keys: ['mod+s', 'F10'], label_key: 'shortcuts.save', group_key: 'shortcuts.group_page', run: () => void submit() });

  const setPrice = (level: number, text: string) => setForm({ ...form, prices: { ...form.prices, [level]: text } });
  const shownError = localError ?? (stepError ? problemMessage(stepError, t, locale) : null);
  return (
    <form onSubmit={(e) => { e.preventDefault(); void submit(); }} data-testid="product-form">
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t('catalog.code')} value={form.code} onChange={(e) => setForm({ ...form, code: e.currentTarget.value })} dir="ltr" required data-autofocus error={errors.code} data-testid="product-code" />
          <TextInput label={t('catalog.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} required error={errors.name} data-testid="product-name" />
          <TextInput label={t('catalog.unit')} placeholder={t('catalog.unit_placeholder')} value={form.unit} onChange={(e) => setForm({ ...form, unit: e.currentTarget.value })} required error={errors.unit} data-testid="product-unit" />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select label={t('catalog.category')} data={categoryOptions(categories)} value={form.category_id} onChange={(v) => setForm({ ...form, category_id: v, attributes: {} })} searchable clearable nothingFoundMessage={t('common.empty')} placeholder={t('catalog.no_category')} data-testid="product-category" />
          <TagsInput label={t('catalog.barcodes')} description={t('catalog.barcodes_hint')} value={form.barcodes} onChange={(v) => setForm({ ...form, barcodes: v.map(toLatinDigits) })} splitChars={[',', '،']} data-testid="product-barcodes" />
        </SimpleGrid>
        <Group align="flex-end">
          <Switch mb={10} label={t('catalog.active')} checked={form.is_active} onChange={(e) => setForm({ ...form, is_active: e.currentTarget.checked })} data-testid="product-active" />
          {canMinimum && form.variants.length === 0 && (
            <TextInput label={t('catalog.minimum_stock')} description={t('catalog.minimum_stock_hint')} value={form.minimum} onChange={(e) => setForm({ ...form, minimum: e.currentTarget.value })} dir="ltr" inputMode="decimal" w={220} data-testid="product-minimum" />
          )}
        </Group>
        {attributes.length > 0 && (
          <>
            <Divider label={t('catalog.attributes')} labelPosition="left" />
            <SimpleGrid cols={{ base: 1, sm: 3 }} data-testid="product-attributes">
              {attributes.map((a) => <AttributeField key={a.id} attribute={a} value={form.attributes[a.id]} onChange={(v) => setForm({ ...form, attributes: { ...form.attributes, [a.id]: v } })} />)}
            </SimpleGrid>
          </>
        )}
        <Divider label={t('catalog.prices_in', { unit: unitLabel })} labelPosition="left" />
        <SimpleGrid cols={{ base: 2, sm: 5 }} data-testid="product-prices">
          {PRICE_LEVELS.map((level) => (
            <TextInput key={level} label={t('catalog.price_level', { level: localiseDigits(String(level), locale) })} value={form.prices[level] ?? ''} onChange={(e) => setPrice(level, e.currentTarget.value)} dir="ltr" inputMode="numeric" data-testid={`product-price-${level}`} />
          ))}
        </SimpleGrid>
        <Divider label={t('catalog.variants')} labelPosition="left" />
        {form.variants.length === 0 && <Text size="sm" c="dimmed">{t('catalog.variants_hint')}</Text>}
        <VariantRows rows={form.variants} onChange={(variants) => setForm({ ...form, variants })} showMinimum={canMinimum} />
        {shownError && <Text c="red" size="sm" data-testid="product-error">{shownError}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" loading={busy} data-testid="product-save">{t('common.save')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
