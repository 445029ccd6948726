/** My notifications (every organisation I belong to): unread first filter, mark one or all as read, open the link. */
import { useMemo, useState, type MouseEvent } from 'react';
import { Anchor, Badge, Button, Group, SegmentedControl, Text, Tooltip, ActionIcon } from '@mantine/core';
import { IconCheck, IconChecks } from '@tabler/icons-react';
import type { ColumnDef, PaginationState } from '@tanstack/react-table';
import { useNavigate } from '@tanstack/react-router';
import { Page } from '../../lib/page';
import { DataTable } from '../../lib/data-table';
import { i18n, useLocale } from '../../lib/i18n';
import { useNotifyError } from '../../lib/errors';
import { formatDate, formatNumber } from '../../lib/format';
import { useMarkAllNotificationsRead, useMarkNotificationRead, useNotifications, type NotificationDto } from './inventory.api';
import { formatQuantity } from './quantity';

/** Numbers in a notification's params read in the reader's digits (quantities keep their decimals). */
function localParams(params: Record<string, unknown>, locale: Parameters<typeof formatQuantity>[1]): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? formatQuantity(v, locale) : String(v ?? '')]));
}

export default function NotificationsScreen() {
  const { t, locale } = useLocale();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [paging, setPaging] = useState<PaginationState>({ pageIndex: 0, pageSize: 50 });
  const list = useNotifications({ unread_only: unreadOnly, limit: paging.pageSize, offset: paging.pageIndex * paging.pageSize });
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  const notifyError = useNotifyError();
  const navigate = useNavigate();
  /** Opens the notification's page inside the app (no reload) and marks it read. */
  const openLink = (event: MouseEvent, n: NotificationDto) => {
    if (event.ctrlKey || event.metaKey || !n.link) return;
    event.preventDefault();
    if (!n.read_at) markRead.mutate(n.id);
    void navigate({ href: n.link });
  };
  const text = (n: NotificationDto) => (i18n.exists(n.title_key) ? t(n.title_key, localParams(n.params, locale)) : t('inventory.notification_unknown'));

  const columns = useMemo<ColumnDef<NotificationDto, unknown>[]>(() => [
    { id: 'at', header: () => t('inventory.at'), cell: ({ row }) => <Text size="sm">{formatDate(row.original.created_at, locale)}</Text> },
    {
      id: 'text', header: () => t('inventory.notification'), cell: ({ row }) => (
        <Group gap="xs" wrap="nowrap">
          {!row.original.read_at && <Badge size="xs" color="blue" data-testid="notification-unread">{t('inventory.unread')}</Badge>}
          {row.original.link ? <Anchor href={row.original.link} size="sm" onClick={(event) => openLink(event, row.original)} data-testid="notification-link">{text(row.original)}</Anchor> : <Text size="sm" fw={row.original.read_at ? 400 : 600}>{text(row.original)}</Text>}
        </Group>
      ),
    },
    {
      id: 'actions', header: () => '', cell: ({ row }) => !row.original.read_at && (
        <Tooltip label={t('inventory.mark_read')}>
          <ActionIcon variant="subtle" onClick={() => markRead.mutate(row.original.id, { onError: notifyError })} aria-label={t('inventory.mark_read')} data-testid="notification-mark-read"><IconCheck size={16} /></ActionIcon>
        </Tooltip>
      ),
    },
  ], [t, locale, navigate]);

  const unread = list.data?.unread_count ?? 0;
  return (
    <Page
      titleKey="pages.notifications"
      testId="notifications-screen"
      actions={<Button variant="light" leftSection={<IconChecks size={16} />} disabled={unread === 0} loading={markAll.isPending} onClick={() => markAll.mutate(undefined, { onError: notifyError })} data-testid="notifications-mark-all">{t('inventory.mark_all_read')}</Button>}
    >
      <Group>
        <SegmentedControl value={unreadOnly ? 'unread' : 'all'} onChange={(v) => { setUnreadOnly(v === 'unread'); setPaging({ ...paging, pageIndex: 0 }); }} data={[{ value: 'all', label: t('inventory.filter_all') }, { value: 'unread', label: t('inventory.filter_unread') }]} data-testid="notifications-filter" />
        <Text size="sm" c="dimmed" data-testid="notifications-unread-count">{t('inventory.unread_count', { unread: formatNumber(unread, locale) })}</Text>
      </Group>
      <DataTable testId="notifications-table" data={list.data?.items ?? []} columns={columns} getRowId={(n) => n.id} loading={list.isPending} paging={{ total: list.data?.total ?? 0, state: paging, onChange: setPaging }} />
    </Page>
  );
}
