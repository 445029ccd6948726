/** Stock movements: filters (product, warehouse, type, user, Jalali date range), server paging, the product's name per row. */
import { useEffect, useMemo, useState } from 'react';
import { Badge, Group, Select, Text } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import type { ColumnDef, PaginationState } from '@tanstack/react-table';
import { Page } from '../../lib/page';
import { DataTable } from '../../lib/data-table';
import { api } from '../../lib/api';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatPhone } from '../../lib/format';
import { CalendarDateInput, parseLocalDate } from '../../lib/jalali-input';
import { useShortcut } from '../../lib/shortcuts';
import { useMembers } from '../orgs/orgs.api';
import { useProductSearch, type ProductDto } from '../catalog/catalog.api';
import { MOVEMENT_TYPES, useAllWarehouses, useMovements, type MovementDto, type MovementType } from './inventory.api';
import { formatQuantity } from './quantity';

const TYPE_COLOURS: Record<MovementType, string> = { in: 'teal', out: 'orange', transfer_out: 'grape', transfer_in: 'indigo', adjust: 'blue', reversal: 'red' };

function dayStart(date: Date | null): string | undefined {
  return date ? new Date(date.getFullYear(), date.getMonth(), date.getDate()).toISOString() : undefined;
}
function dayEnd(date: Date | null): string | undefined {
  return date ? new Date(date.getFullYear(), date.getMonth(), date.getDate(), 23, 59, 59, 999).toISOString() : undefined;
}

/** A product chosen by searching the catalog as you type. */
function ProductPicker({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const { t } = useLocale();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(search), 150);
    return () => clearTimeout(timer);
  }, [search]);
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const found = useProductSearch({ q, category_id: null, active: 'all', limit: 20, offset: 0 }).data?.items ?? [];
  const options = found.map((p) => ({ value: p.id, label: `${p.code} · ${p.name}` }));
  if (chosen && !options.some((o) => o.value === chosen.value)) options.unshift(chosen);
  return (
    <Select
      label={t('inventory.product')}
      placeholder={t('inventory.product_search')}
      data={options}
      value={value}
      onChange={(id, option) => { setChosen(id ? option : null); onChange(id); }}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: all }) => all}
      clearable
      w={260}
      data-testid="movements-product"
    />
  );
}

