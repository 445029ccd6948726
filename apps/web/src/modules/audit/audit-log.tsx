/**
 * The audit log browser shared by the organisation and platform screens: filters (action, entity,
 * actor, date range in the reader's calendar), server paging, and a before/after view of one entry.
 */
import { useMemo, useState } from 'react';
import { Badge, Button, Code, Group, Modal, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { ColumnDef, PaginationState } from '@tanstack/react-table';
import { IconEye } from '@tabler/icons-react';
import { DataTable } from '../../lib/data-table';
import { CalendarDateInput, parseLocalDate } from '../../lib/jalali-input';
import { useLocale } from '../../lib/i18n';
import { formatDate, localiseDigits } from '../../lib/format';
import { problemMessage } from '../../lib/errors';
import { useShortcut } from '../../lib/shortcuts';
import { useAuditPage, type AuditFilters, type AuditRecord, type AuditScope } from './audit.api';
import { auditActionLabel, auditEntityLabel } from './audit-labels';
import { changedFields, showValue as show } from './audit-diff';

const PAGE_SIZE = 25;

function DiffView({ record, actorName }: { record: AuditRecord; actorName: (r: AuditRecord) => string }) {
  const { t, locale } = useLocale();
  const rows = changedFields(record.before, record.after);
  return (
    <Stack data-testid="audit-diff">
      <SimpleGrid cols={2} spacing="xs">
        <Text size="sm" c="dimmed">{t('audit.when')}</Text><Text size="sm">{formatDate(record.created_at, locale)}</Text>
        <Text size="sm" c="dimmed">{t('audit.actor')}</Text><Text size="sm">{actorName(record)}</Text>
        <Text size="sm" c="dimmed">{t('audit.action')}</Text><Text size="sm">{auditActionLabel(record.action, t)}</Text>
        <Text size="sm" c="dimmed">{t('audit.entity')}</Text><Text size="sm">{auditEntityLabel(record.entity_type, t)} <Code dir="ltr">{record.entity_id}</Code></Text>
        <Text size="sm" c="dimmed">{t('audit.from_where')}</Text><Text size="sm" dir="ltr" ta="start">{[record.ip ? localiseDigits(record.ip, locale) : null, record.user_agent].filter(Boolean).join(' · ')}</Text>
        <Text size="sm" c="dimmed">{t('audit.request_id')}</Text><Code dir="ltr">{record.request_id}</Code>
      </SimpleGrid>
      <Table withTableBorder withColumnBorders>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('audit.field')}</Table.Th>
            <Table.Th>{t('audit.before')}</Table.Th>
            <Table.Th>{t('audit.after')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.field} data-testid="audit-diff-row">
              <Table.Td><Code dir="ltr">{row.field}</Code></Table.Td>
              <Table.Td bg={row.before !== undefined ? 'var(--mantine-color-red-light)' : undefined}><Text size="sm" dir="ltr" ta="start" style={{ wordBreak: 'break-word' }}>{show(row.before)}</Text></Table.Td>
              <Table.Td bg={row.after !== undefined ? 'var(--mantine-color-green-light)' : undefined}><Text size="sm" dir="ltr" ta="start" style={{ wordBreak: 'break-word' }}>{show(row.after)}</Text></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {rows.length === 0 && <Text c="dimmed">{t('audit.no_changes')}</Text>}
    </Stack>
  );
}

interface FilterForm {
  action: string;
  entity_type: string;
  entity_id: string;
  actor_id: string;
  org_id: string;
  from: string;
  to: string;
}

const EMPTY: FilterForm = { action: '', entity_type: '', entity_id: '', actor_id: '', org_id: '', from: '', to: '' };

function toApiFilters(form: FilterForm, jalali: boolean): AuditFilters {
  const from = parseLocalDate(form.from, jalali);
  const to = parseLocalDate(form.to, jalali);
  const endOfTo = to ? new Date(to.getFullYear(), to.getMonth(), to.getDate(), 23, 59, 59, 999) : null;
  return {
    action: form.action.trim() || undefined,
    entity_type: form.entity_type.trim() || undefined,
    entity_id: form.entity_id.trim() || undefined,
    actor_id: form.actor_id.trim() || undefined,
    org_id: form.org_id.trim() || undefined,
    from: from ? from.toISOString() : undefined,
    to: endOfTo ? endOfTo.toISOString() : undefined,
  };
}

