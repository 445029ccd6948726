/**
 * A table over TanStack Table: client-side rows or server paging (`manualPagination`), rows reachable
 * by keyboard (↑/↓ move between rows, Enter opens one, PageUp/PageDown change page: what Holoo users
 * expect), and an empty state.
 */
import { useRef, type KeyboardEvent } from 'react';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type PaginationState, type OnChangeFn } from '@tanstack/react-table';
import { Center, Group, Loader, Pagination, ScrollArea, Table, Text } from '@mantine/core';
import { formatNumber } from './format';
import { useLocale } from './i18n';

export interface DataTableProps<Row> {
  data: Row[];
  columns: ColumnDef<Row, unknown>[];
  getRowId: (row: Row) => string;
  loading?: boolean;
  onOpenRow?: (row: Row) => void;
  /** Server paging: the total row count and the page state. */
  paging?: { total: number; state: PaginationState; onChange: OnChangeFn<PaginationState> };
  testId: string;
}

export function DataTable<Row>({ data, columns, getRowId, loading, onOpenRow, paging, testId }: DataTableProps<Row>) {
  const { t, locale } = useLocale();
  const body = useRef<HTMLTableSectionElement>(null);
  const table = useReactTable({
    data,
    columns,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: Boolean(paging),
    rowCount: paging?.total,
    state: paging ? { pagination: paging.state } : {},
    onPaginationChange: paging?.onChange,
  });
  const pageCount = paging ? Math.max(1, Math.ceil(paging.total / paging.state.pageSize)) : 1;

  const onRowKey = (event: KeyboardEvent<HTMLTableRowElement>, row: Row) => {
    const rows = Array.from(body.current?.querySelectorAll<HTMLTableRowElement>('tr[data-row]') ?? []);
    const index = rows.indexOf(event.currentTarget);
    if (event.key === 'ArrowDown') rows[Math.min(rows.length - 1, index + 1)]?.focus();
    else if (event.key === 'ArrowUp') rows[Math.max(0, index - 1)]?.focus();
    else if (event.key === 'Enter' && onOpenRow) onOpenRow(row);
    else if (paging && event.key === 'PageDown' && paging.state.pageIndex + 1 < pageCount) paging.onChange({ ...paging.state, pageIndex: paging.state.pageIndex + 1 });
    else if (paging && event.key === 'PageUp' && paging.state.pageIndex > 0) paging.onChange({ ...paging.state, pageIndex: paging.state.pageIndex - 1 });
    else return;
    event.preventDefault();
  };

  return (
    <div data-testid={testId}>
      <ScrollArea type="auto">
        <Table striped highlightOnHover verticalSpacing="xs" miw={600}>
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => (
                  <Table.Th key={header.id}>{header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}</Table.Th>
                ))}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody ref={body}>
            {table.getRowModel().rows.map((row) => (
              <Table.Tr
                key={row.id}
                data-row
                data-testid={`${testId}-row`}
                data-row-id={row.id}
                tabIndex={0}
                onKeyDown={(event) => onRowKey(event, row.original)}
                onDoubleClick={onOpenRow ? () => onOpenRow(row.original) : undefined}
              >
                {row.getVisibleCells().map((cell) => (
                  <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      {loading && (
        <Center p="md">
          <Loader size="sm" aria-label={t('common.loading')} />
        </Center>
      )}
      {!loading && data.length === 0 && (
        <Text c="dimmed" ta="center" p="md" data-testid={`${testId}-empty`}>
          {t('common.empty')}
        </Text>
      )}
      {paging && (
        <Group justify="space-between" mt="sm">
          <Text size="sm" c="dimmed">{t('common.total_rows', { total: formatNumber(paging.total, locale) })}</Text>
          <Pagination
            total={pageCount}
            value={paging.state.pageIndex + 1}
            onChange={(page) => paging.onChange({ ...paging.state, pageIndex: page - 1 })}
            getItemProps={(page) => ({ children: formatNumber(page, locale) })}
            data-testid={`${testId}-pagination`}
          />
        </Group>
      )}
    </div>
  );
}
