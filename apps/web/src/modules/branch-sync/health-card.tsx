/** The agent's last heartbeat as a person reads it: SQL Server, Holoo databases, ports, disk, clock, queue. */
import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { formatDate, formatNumber } from '../../lib/format';
import { useLocale } from '../../lib/i18n';
import type { AgentInfo } from './branch-sync.api';
import { formatBytes, Row } from './parts';

/** More than this between the branch computer's clock and the server's is worth a warning (documents carry times). */
const SKEW_WARN_MS = 60_000;

export function HealthCard({ agent }: { agent: AgentInfo }) {
  const { t, locale } = useLocale();
  const health = agent.health;
  if (!health) {
    return <Card withBorder><Title order={4}>{t('branch_sync.health')}</Title><Text c="dimmed" size="sm">{t('branch_sync.no_health')}</Text></Card>;
  }
  const skew = agent.clock_skew_ms ?? 0;
  const diskLow = health.disk_free_bytes !== null && health.disk_total_bytes !== null && health.disk_free_bytes < health.disk_total_bytes * 0.1;
  return (
    <Card withBorder data-testid="agent-health">
      <Stack gap="xs">
        <Title order={4}>{t('branch_sync.health')}</Title>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg" verticalSpacing="xs">
          <Stack gap={6}>
            <Row label={t('branch_sync.sql_server')} testId="health-sql">
              <Badge color={health.sql_reachable ? 'teal' : 'red'}>{t(health.sql_reachable ? 'branch_sync.reachable' : 'branch_sync.unreachable')}</Badge>
            </Row>
            {health.sql_error && <Text size="xs" c="red" dir="ltr">{health.sql_error}</Text>}
            {health.sql_server_version && <Text size="xs" c="dimmed" dir="ltr" lineClamp={1}>{health.sql_server_version}</Text>}
            <Row label={t('branch_sync.company_databases')} testId="health-databases">
              <Group gap={4} justify="flex-end">
                {health.company_databases.map((d) => <Badge key={d.database} variant="light" style={{ textTransform: 'none' }} title={d.company_name ?? undefined}>{d.database}</Badge>)}
                {health.company_databases.length === 0 && <Text size="sm">{t('branch_sync.none_found')}</Text>}
              </Group>
            </Row>
            <Row label={t('branch_sync.missing_databases')} testId="health-missing">
              {health.missing_databases.length === 0
                ? <Text size="sm" c="teal">{t('branch_sync.none_missing')}</Text>
                : <Group gap={4} justify="flex-end">{health.missing_databases.map((d) => <Badge key={d} color="red" style={{ textTransform: 'none' }}>{d}</Badge>)}</Group>}
            </Row>
            {/* SQL Server records backup times in the branch computer's wall clock without a zone: read as local time, shown as they are. */}
            <Row label={t('branch_sync.last_backup')} testId="health-backups">
              {health.backups_error
                ? <Text size="sm" c="orange">{t('branch_sync.backup_unknown')}</Text>
                : <Stack gap={2} align="flex-end">
                    {(health.backups ?? []).map((b) => (
                      <Text key={b.database} size="sm" c={b.last_backup_at === null ? 'red' : undefined}>
                        <span dir="ltr">{b.database}</span>{': '}{b.last_backup_at === null ? t('branch_sync.never_backed_up') : t('branch_sync.backup_at', { date: formatDate(b.last_backup_at, locale), full: b.last_full_backup_at ? formatDate(b.last_full_backup_at, locale) : t('branch_sync.never') })}
                      </Text>
                    ))}
                    {health.backups === undefined && <Text size="sm">{t('branch_sync.unknown')}</Text>}
                  </Stack>}
            </Row>
            {health.backups_error && <Text size="xs" c="orange" dir="ltr">{health.backups_error}</Text>}
            <Row label={t('branch_sync.ports')} testId="health-ports">
              <Group gap={4} justify="flex-end">
                {health.ports.map((p) => <Badge key={`${p.name}-${p.port}`} color={p.open ? 'teal' : 'red'} variant="light" dir="ltr" style={{ textTransform: 'none' }}>{`${p.name}:${p.port}`}</Badge>)}
              </Group>
            </Row>
          </Stack>
          <Stack gap={6}>
            <Row label={t('branch_sync.disk')} testId="health-disk">
              <Text size="sm" c={diskLow ? 'red' : undefined}>
                {health.disk_free_bytes !== null && health.disk_total_bytes !== null
                  ? t('branch_sync.disk_free_of', { free: formatBytes(health.disk_free_bytes, locale, t), total: formatBytes(health.disk_total_bytes, locale, t) })
                  : t('branch_sync.unknown')}
              </Text>
            </Row>
            <Row label={t('branch_sync.time_skew')} testId="health-skew">
              <Text size="sm" c={Math.abs(skew) > SKEW_WARN_MS ? 'red' : undefined}>{t('branch_sync.seconds', { value: formatNumber(Math.round(skew / 1000), locale) })}</Text>
            </Row>
            <Row label={t('branch_sync.queue_length')}><Text size="sm">{formatNumber(health.queue_length, locale)}</Text></Row>
            <Row label={t('branch_sync.platform')}><Text size="sm" dir="ltr">{health.platform}</Text></Row>
            {health.last_error && <Row label={t('branch_sync.last_error')}><Text size="xs" c="red" dir="ltr">{health.last_error}</Text></Row>}
          </Stack>
        </SimpleGrid>
      </Stack>
    </Card>
  );
}
