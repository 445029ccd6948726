/** Sellers of the organisation: search, status, balance; create one; open one (its page). */
import { useMemo, useState } from 'react';
import { Button, Group, Modal, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { ColumnDef, PaginationState } from '@tanstack/react-table';
import { IconPlus } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { Page } from '../../lib/page';
import { DataTable } from '../../lib/data-table';
import { Money } from '../../lib/money';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatPhone } from '../../lib/format';
import { problemMessage } from '../../lib/errors';
import { useShortcut } from '../../lib/shortcuts';
import { usePermissions } from '../../app/permissions';
import { useSellers, type SellerDto, type SellerStatus } from './credit-sales.api';
import { SellerStatusBadge } from './common';
import { SellerForm } from './seller-form';
import { CreditSalesPermission } from './permissions';

export default function SellersScreen() {
  const { t, locale } = useLocale();
  const navigate = useNavigate();
  const canManage = usePermissions().has(CreditSalesPermission.manage);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<SellerStatus | null>(null);
  const [debounced] = useDebouncedValue(search, 300);
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: 25 });
  const [creating, setCreating] = useState(false);
  const sellers = useSellers({ search: debounced.trim() || undefined, status: status ?? undefined, limit: pagination.pageSize, offset: pagination.pageIndex * pagination.pageSize });
  const open = (seller: SellerDto) => void navigate({ to: `/credit-sales/sellers/${seller.id}` });
  useShortcut({ id: 'credit-sales.sellers.new', keys: ['F2', 'alt+n'], label_key: 'shortcuts.new', group_key: 'shortcuts.group_page', run: () => canManage && setCreating(true) });
  useShortcut({ id: 'credit-sales.sellers.search', keys: ['F3'], label_key: 'shortcuts.page_search', group_key: 'shortcuts.group_page', run: () => document.querySelector<HTMLInputElement>('[data-testid="cs-sellers-search"]')?.focus() });
  const columns = useMemo<ColumnDef<SellerDto, unknown>[]>(() => [
    { id: 'name', header: () => t('credit_sales.seller_name'), cell: ({ row }) => <Text size="sm" fw={600}>{row.original.name}</Text> },
    { id: 'contact_phone', header: () => t('credit_sales.contact_phone'), cell: ({ row }) => <Text size="sm">{formatPhone(row.original.contact_phone, locale)}</Text> },
    { id: 'status', header: () => t('credit_sales.status'), cell: ({ row }) => <SellerStatusBadge status={row.original.status} /> },
    { id: 'balance', header: () => t('credit_sales.balance'), cell: ({ row }) => <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}><Money rial={row.original.balance_rial} /></Text> },
    { id: 'created_at', header: () => t('credit_sales.created_at'), cell: ({ row }) => <Text size="sm">{formatDate(row.original.created_at, locale, 'date')}</Text> },
    { id: 'open', header: () => '', cell: ({ row }) => <Button size="compact-sm" variant="subtle" onClick={() => open(row.original)} data-testid="cs-seller-open">{t('credit_sales.open')}</Button> },
  ], [t, locale]);
  return (
    <Page
      titleKey="pages.credit_sales_sellers"
      descriptionKey="credit_sales.sellers_description"
      testId="cs-sellers-screen"
      actions={canManage && <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="cs-seller-new">{t('credit_sales.seller_new')}</Button>}
    >
      <Paper withBorder p="sm">
        <Group align="flex-end" gap="sm">
          <TextInput label={t('credit_sales.search')} value={search} onChange={(e) => { setSearch(e.currentTarget.value); setPagination((p) => ({ ...p, pageIndex: 0 })); }} w={260} data-testid="cs-sellers-search" />
          <Select
            label={t('credit_sales.status')}
            data={(['active', 'suspended'] as const).map((s) => ({ value: s, label: t(`credit_sales.seller_status.${s}`) }))}
            value={status}
            onChange={(v) => { setStatus(v as SellerStatus | null); setPagination((p) => ({ ...p, pageIndex: 0 })); }}
            clearable
            w={160}
            data-testid="cs-sellers-status"
          />
        </Group>
      </Paper>
      <Stack>
        {sellers.error && <Text c="red">{problemMessage(sellers.error, t, locale)}</Text>}
        <DataTable
          testId="cs-sellers-table"
          data={sellers.data?.items ?? []}
          columns={columns}
          getRowId={(s) => s.id}
          loading={sellers.isFetching && !sellers.data}
          onOpenRow={open}
          paging={{ total: sellers.data?.total ?? 0, state: pagination, onChange: setPagination }}
        />
      </Stack>
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('credit_sales.seller_new')} data-testid="cs-seller-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {creating && <SellerForm onDone={(created) => { setCreating(false); if (created) open(created); }} />}
      </Modal>
    </Page>
  );
}
