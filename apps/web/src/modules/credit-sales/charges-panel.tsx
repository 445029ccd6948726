/** A seller's top-up sales: filter by phone, status and days; server paging. */
import { useMemo, useState } from 'react';
import { Badge, Button, Code, Group, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { ColumnDef, PaginationState } from '@tanstack/react-table';
import { DataTable } from '../../lib/data-table';
import { Money } from '../../lib/money';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatPhone, toLatinDigits } from '../../lib/format';
import { problemMessage } from '../../lib/errors';
import { useCharges, type ChargeListItem, type SellerScope } from './credit-sales.api';
import { EMPTY_RANGE, RangeInputs, useRange, type RangeForm } from './common';

const PAGE_SIZE = 25;

interface ChargeFilterForm extends RangeForm { phone: string; status: '' | ChargeListItem['status'] }
const EMPTY: ChargeFilterForm = { ...EMPTY_RANGE, phone: '', status: '' };

export function ChargesPanel({ scope }: { scope: SellerScope }) {
  const { t, locale } = useLocale();
  const [form, setForm] = useState<ChargeFilterForm>(EMPTY);
  const [debounced] = useDebouncedValue(form, 350);
  const range = useRange(debounced);
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: PAGE_SIZE });
  const charges = useCharges(scope, {
    ...range,
    phone: toLatinDigits(debounced.phone).replace(/\D/g, '') || undefined,
    status: debounced.status || undefined,
    limit: pagination.pageSize,
    offset: pagination.pageIndex * pagination.pageSize,
  });
  const set = (patch: Partial<ChargeFilterForm>) => { setForm((f) => ({ ...f, ...patch })); setPagination((p) => ({ ...p, pageIndex: 0 })); };
  const columns = useMemo<ColumnDef<ChargeListItem, unknown>[]>(() => [
    { id: 'created_at', header: () => t('credit_sales.when'), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDate(row.original.created_at, locale)}</Text> },
    { id: 'phone', header: () => t('credit_sales.phone'), cell: ({ row }) => <Text size="sm">{formatPhone(row.original.phone, locale)}</Text> },
    { id: 'operator', header: () => t('credit_sales.operator'), cell: ({ row }) => <Text size="sm">{t(`credit_sales.operators.${row.original.operator}`, { defaultValue: row.original.operator })}</Text> },
    { id: 'amount', header: () => t('credit_sales.amount'), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}><Money rial={row.original.amount_rial} /></Text> },
    {
      id: 'status', header: () => t('credit_sales.status'),
      cell: ({ row }) => <Badge variant="light" color={row.original.status === 'accepted' ? 'teal' : 'red'}>{t(`credit_sales.charge_status.${row.original.status}`)}</Badge>,
    },
    {
      id: 'balance_after', header: () => t('credit_sales.balance_after'),
      cell: ({ row }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{row.original.balance_after_rial === null ? '—' : <Money rial={row.original.balance_after_rial} />}</Text>,
    },
    { id: 'key', header: () => t('credit_sales.idempotency_key'), cell: ({ row }) => <Code dir="ltr" style={{ fontSize: 11 }}>{row.original.idempotency_key}</Code> },
  ], [t, locale]);
  return (
    <Stack data-testid="cs-charges">
      <Paper withBorder p="sm">
        <Group align="flex-end" gap="sm">
          <TextInput label={t('credit_sales.phone')} value={form.phone} onChange={(e) => set({ phone: e.currentTarget.value })} dir="ltr" inputMode="tel" w={180} data-testid="cs-charges-phone" />
          <Select
            label={t('credit_sales.status')}
            data={[{ value: 'accepted', label: t('credit_sales.charge_status.accepted') }, { value: 'refused', label: t('credit_sales.charge_status.refused') }]}
            value={form.status || null}
            onChange={(v) => set({ status: (v ?? '') as ChargeFilterForm['status'] })}
            clearable
            w={160}
            data-testid="cs-charges-status"
          />
          <RangeInputs value={form} onChange={(range) => set(range)} testPrefix="cs-charges" />
          <Button variant="default" onClick={() => set(EMPTY)} data-testid="cs-charges-clear">{t('common.clear')}</Button>
        </Group>
      </Paper>
      {charges.error && <Text c="red">{problemMessage(charges.error, t, locale)}</Text>}
      <DataTable
        testId="cs-charges-table"
        data={charges.data?.items ?? []}
        columns={columns}
        getRowId={(c) => c.id}
        loading={charges.isFetching && !charges.data}
        paging={{ total: charges.data?.total ?? 0, state: pagination, onChange: setPagination }}
      />
    </Stack>
  );
}
