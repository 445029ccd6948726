/** The server's copy of the branch's catalogue per Holoo company database; a full resync can be asked for. */
import { Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { formatDate, formatNumber } from '../../lib/format';
import { useLocale } from '../../lib/i18n';
import { problemMessage, useNotifyError, useNotifySaved } from '../../lib/errors';
import { usePermissions } from '../../app/permissions';
import { useMirrorStatus, useResyncMirror } from './branch-sync.api';
import { BranchSyncPermission } from './permissions';
import { formatBytes } from './parts';

export function MirrorCard({ branch_id, has_agent }: { branch_id: string; has_agent: boolean }) {
  const { t, locale } = useLocale();
  const can = usePermissions();
  const mirror = useMirrorStatus(branch_id);
  const resync = useResyncMirror(branch_id);
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const databases = mirror.data?.databases ?? [];
  return (
    <Card withBorder data-testid="agent-mirror">
      <Stack gap="xs">
        <Title order={4}>{t('branch_sync.mirror')}</Title>
        <Text size="sm" c="dimmed">{t('branch_sync.mirror_description')}</Text>
        {mirror.error && <Text c="red" size="sm">{problemMessage(mirror.error, t, locale)}</Text>}
        <Table.ScrollContainer minWidth={760}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('branch_sync.company_database')}</Table.Th>
                <Table.Th>{t('branch_sync.articles')}</Table.Th>
                <Table.Th>{t('branch_sync.groups')}</Table.Th>
                <Table.Th>{t('branch_sync.last_batch')}</Table.Th>
                <Table.Th>{t('branch_sync.last_full')}</Table.Th>
                <Table.Th>{t('branch_sync.received')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {databases.map((d) => (
                <Table.Tr key={d.company_database} data-testid="mirror-row">
                  <Table.Td dir="ltr">{d.company_database}</Table.Td>
                  <Table.Td>{formatNumber(d.counts.article, locale)}</Table.Td>
                  <Table.Td>{formatNumber(d.counts.main_group + d.counts.sub_group, locale)}</Table.Td>
                  <Table.Td>{formatDate(d.last_batch_at, locale)}</Table.Td>
                  <Table.Td>{d.last_full_at ? formatDate(d.last_full_at, locale) : t('branch_sync.never')}</Table.Td>
                  <Table.Td>{t('branch_sync.rows_and_bytes', { rows: formatNumber(d.rows_received, locale), size: formatBytes(d.bytes_received, locale, t) })}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      {d.resync_pending && <Badge color="orange" variant="light" data-testid="mirror-resync-pending">{t('branch_sync.resync_pending')}</Badge>}
                      {has_agent && can.has(BranchSyncPermission.manage) && (
                        <Button size="xs" variant="light" data-testid="mirror-resync" loading={resync.isPending && resync.variables === d.company_database}
                          onClick={() => resync.mutate(d.company_database, { onSuccess: () => notifySaved('branch_sync.resync_requested'), onError: notifyError })}>
                          {t('branch_sync.full_resync')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {databases.length === 0 && <Text c="dimmed" ta="center" size="sm">{t('branch_sync.mirror_empty')}</Text>}
      </Stack>
    </Card>
  );
}
