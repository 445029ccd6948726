/** Every branch of the organisation with its agent: status, computer, version, last heartbeat, open and failed commands. */
import { Badge, Button, Table, Text } from '@mantine/core';
import { Link, useNavigate } from '@tanstack/react-router';
import { IconCloudDownload } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatNumber } from '../../lib/format';
import { problemMessage } from '../../lib/errors';
import { useBranches } from '../orgs/orgs.api';
import { useAgentStatuses } from './branch-sync.api';
import { AgentStatusBadge } from './parts';

export default function AgentsScreen() {
  const { t, locale } = useLocale();
  const navigate = useNavigate();
  const branches = useBranches();
  const statuses = useAgentStatuses();
  const byBranch = new Map((statuses.data?.items ?? []).map((s) => [s.branch_id, s]));
  const error = branches.error ?? statuses.error;
  const open = (branch_id: string) => void navigate({ to: '/branch-sync/$branch_id', params: { branch_id } });
  return (
    <Page titleKey="pages.branch_sync_agents" descriptionKey="branch_sync.agents_description" testId="branch-sync-agents-screen"
      actions={<Button component={Link} to="/branch-sync/updates" variant="light" leftSection={<IconCloudDownload size={16} />} data-testid="agent-updates-link">{t('branch_sync.agent_updates')}</Button>}>
      {error && <Text c="red" size="sm">{problemMessage(error, t, locale)}</Text>}
      <Table.ScrollContainer minWidth={800}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('branch_sync.branch')}</Table.Th>
              <Table.Th>{t('branch_sync.agent_status')}</Table.Th>
              <Table.Th>{t('branch_sync.hostname')}</Table.Th>
              <Table.Th>{t('branch_sync.version')}</Table.Th>
              <Table.Th>{t('branch_sync.last_heartbeat')}</Table.Th>
              <Table.Th>{t('branch_sync.commands_open')}</Table.Th>
              <Table.Th>{t('branch_sync.commands_failed')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(branches.data?.items ?? []).map((branch) => {
              const status = byBranch.get(branch.id);
              const agent = status?.agent ?? null;
              return (
                <Table.Tr key={branch.id} data-testid="branch-sync-row" style={{ cursor: 'pointer' }} tabIndex={0}
                  onClick={() => open(branch.id)} onKeyDown={(e) => { if (e.key === 'Enter') open(branch.id); }}>
                  <Table.Td>{branch.name}</Table.Td>
                  <Table.Td><AgentStatusBadge agent={agent} /></Table.Td>
                  <Table.Td dir="ltr">{agent?.hostname ?? ''}</Table.Td>
                  <Table.Td dir="ltr">{agent?.agent_version ?? ''}</Table.Td>
                  <Table.Td>{agent?.last_heartbeat_at ? formatDate(agent.last_heartbeat_at, locale) : agent ? t('branch_sync.never') : ''}</Table.Td>
                  <Table.Td>{status ? formatNumber(status.commands.open, locale) : ''}</Table.Td>
                  <Table.Td>{status && status.commands.failed > 0 ? <Badge color="red" variant="light">{formatNumber(status.commands.failed, locale)}</Badge> : status ? formatNumber(0, locale) : ''}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {branches.data?.items.length === 0 && <Text c="dimmed" ta="center">{t('common.empty')}</Text>}
    </Page>
  );
}
