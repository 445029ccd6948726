/** Small pieces shared by the branch-sync screens: status and state badges, label/value rows, byte sizes, skew. */
import { Badge, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Locale } from '@chaharsu/i18n/messages';
import { formatNumber } from '../../lib/format';
import { useLocale } from '../../lib/i18n';
import type { AgentInfo, CommandDto } from './branch-sync.api';

const STATUS_COLOUR: Record<AgentInfo['status'], string> = { online: 'teal', offline: 'red', revoked: 'gray' };
const STATE_COLOUR: Record<CommandDto['state'], string> = { pending: 'gray', delivered: 'blue', received: 'indigo', applied: 'teal', failed: 'red' };

export function AgentStatusBadge({ agent }: { agent: AgentInfo | null }) {
  const { t } = useLocale();
  if (!agent) return <Badge color="gray" variant="outline" data-testid="agent-status" data-status="none">{t('branch_sync.status.none')}</Badge>;
  return <Badge color={STATUS_COLOUR[agent.status]} data-testid="agent-status" data-status={agent.status}>{t(`branch_sync.status.${agent.status}`)}</Badge>;
}

/** A label and its value on one line (the value at the line's end), as the agent's cards show them. */
export function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs" data-testid={testId}>
      <Text size="sm" c="dimmed">{label}</Text>
      <div style={{ textAlign: 'end' }}>{children}</div>
    </Group>
  );
}

export function CommandStateBadge({ state }: { state: CommandDto['state'] }) {
  const { t } = useLocale();
  return <Badge color={STATE_COLOUR[state]} variant="light" style={{ minWidth: 'max-content' }} data-testid="command-state" data-state={state}>{t(`branch_sync.state.${state}`)}</Badge>;
}

/** Bytes in GB / MB / KB, with the reader's digits. */
export function formatBytes(bytes: number, locale: Locale, t: (key: string, options?: Record<string, unknown>) => string): string {
  const units: Array<[number, string]> = [[1024 ** 3, 'branch_sync.bytes.gb'], [1024 ** 2, 'branch_sync.bytes.mb'], [1024, 'branch_sync.bytes.kb']];
  for (const [size, key] of units) {
    if (bytes >= size) return t(key, { value: formatNumber(Math.round((bytes / size) * 10) / 10, locale) });
  }
  return t('branch_sync.bytes.b', { value: formatNumber(bytes, locale) });
}

/** A command kind (`articles.update`) as a message key. */
export const commandKindKey = (kind: string): string => `branch_sync.kind.${kind.replace(/\./g, '_')}`;