export default function MovementsScreen() {
  const { t, locale } = useLocale();
  const jalali = locale === 'fa';
  const warehouses = useAllWarehouses().items;
  const members = useMembers().data?.items ?? [];
  const [productId, setProductId] = useState<string | null>(null);
  const [warehouseId, setWarehouseId] = useState<string | null>(null);
  const [type, setType] = useState<MovementType | null>(null);
  const [userId, setUserId] = useState<string | null>(null);
  const [fromText, setFromText] = useState('');
  const [toText, setToText] = useState('');
  const [paging, setPaging] = useState<PaginationState>({ pageIndex: 0, pageSize: 50 });
  const from = dayStart(parseLocalDate(fromText, jalali));
  const to = dayEnd(parseLocalDate(toText, jalali));
  useEffect(() => setPaging((p) => ({ ...p, pageIndex: 0 })), [productId, warehouseId, type, userId, from, to]);
  const movements = useMovements({ product_id: productId, warehouse_id: warehouseId, type, user_id: userId, from, to, limit: paging.pageSize, offset: paging.pageIndex * paging.pageSize });
  useShortcut({ id: 'movements.filter', keys: ['F3'], label_key: 'shortcuts.page_search', group_key: 'shortcuts.group_page', run: () => document.querySelector<HTMLInputElement>('[data-testid="movements-product"]')?.focus() });

  const items = movements.data?.items ?? [];
  const productIds = [...new Set(items.map((m) => m.product_id))];
  const products = useQueries({
    queries: productIds.map((id) => ({ queryKey: ['catalog', 'products', id], queryFn: () => api.get<ProductDto>(`/api/catalog/products/${id}`), staleTime: 60_000 })),
  });
  const productById = new Map(products.flatMap((q) => (q.data ? [[q.data.id, q.data] as const] : [])));
  const warehouseName = (id: string | null) => {
    const w = id ? warehouses.find((x) => x.id === id) : undefined;
    return w ? `${w.branch_name} · ${w.name}` : '';
  };
  const memberName = (user_id: string | null) => {
    const m = user_id ? members.find((x) => x.user_id === user_id) : undefined;
    return m ? m.display_name || formatPhone(m.phone, locale) : '';
  };

  const columns = useMemo<ColumnDef<MovementDto, unknown>[]>(() => [
    { id: 'at', header: () => t('inventory.at'), cell: ({ row }) => <Text size="sm">{formatDate(row.original.created_at, locale)}</Text> },
    { id: 'type', header: () => t('inventory.type'), cell: ({ row }) => <Text size="sm" fw={600} c={TYPE_COLOURS[row.original.type]} style={{ whiteSpace: 'nowrap' }}>{t(`inventory.types.${row.original.type}`)}</Text> },
    {
      id: 'item', header: () => t('inventory.item'), cell: ({ row }) => {
        const product = productById.get(row.original.product_id);
        const variant = product?.variants.find((v) => v.id === row.original.variant_id);
        return <Text size="sm">{product ? `${product.name}${variant ? ` — ${variant.name}` : ''}` : '…'}</Text>;
      },
    },
    { id: 'warehouse', header: () => t('inventory.warehouse'), cell: ({ row }) => <Text size="sm">{warehouseName(row.original.warehouse_id)}{row.original.counter_warehouse_id ? ` ⇄ ${warehouseName(row.original.counter_warehouse_id)}` : ''}</Text> },
    { id: 'delta', header: () => t('inventory.change'), cell: ({ row }) => <Text size="sm" fw={600} c={row.original.quantity_delta < 0 ? 'red' : 'teal'} dir="ltr">{row.original.quantity_delta > 0 ? '+' : ''}{formatQuantity(row.original.quantity_delta, locale)}</Text> },
    { id: 'after', header: () => t('inventory.after'), cell: ({ row }) => <Text size="sm">{formatQuantity(row.original.quantity_after, locale)}</Text> },
    { id: 'user', header: () => t('inventory.user'), cell: ({ row }) => <Text size="sm">{memberName(row.original.user_id) || (row.original.employee_id ? t('inventory.by_employee') : '—')}</Text> },
    { id: 'reason', header: () => t('inventory.reason'), cell: ({ row }) => <Text size="sm">{row.original.reason ?? ''}{row.original.reversed_by_movement_id ? <Badge ms={4} size="xs" color="red" variant="outline">{t('inventory.reversed')}</Badge> : null}</Text> },
  ], [t, locale, warehouses, members, productById]);

  return (
    <Page titleKey="pages.inventory_movements" testId="movements-screen">
      <Group align="flex-end" wrap="wrap" data-testid="movements-filters">
        <ProductPicker value={productId} onChange={setProductId} />
        <Select label={t('inventory.warehouse')} placeholder={t('inventory.all_warehouses')} data={warehouses.map((w) => ({ value: w.id, label: `${w.branch_name} · ${w.name}` }))} value={warehouseId} onChange={setWarehouseId} clearable searchable w={220} data-testid="movements-warehouse" />
        <Select label={t('inventory.type')} placeholder={t('inventory.all_types')} data={MOVEMENT_TYPES.map((v) => ({ value: v, label: t(`inventory.types.${v}`) }))} value={type} onChange={(v) => setType(v as MovementType | null)} clearable w={160} data-testid="movements-type" />
        <Select label={t('inventory.user')} placeholder={t('inventory.all_users')} data={members.map((m) => ({ value: m.user_id, label: m.display_name || formatPhone(m.phone, locale) }))} value={userId} onChange={setUserId} clearable searchable w={200} data-testid="movements-user" />
        <CalendarDateInput labelKey="inventory.from" value={fromText} onChange={setFromText} testId="movements-from" />
        <CalendarDateInput labelKey="inventory.to" value={toText} onChange={setToText} testId="movements-to" />
      </Group>
      {movements.data?.total_capped && <Text size="sm" c="orange" data-testid="movements-capped">{t('inventory.total_capped')}</Text>}
      <DataTable testId="movements-table" data={items} columns={columns} getRowId={(m) => m.id} loading={movements.isPending} paging={{ total: movements.data?.total ?? 0, state: paging, onChange: setPaging }} />
    </Page>
  );
}
