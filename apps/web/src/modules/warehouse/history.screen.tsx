/**
 * Movement history: by product, employee, user, type and date range (Jalali dates in Persian), server paging.
 * A reversal (warehouse admin, with a reason) is a counter-movement: the original row says it was reversed and
 * the reversal row says which movement it cancels, so the two read side by side.
 */
import { useMemo, useState } from 'react';
import { Badge, Button, Group, Modal, Select, Stack, Text, Textarea, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconArrowBackUp, IconFilterOff } from '@tabler/icons-react';
import type { ColumnDef } from '@tanstack/react-table';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { problemMessage, useNotifySaved } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { DataTable } from '../../lib/data-table';
import { CalendarDateInput, parseLocalDate } from '../../lib/jalali-input';
import { usePermissions } from '../../app/permissions';
import { MovementTypeBadge, ProductName, formatQuantity } from './parts';
import {
  useEmployees, useHistory, useProductSearch, useReverseMovement, useStaffNames, useWarehouseOptions,
  type HistoryFilter, type HistoryItem, type MovementType,
} from './warehouse.api';
import { WarehousePermission } from './permissions';

const TYPES: MovementType[] = ['in', 'out', 'reversal', 'adjust', 'transfer_in', 'transfer_out'];

function dayStartIso(date: Date | null): string | undefined {
  return date ? new Date(date.getFullYear(), date.getMonth(), date.getDate()).toISOString() : undefined;
}
function dayEndIso(date: Date | null): string | undefined {
  return date ? new Date(date.getFullYear(), date.getMonth(), date.getDate(), 23, 59, 59, 999).toISOString() : undefined;
}

