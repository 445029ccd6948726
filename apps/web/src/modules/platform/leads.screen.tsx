/** Requests for a call from people without an organisation; the admin moves each through new → contacted → closed. */
import { useState } from 'react';
import { Badge, Pagination, SegmentedControl, Select, Table, Text } from '@mantine/core';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatNumber, formatPhone } from '../../lib/format';
import { useNotifyError } from '../../lib/errors';
import { LEAD_STATUSES, useLeads, useSetLeadStatus, type LeadStatus } from './platform.api';

const PAGE_SIZE = 50;
const STATUS_COLORS: Record<LeadStatus, string> = { new: 'blue', contacted: 'yellow', closed: 'gray' };

export default function LeadsScreen() {
  const { t, locale } = useLocale();
  const [filter, setFilter] = useState<'all' | LeadStatus>('new');
  const [page, setPage] = useState(1);
  const leads = useLeads(filter === 'all' ? null : filter, PAGE_SIZE, (page - 1) * PAGE_SIZE);
  const setStatus = useSetLeadStatus();
  const notifyError = useNotifyError();
  const rows = leads.data?.items ?? [];
  const total = leads.data?.total ?? 0;
  return (
    <Page titleKey="pages.platform_leads" testId="leads-screen">
      <SegmentedControl
        w="fit-content"
        value={filter}
        onChange={(v) => { setFilter(v as 'all' | LeadStatus); setPage(1); }}
        data={[{ value: 'all', label: t('leads.all') }, ...LEAD_STATUSES.map((s) => ({ value: s, label: t(`leads.status_${s}`) }))]}
        data-testid="leads-filter"
      />
      <Table.ScrollContainer minWidth={900}>
        <Table striped verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('leads.created_at')}</Table.Th>
              <Table.Th>{t('leads.name')}</Table.Th>
              <Table.Th>{t('leads.phone')}</Table.Th>
              <Table.Th>{t('leads.business')}</Table.Th>
              <Table.Th>{t('leads.city')}</Table.Th>
              <Table.Th>{t('leads.want')}</Table.Th>
              <Table.Th>{t('leads.note')}</Table.Th>
              <Table.Th>{t('leads.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((lead) => (
              <Table.Tr key={lead.id} data-testid="lead-row" data-status={lead.status}>
                <Table.Td><Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDate(lead.created_at, locale)}</Text></Table.Td>
                <Table.Td>{lead.name}</Table.Td>
                <Table.Td><a href={`tel:${lead.phone}`} dir="ltr">{formatPhone(lead.phone, locale)}</a></Table.Td>
                <Table.Td>{lead.business}</Table.Td>
                <Table.Td>{lead.city}</Table.Td>
                <Table.Td><Badge variant="light" tt="none" maw="none">{t(`leads.want_${lead.want}`)}</Badge></Table.Td>
                <Table.Td><Text size="sm" lineClamp={3}>{lead.note}</Text></Table.Td>
                <Table.Td>
                  <Select
                    size="xs"
                    w={140}
                    value={lead.status}
                    data={LEAD_STATUSES.map((s) => ({ value: s, label: t(`leads.status_${s}`) }))}
                    onChange={(v) => v && v !== lead.status && setStatus.mutate({ id: lead.id, status: v as LeadStatus }, { onError: notifyError })}
                    allowDeselect={false}
                    aria-label={t('leads.status')}
                    leftSection={<Badge size="xs" circle color={STATUS_COLORS[lead.status]}> </Badge>}
                    data-testid="lead-status"
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {!leads.isPending && rows.length === 0 && <Text c="dimmed" ta="center">{t('common.empty')}</Text>}
      {total > PAGE_SIZE && <Pagination total={Math.ceil(total / PAGE_SIZE)} value={page} onChange={setPage} getItemProps={(p) => ({ children: formatNumber(p, locale) })} />}
    </Page>
  );
}
