/** A seller's credit statement: entries newest first with the running balance, date range, paging, xlsx export. */
import { useMemo, useState } from 'react';
import { Button, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ColumnDef, PaginationState } from '@tanstack/react-table';
import { IconDownload } from '@tabler/icons-react';
import { DataTable } from '../../lib/data-table';
import { Money } from '../../lib/money';
import { useLocale } from '../../lib/i18n';
import { formatDate } from '../../lib/format';
import { problemMessage, useNotifyError } from '../../lib/errors';
import { downloadStatement, useStatement, type SellerScope, type StatementLine } from './credit-sales.api';
import { EMPTY_RANGE, RangeInputs, kindKey, useRange, type RangeForm } from './common';

const PAGE_SIZE = 25;

export function StatementPanel({ scope }: { scope: SellerScope }) {
  const { t, locale } = useLocale();
  const notifyError = useNotifyError();
  const [form, setForm] = useState<RangeForm>(EMPTY_RANGE);
  const range = useRange(form);
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: PAGE_SIZE });
  const statement = useStatement(scope, { ...range, limit: pagination.pageSize, offset: pagination.pageIndex * pagination.pageSize });
  const [exporting, setExporting] = useState(false);
  const exportXlsx = async () => {
    setExporting(true);
    try {
      await downloadStatement(scope, range, locale === 'fa' ? 'fa' : 'en');
    } catch (error) {
      notifyError(error);
    } finally {
      setExporting(false);
    }
  };
  const columns = useMemo<ColumnDef<StatementLine, unknown>[]>(() => [
    { id: 'created_at', header: () => t('credit_sales.when'), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDate(row.original.created_at, locale)}</Text> },
    { id: 'kind', header: () => t('credit_sales.kind'), cell: ({ row }) => <Text size="sm">{t(kindKey(row.original.kind), { defaultValue: row.original.kind })}</Text> },
    {
      id: 'amount', header: () => t('credit_sales.amount'),
      cell: ({ row }) => <Text size="sm" c={row.original.amount_rial < 0 ? 'red' : 'teal'} style={{ whiteSpace: 'nowrap' }}><Money rial={row.original.amount_rial} /></Text>,
    },
    { id: 'balance', header: () => t('credit_sales.balance_after'), cell: ({ row }) => <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}><Money rial={row.original.balance_after_rial} /></Text> },
    { id: 'memo', header: () => t('credit_sales.memo'), cell: ({ row }) => <Text size="sm" c="dimmed">{row.original.memo ?? ''}</Text> },
  ], [t, locale]);
  const change = (next: RangeForm) => { setForm(next); setPagination((p) => ({ ...p, pageIndex: 0 })); };
  return (
    <Stack data-testid="cs-statement">
      <Paper withBorder p="sm">
        <Group align="flex-end" gap="sm" justify="space-between">
          <Group align="flex-end" gap="sm">
            <RangeInputs value={form} onChange={change} testPrefix="cs-statement" />
            <Button variant="default" onClick={() => change(EMPTY_RANGE)} data-testid="cs-statement-clear">{t('common.clear')}</Button>
          </Group>
          <Button leftSection={<IconDownload size={16} />} variant="light" loading={exporting} onClick={() => void exportXlsx()} data-testid="cs-statement-export">{t('credit_sales.export_xlsx')}</Button>
        </Group>
      </Paper>
      {statement.data && (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Text size="sm">{t('credit_sales.opening_balance')}: <b><Money rial={statement.data.opening_balance_rial} /></b></Text>
          <Text size="sm" data-testid="cs-statement-closing">{t('credit_sales.closing_balance')}: <b><Money rial={statement.data.closing_balance_rial} /></b></Text>
        </SimpleGrid>
      )}
      {statement.error && <Text c="red" data-testid="cs-statement-error">{problemMessage(statement.error, t, locale)}</Text>}
      <DataTable
        testId="cs-statement-table"
        data={statement.data?.items ?? []}
        columns={columns}
        getRowId={(line) => `${line.transfer_id}:${line.version}`}
        loading={statement.isFetching && !statement.data}
        paging={{ total: statement.data?.total ?? 0, state: pagination, onChange: setPagination }}
      />
    </Stack>
  );
}
