/** Corrections made by admins (newest first): direction, amount, reason, balance after. */
import { useMemo, useState } from 'react';
import { Anchor, Badge, Stack, Text } from '@mantine/core';
import type { ColumnDef, PaginationState } from '@tanstack/react-table';
import { Link } from '@tanstack/react-router';
import { DataTable } from '../../lib/data-table';
import { Money } from '../../lib/money';
import { useLocale } from '../../lib/i18n';
import { formatDate } from '../../lib/format';
import { problemMessage } from '../../lib/errors';
import { useCorrections, type CorrectionDto } from './credit-sales.api';

export function CorrectionsList({ seller_id, sellerNames }: { seller_id?: string; sellerNames?: Map<string, string> }) {
  const { t, locale } = useLocale();
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: 25 });
  const corrections = useCorrections({ seller_id, limit: pagination.pageSize, offset: pagination.pageIndex * pagination.pageSize });
  const withBalance = (corrections.data?.items ?? []).some((c) => c.balance_after_rial !== null);
  const columns = useMemo<ColumnDef<CorrectionDto, unknown>[]>(() => [
    { id: 'created_at', header: () => t('credit_sales.when'), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDate(row.original.created_at, locale)}</Text> },
    ...(seller_id ? [] : [{
      id: 'seller', header: () => t('credit_sales.seller'),
      cell: ({ row }: { row: { original: CorrectionDto } }) => (
        <Anchor component={Link} to={`/credit-sales/sellers/${row.original.seller_id}`} size="sm">{sellerNames?.get(row.original.seller_id) ?? t('credit_sales.open')}</Anchor>
      ),
    }]),
    {
      id: 'direction', header: () => t('credit_sales.direction_label'),
      cell: ({ row }) => <Badge variant="light" color={row.original.direction === 'increase' ? 'teal' : 'red'}>{t(`credit_sales.direction.${row.original.direction}`)}</Badge>,
    },
    { id: 'amount', header: () => t('credit_sales.amount'), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}><Money rial={row.original.amount_rial} /></Text> },
    { id: 'reason', header: () => t('credit_sales.reason'), cell: ({ row }) => <Text size="sm">{row.original.reason}</Text> },
    // The balance right after a correction is known only where the server sends it (not in every list).
    ...(withBalance ? [{
      id: 'balance_after', header: () => t('credit_sales.balance_after'),
      cell: ({ row }: { row: { original: CorrectionDto } }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{row.original.balance_after_rial === null ? '—' : <Money rial={row.original.balance_after_rial} />}</Text>,
    }] : []),
  ], [t, locale, seller_id, sellerNames, withBalance]);
  return (
    <Stack data-testid="cs-corrections">
      {corrections.error && <Text c="red">{problemMessage(corrections.error, t, locale)}</Text>}
      <DataTable
        testId="cs-corrections-table"
        data={corrections.data?.items ?? []}
        columns={columns}
        getRowId={(c) => c.id}
        loading={corrections.isFetching && !corrections.data}
        paging={{ total: corrections.data?.total ?? 0, state: pagination, onChange: setPagination }}
      />
    </Stack>
  );
}