export function AuditLog({ scope, actors }: { scope: AuditScope; actors?: Array<{ value: string; label: string }> }) {
  const { t, locale } = useLocale();
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const [debounced] = useDebouncedValue(form, 350);
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: PAGE_SIZE });
  const [open, setOpen] = useState<AuditRecord | null>(null);
  const filters = useMemo(() => toApiFilters(debounced, locale === 'fa'), [debounced, locale]);
  const page = useAuditPage(scope, filters, pagination.pageSize, pagination.pageIndex * pagination.pageSize);
  const set = (patch: Partial<FilterForm>) => { setForm((f) => ({ ...f, ...patch })); setPagination((p) => ({ ...p, pageIndex: 0 })); };
  /** The entry's label, else the staff member's name (org scope), else what kind of actor it was. */
  const actorName = (r: AuditRecord) =>
    r.actor_label ?? actors?.find((a) => a.value === r.actor_id)?.label ?? t(`audit.actor_kind_${r.actor_kind}`, { defaultValue: r.actor_kind });
  useShortcut({ id: 'audit.search', keys: ['F3'], label_key: 'shortcuts.page_search', group_key: 'shortcuts.group_page', run: () => document.querySelector<HTMLInputElement>('[data-testid="audit-filter-action"]')?.focus() });

  const columns = useMemo<ColumnDef<AuditRecord, unknown>[]>(() => [
    { id: 'created_at', header: () => t('audit.when'), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDate(row.original.created_at, locale)}</Text> },
    { id: 'actor', header: () => t('audit.actor'), cell: ({ row }) => <Text size="sm">{actorName(row.original)}</Text> },
    { id: 'action', header: () => t('audit.action'), cell: ({ row }) => <Badge variant="light" style={{ textTransform: 'none' }}>{auditActionLabel(row.original.action, t)}</Badge> },
    { id: 'entity', header: () => t('audit.entity'), cell: ({ row }) => <Text size="sm">{auditEntityLabel(row.original.entity_type, t)}</Text> },
    ...(scope === 'platform' ? [{ id: 'org', header: () => t('audit.organisation'), cell: ({ row }: { row: { original: AuditRecord } }) => <Code dir="ltr">{row.original.org_id?.slice(0, 8) ?? '—'}</Code> }] : []),
    { id: 'open', header: () => '', cell: ({ row }) => <Button size="compact-xs" variant="subtle" leftSection={<IconEye size={14} />} onClick={() => setOpen(row.original)} data-testid="audit-open">{t('audit.details')}</Button> },
  ], [t, locale, scope, actors]);

  return (
    <Stack>
      <Paper withBorder p="sm">
        <Group align="flex-end" gap="sm">
          <TextInput label={t('audit.action')} value={form.action} onChange={(e) => set({ action: e.currentTarget.value })} dir="ltr" w={200} data-testid="audit-filter-action" />
          <TextInput label={t('audit.entity')} value={form.entity_type} onChange={(e) => set({ entity_type: e.currentTarget.value })} dir="ltr" w={160} data-testid="audit-filter-entity" />
          <TextInput label={t('audit.entity_id')} value={form.entity_id} onChange={(e) => set({ entity_id: e.currentTarget.value })} dir="ltr" w={200} data-testid="audit-filter-entity-id" />
          {actors ? (
            <Select label={t('audit.actor')} data={actors} value={form.actor_id || null} onChange={(v) => set({ actor_id: v ?? '' })} clearable searchable w={200} data-testid="audit-filter-actor" />
          ) : (
            <TextInput label={t('audit.actor_id')} value={form.actor_id} onChange={(e) => set({ actor_id: e.currentTarget.value })} dir="ltr" w={200} data-testid="audit-filter-actor" />
          )}
          {scope === 'platform' && <TextInput label={t('audit.organisation_id')} value={form.org_id} onChange={(e) => set({ org_id: e.currentTarget.value })} dir="ltr" w={200} data-testid="audit-filter-org" />}
          <CalendarDateInput labelKey="audit.date_from" value={form.from} onChange={(from) => set({ from })} testId="audit-filter-from" />
          <CalendarDateInput labelKey="audit.date_to" value={form.to} onChange={(to) => set({ to })} testId="audit-filter-to" />
          <Button variant="default" onClick={() => set(EMPTY)} data-testid="audit-filter-clear">{t('common.clear')}</Button>
        </Group>
      </Paper>
      {page.error && <Text c="red">{problemMessage(page.error, t, locale)}</Text>}
      <DataTable
        testId="audit-table"
        data={page.data?.items ?? []}
        columns={columns}
        getRowId={(r) => r.id}
        loading={page.isFetching && !page.data}
        onOpenRow={setOpen}
        paging={{ total: page.data?.total ?? 0, state: pagination, onChange: setPagination }}
      />
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={t('audit.entry')} size="xl" data-testid="audit-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {open && <DiffView record={open} actorName={actorName} />}
      </Modal>
    </Stack>
  );
}