function ReverseForm({ movement, onClose }: { movement: HistoryItem; onClose: () => void }) {
  const { t, locale } = useLocale();
  const [reason, setReason] = useState('');
  const reverse = useReverseMovement();
  const notifySaved = useNotifySaved();
  const valid = reason.trim().length >= 3;
  return (
    <form onSubmit={(e) => { e.preventDefault(); if (valid) reverse.mutate({ id: movement.id, reason: reason.trim() }, { onSuccess: () => { notifySaved('warehouse.reversed_saved'); onClose(); } }); }}>
      <Stack>
        <Group gap="xs">
          <MovementTypeBadge type={movement.type} />
          <ProductName id={movement.product_id} />
          <Text fw={600}>{formatQuantity(movement.quantity_delta, locale, true)}</Text>
          <Text size="sm" c="dimmed">{formatDate(movement.created_at, locale)}</Text>
        </Group>
        <Text size="sm">{t('warehouse.reverse_text')}</Text>
        <Textarea label={t('warehouse.reverse_reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required minRows={2} maxLength={500} data-autofocus data-testid="reversal-reason"
          error={reason.trim() && !valid ? t('warehouse.reverse_reason_short') : undefined} />
        {reverse.error && <Text c="red" size="sm" data-testid="reversal-error">{problemMessage(reverse.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" color="red" loading={reverse.isPending} disabled={!valid} data-testid="reversal-save">{t('warehouse.reverse')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

export default function HistoryScreen() {
  const { t, locale } = useLocale();
  const permissions = usePermissions();
  const canReverse = permissions.has(WarehousePermission.reverse);
  const staff = useStaffNames(permissions.has(WarehousePermission.staffRead));
  const employees = useEmployees({ limit: 500 });
  const warehouses = useWarehouseOptions();
  const [productSearch, setProductSearch] = useState('');
  const [productQ] = useDebouncedValue(productSearch, 200);
  const products = useProductSearch(productQ);
  const [productId, setProductId] = useState<string | null>(null);
  const [employeeId, setEmployeeId] = useState<string | null>(null);
  const [userId, setUserId] = useState<string | null>(null);
  const [type, setType] = useState<MovementType | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [page, setPage] = useState({ pageIndex: 0, pageSize: 25 });
  const [reversing, setReversing] = useState<HistoryItem | null>(null);
  const jalali = locale === 'fa';

  const filter: HistoryFilter = {
    product_id: productId ?? undefined,
    employee_id: employeeId ?? undefined,
    user_id: userId ?? undefined,
    type: type ?? undefined,
    from: dayStartIso(parseLocalDate(from, jalali)),
    to: dayEndIso(parseLocalDate(to, jalali)),
    limit: page.pageSize,
    offset: page.pageIndex * page.pageSize,
  };
  const history = useHistory(filter);
  const resetPage = () => setPage((p) => ({ ...p, pageIndex: 0 }));
  const userNames = useMemo(() => new Map((staff.data ?? []).map((m) => [m.user_id, m.display_name ?? m.phone])), [staff.data]);
  const warehouseNames = useMemo(() => new Map((warehouses.data ?? []).map((w) => [w.id, w.name])), [warehouses.data]);
  const onPage = useMemo(() => new Map((history.data?.items ?? []).map((m) => [m.id, m])), [history.data]);

  const columns = useMemo<ColumnDef<HistoryItem, unknown>[]>(() => [
    { id: 'date', header: t('warehouse.date'), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDate(row.original.created_at, locale)}</Text> },
    { id: 'type', header: t('warehouse.type_label'), cell: ({ row }) => <MovementTypeBadge type={row.original.type} /> },
    { id: 'product', header: t('warehouse.product'), cell: ({ row }) => <ProductName id={row.original.product_id} /> },
    { id: 'quantity', header: t('warehouse.quantity_short'), cell: ({ row }) => <Text size="sm" fw={600}>{formatQuantity(row.original.quantity_delta, locale, true)}</Text> },
    { id: 'after', header: t('warehouse.stock_after'), cell: ({ row }) => <Text size="sm">{formatQuantity(row.original.quantity_after, locale)}</Text> },
    { id: 'warehouse', header: t('warehouse.warehouse'), cell: ({ row }) => <Text size="sm">{warehouseNames.get(row.original.warehouse_id) ?? ''}</Text> },
    { id: 'employee', header: t('warehouse.employee'), cell: ({ row }) => <Text size="sm">{row.original.employee_name ?? ''}</Text> },
    { id: 'user', header: t('warehouse.user'), cell: ({ row }) => <Text size="sm">{row.original.user_id ? userNames.get(row.original.user_id) ?? t('warehouse.user_unknown') : ''}</Text> },
    {
      id: 'reversal', header: t('warehouse.reversal'),
      cell: ({ row }) => {
        const m = row.original;
        if (m.reverses_movement_id) {
          const original = onPage.get(m.reverses_movement_id);
          return (
            <Stack gap={2} data-testid="movement-reverses" data-original-id={m.reverses_movement_id}>
              <Text size="xs">{original ? t('warehouse.reverses_of', { date: formatDate(original.created_at, locale) }) : t('warehouse.reverses')}</Text>
              {m.reason && <Text size="xs" c="dimmed">{t('warehouse.reason_is', { reason: m.reason })}</Text>}
            </Stack>
          );
        }
        if (m.reversed_by_movement_id) {
          const reversal = onPage.get(m.reversed_by_movement_id);
          return (
            <Tooltip label={reversal?.reason ?? ''} disabled={!reversal?.reason}>
              <Badge color="red" variant="outline" data-testid="movement-reversed" data-reversal-id={m.reversed_by_movement_id}>
                {reversal ? t('warehouse.reversed_on', { date: formatDate(reversal.created_at, locale) }) : t('warehouse.reversed')}
              </Badge>
            </Tooltip>
          );
        }
        if (canReverse && (m.type === 'in' || m.type === 'out')) {
          return <Button size="xs" variant="light" color="red" leftSection={<IconArrowBackUp size={14} />} onClick={() => setReversing(m)} data-testid="movement-reverse">{t('warehouse.reverse')}</Button>;
        }
        return null;
      },
    },
  ], [t, locale, userNames, warehouseNames, onPage, canReverse]);

  const clear = () => {
    setProductId(null); setProductSearch(''); setEmployeeId(null); setUserId(null); setType(null); setFrom(''); setTo(''); resetPage();
  };

  return (
    <Page titleKey="pages.warehouse_history" descriptionKey="warehouse.history_description" testId="warehouse-history-screen">
      <Group align="flex-end" wrap="wrap" gap="sm">
        <Select
          label={t('warehouse.product')}
          searchable
          clearable
          searchValue={productSearch}
          onSearchChange={setProductSearch}
          data={(products.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.code})` }))}
          value={productId}
          onChange={(v) => { setProductId(v); resetPage(); }}
          filter={({ options }) => options}
          nothingFoundMessage={productQ.trim() ? t('common.empty') : t('warehouse.type_to_search')}
          w={260}
          data-testid="history-filter-product"
        />
        <Select label={t('warehouse.employee')} searchable clearable w={200} value={employeeId} onChange={(v) => { setEmployeeId(v); resetPage(); }}
          data={(employees.data?.items ?? []).map((e) => ({ value: e.id, label: e.full_name }))} data-testid="history-filter-employee" />
        {staff.data && (
          <Select label={t('warehouse.user')} searchable clearable w={200} value={userId} onChange={(v) => { setUserId(v); resetPage(); }}
            data={staff.data.map((m) => ({ value: m.user_id, label: m.display_name ?? m.phone }))} data-testid="history-filter-user" />
        )}
        <Select label={t('warehouse.type_label')} clearable w={150} value={type} onChange={(v) => { setType(v as MovementType | null); resetPage(); }}
          data={TYPES.map((value) => ({ value, label: t(`warehouse.type.${value}`) }))} data-testid="history-filter-type" />
        <CalendarDateInput labelKey="warehouse.from" value={from} onChange={(v) => { setFrom(v); resetPage(); }} testId="history-filter-from" />
        <CalendarDateInput labelKey="warehouse.to" value={to} onChange={(v) => { setTo(v); resetPage(); }} testId="history-filter-to" />
        <Button variant="subtle" leftSection={<IconFilterOff size={16} />} onClick={clear} data-testid="history-filter-clear">{t('common.clear')}</Button>
      </Group>
      {history.error && <Text c="red">{problemMessage(history.error, t, locale)}</Text>}
      <DataTable
        data={history.data?.items ?? []}
        columns={columns}
        getRowId={(m) => m.id}
        loading={history.isLoading}
        paging={{ total: history.data?.total ?? 0, state: page, onChange: setPage }}
        testId="history-table"
      />
      <Modal opened={reversing !== null} onClose={() => setReversing(null)} title={t('warehouse.reverse_title')} data-testid="reversal-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {reversing && <ReverseForm movement={reversing} onClose={() => setReversing(null)} />}
      </Modal>
    </Page>
  );
}
