/** One branch's agent: status, health, recent commands, shipped errors, the catalog mirror, and the manager's actions. */
import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useParams } from '@tanstack/react-router';
import { IconArrowBack } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { formatDate } from '../../lib/format';
import { problemMessage } from '../../lib/errors';
import { usePermissions } from '../../app/permissions';
import { useBranches } from '../orgs/orgs.api';
import { useBranchStatus, type AgentInfo, type AgentStatusDto } from './branch-sync.api';
import { BranchSyncPermission } from './permissions';
import { AgentStatusBadge } from './parts';
import { HealthCard } from './health-card';
import { CommandsCard } from './commands-card';
import { MirrorCard } from './mirror-card';
import { AgentActions } from './agent-actions';
import { CredentialsCard } from './credentials-card';

const LEVEL_COLOUR: Record<string, string> = { warn: 'orange', error: 'red', fatal: 'red' };
/** Events the server itself writes (their stored text is for operators' logs): shown in the reader's language. */
const SERVER_EVENT_KEYS: Record<string, string> = { offline: 'branch_sync.event.offline', revoked: 'branch_sync.event.revoked', settings: 'branch_sync.event.settings_failed' };

function AgentCard({ agent }: { agent: AgentInfo | null }) {
  const { t, locale } = useLocale();
  const fact = (label: string, value: string, ltr = false) => (
    <Stack gap={0}><Text size="xs" c="dimmed">{label}</Text><Text size="sm" dir={ltr ? 'ltr' : undefined} style={{ textAlign: 'start' }}>{value}</Text></Stack>
  );
  return (
    <Card withBorder data-testid="agent-card">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>{t('branch_sync.agent')}</Title>
          <Group gap="xs">
            <AgentStatusBadge agent={agent} />
            {agent && <Badge variant="outline" color={agent.connected ? 'teal' : 'gray'}>{t(agent.connected ? 'branch_sync.connected' : 'branch_sync.not_connected')}</Badge>}
          </Group>
        </Group>
        {!agent && <Text size="sm" c="dimmed">{t('branch_sync.no_agent_text')}</Text>}
        {agent && (
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            {fact(t('branch_sync.hostname'), agent.hostname, true)}
            {fact(t('branch_sync.version'), agent.agent_version, true)}
            {fact(t('branch_sync.last_heartbeat'), agent.last_heartbeat_at ? formatDate(agent.last_heartbeat_at, locale) : t('branch_sync.never'))}
            {fact(t('branch_sync.enrolled_at'), formatDate(agent.enrolled_at, locale))}
          </SimpleGrid>
        )}
      </Stack>
    </Card>
  );
}

function ErrorsCard({ errors }: { errors: AgentStatusDto['recent_errors'] }) {
  const { t, locale } = useLocale();
  return (
    <Card withBorder data-testid="agent-errors">
      <Stack gap="xs">
        <Title order={4}>{t('branch_sync.recent_errors')}</Title>
        <Table.ScrollContainer minWidth={600}>
          <Table>
            <Table.Tbody>
              {errors.map((e) => (
                <Table.Tr key={e.id} data-testid="agent-error-row">
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(e.at, locale)}</Table.Td>
                  <Table.Td><Badge color={LEVEL_COLOUR[e.level] ?? 'gray'} variant="light">{t(`branch_sync.level.${e.level}`, { defaultValue: e.level })}</Badge></Table.Td>
                  <Table.Td>{SERVER_EVENT_KEYS[e.kind] ? <Text size="sm">{t(SERVER_EVENT_KEYS[e.kind] ?? '')}</Text> : <Text size="sm" dir="ltr" style={{ textAlign: 'start' }}>{e.message}</Text>}{e.detail && <Text size="xs" c="dimmed" dir="ltr">{e.detail}</Text>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {errors.length === 0 && <Text c="dimmed" ta="center" size="sm">{t('branch_sync.no_errors')}</Text>}
      </Stack>
    </Card>
  );
}

export default function BranchScreen() {
  const { t, locale } = useLocale();
  const { branch_id = '' } = useParams({ strict: false }) as { branch_id?: string };
  const can = usePermissions();
  const status = useBranchStatus(branch_id);
  const branch = useBranches().data?.items.find((b) => b.id === branch_id);
  const agent = status.data?.agent ?? null;
  const back = <Anchor component={Link} to="/branch-sync" size="sm"><Group gap={4}><IconArrowBack size={14} />{t('pages.branch_sync_agents')}</Group></Anchor>;
  const actions = can.has(BranchSyncPermission.manage) ? <AgentActions branch_id={branch_id} branch_name={branch?.name ?? ''} has_agent={agent !== null} /> : undefined;
  return (
    <Page titleKey="pages.branch_sync_branch" testId="branch-sync-branch-screen" actions={actions}>
      <Group justify="space-between">{back}{branch && <Text fw={600}>{branch.name}</Text>}</Group>
      {status.error && <Text c="red" size="sm">{problemMessage(status.error, t, locale)}</Text>}
      {status.data && (
        <>
          <AgentCard agent={agent} />
          {agent && <HealthCard agent={agent} />}
          {agent && <CredentialsCard branch_id={branch_id} agent={agent} can_manage={can.has(BranchSyncPermission.manage)} />}
          <CommandsCard branch_id={branch_id} commands={status.data.recent_commands} />
          <ErrorsCard errors={status.data.recent_errors} />
          <MirrorCard branch_id={branch_id} has_agent={agent !== null} />
        </>
      )}
    </Page>
  );
}
