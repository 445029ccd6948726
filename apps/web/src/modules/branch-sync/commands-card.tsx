/** The branch's recent commands with their states and errors; a failed one can be sent again (as a new command). */
import { Button, Card, Stack, Table, Text, Title } from '@mantine/core';
import { formatDate, formatNumber } from '../../lib/format';
import { useLocale } from '../../lib/i18n';
import { useNotifyError, useNotifySaved } from '../../lib/errors';
import { usePermissions } from '../../app/permissions';
import { useRetryCommand, type CommandDto } from './branch-sync.api';
import { BranchSyncPermission } from './permissions';
import { CommandStateBadge, commandKindKey } from './parts';

export function CommandsCard({ branch_id, commands }: { branch_id: string; commands: CommandDto[] }) {
  const { t, locale } = useLocale();
  const can = usePermissions();
  const retry = useRetryCommand(branch_id);
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  // A rejection's code is a Holoo/branch-sync error code when the catalogue knows it; otherwise the agent's own text.
  const errorText = (c: CommandDto) => {
    const params = c.result && typeof c.result === 'object' && 'params' in c.result ? (c.result as { params?: Record<string, unknown> }).params : undefined;
    return t(`errors.${c.last_error ?? ''}`, { ...params, defaultValue: c.last_error ?? '' });
  };
  return (
    <Card withBorder data-testid="agent-commands">
      <Stack gap="xs">
        <Title order={4}>{t('branch_sync.recent_commands')}</Title>
        <Table.ScrollContainer minWidth={760}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('branch_sync.seq')}</Table.Th>
                <Table.Th>{t('branch_sync.command_kind')}</Table.Th>
                <Table.Th>{t('branch_sync.company_database')}</Table.Th>
                <Table.Th>{t('branch_sync.command_state')}</Table.Th>
                <Table.Th>{t('branch_sync.attempts')}</Table.Th>
                <Table.Th>{t('branch_sync.created_at')}</Table.Th>
                <Table.Th>{t('branch_sync.error')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {commands.map((c) => (
                <Table.Tr key={c.id} data-testid="command-row">
                  <Table.Td>{formatNumber(c.seq, locale)}</Table.Td>
                  <Table.Td>{t(commandKindKey(c.kind), { defaultValue: c.kind })}</Table.Td>
                  <Table.Td dir="ltr">{c.company_database}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}><CommandStateBadge state={c.state} /></Table.Td>
                  <Table.Td>{formatNumber(c.attempts, locale)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(c.created_at, locale)}</Table.Td>
                  <Table.Td><Text size="sm" c={c.state === 'failed' ? 'red' : 'orange'}>{c.last_error ? errorText(c) : ''}</Text></Table.Td>
                  <Table.Td>
                    {c.state === 'failed' && can.has(BranchSyncPermission.send) && (
                      <Button size="xs" variant="light" loading={retry.isPending && retry.variables === c.id} data-testid="command-retry"
                        onClick={() => retry.mutate(c.id, { onSuccess: () => notifySaved('branch_sync.retried'), onError: notifyError })}>
                        {t('branch_sync.retry')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {commands.length === 0 && <Text c="dimmed" ta="center" size="sm">{t('common.empty')}</Text>}
      </Stack>
    </Card>
  );
}
