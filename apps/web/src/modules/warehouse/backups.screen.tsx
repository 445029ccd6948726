/** Backups (warehouse admin): the `.sql` dumps in the backup folder, take one now, download one. */
import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Code, Group, Progress, Stack, Table, Text } from '@mantine/core';
import { IconDatabaseExport, IconDownload } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { problemMessage, useNotifySaved } from '../../lib/errors';
import { formatDate, formatNumber, intlLocale } from '../../lib/format';
import { backupDownloadUrl, useBackups, useCreateBackup } from './warehouse.api';
import type { Locale } from '@chaharsu/i18n/messages';

function formatSize(bytes: number, locale: Locale, units: [string, string, string]): string {
  const number = (value: number) => new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 1 }).format(value);
  if (bytes >= 1024 * 1024) return `${number(bytes / (1024 * 1024))} ${units[2]}`;
  if (bytes >= 1024) return `${number(bytes / 1024)} ${units[1]}`;
  return `${formatNumber(bytes, locale)} ${units[0]}`;
}

/** Seconds since the backup started, so a long dump never looks frozen (pg_dump reports no progress). */
function useElapsedSeconds(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    setSeconds(0);
    const started = performance.now();
    const timer = window.setInterval(() => setSeconds(Math.floor((performance.now() - started) / 1000)), 500);
    return () => window.clearInterval(timer);
  }, [running]);
  return seconds;
}

export default function BackupsScreen() {
  const { t, locale } = useLocale();
  const backups = useBackups();
  const create = useCreateBackup();
  const notifySaved = useNotifySaved();
  const elapsed = useElapsedSeconds(create.isPending);
  const units: [string, string, string] = [t('warehouse.size_b'), t('warehouse.size_kb'), t('warehouse.size_mb')];

  return (
    <Page
      titleKey="pages.warehouse_backups"
      descriptionKey="warehouse.backups_description"
      testId="warehouse-backups-screen"
      actions={
        <Button leftSection={<IconDatabaseExport size={16} />} loading={create.isPending} disabled={backups.isError} onClick={() => create.mutate(undefined, { onSuccess: () => notifySaved('warehouse.backup_done') })} data-testid="backup-create">
          {t('warehouse.backup_now')}
        </Button>
      }
    >
      {create.isPending && (
        <Stack gap={4} data-testid="backup-progress" role="status" aria-live="polite">
          <Group justify="space-between">
            <Text size="sm">{t('warehouse.backup_running')}</Text>
            <Text size="sm" c="dimmed">{t('warehouse.elapsed_seconds', { seconds: formatNumber(elapsed, locale) })}</Text>
          </Group>
          <Progress value={100} striped animated aria-label={t('warehouse.backup_running')} />
        </Stack>
      )}
      {create.error && <Alert color="red" data-testid="backup-error">{problemMessage(create.error, t, locale)}</Alert>}
      {backups.error && <Alert color="orange" data-testid="backup-unavailable">{problemMessage(backups.error, t, locale)}</Alert>}
      {backups.data && (
        <Text size="sm" c="dimmed">
          {t('warehouse.backup_folder')} <Code dir="ltr">{backups.data.folder}</Code>
        </Text>
      )}
      <Table.ScrollContainer minWidth={560}>
        <Table striped data-testid="backups-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('warehouse.backup_file')}</Table.Th>
              <Table.Th>{t('warehouse.date')}</Table.Th>
              <Table.Th>{t('warehouse.backup_size')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(backups.data?.items ?? []).map((b) => (
              <Table.Tr key={b.file_name} data-testid="backups-table-row" data-file={b.file_name}>
                <Table.Td><Text size="sm" dir="ltr" span>{b.file_name}</Text></Table.Td>
                <Table.Td>{formatDate(b.created_at, locale)}</Table.Td>
                <Table.Td>{formatSize(b.size_bytes, locale, units)}</Table.Td>
                <Table.Td>
                  <Anchor href={backupDownloadUrl(b.file_name)} download={b.file_name} data-testid="backup-download">
                    <Group gap={4} wrap="nowrap"><IconDownload size={16} />{t('warehouse.download')}</Group>
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {backups.data?.items.length === 0 && <Text c="dimmed" ta="center" data-testid="backups-table-empty">{t('common.empty')}</Text>}
    </Page>
  );
}
