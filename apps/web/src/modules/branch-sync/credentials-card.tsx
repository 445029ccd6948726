/**
 * The agent's credentials and connection settings: when its secret and password were last rotated and whether
 * the agent has confirmed them, the SQL Server port and local port the panel set and whether the agent applied
 * them. Managers rotate the secret or the password and change the ports here (the server audits each).
 */
import { useState } from 'react';
import { Badge, Button, Card, Group, Modal, NumberInput, Stack, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconKey, IconPassword, IconPlugConnected } from '@tabler/icons-react';
import { useLocale } from '../../lib/i18n';
import { formatDate } from '../../lib/format';
import { problemMessage, useNotifyError, useNotifySaved } from '../../lib/errors';
import { useRotateAgentPassword, useRotateAgentSecret, useUpdateAgentSettings, type AgentInfo } from './branch-sync.api';
import { Row } from './parts';

const portValue = (value: string | number): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null);

function SettingsDialog({ branch_id, agent, onClose }: { branch_id: string; agent: AgentInfo; onClose: () => void }) {
  const { t, locale } = useLocale();
  const update = useUpdateAgentSettings(branch_id);
  const notifySaved = useNotifySaved();
  const [sqlPort, setSqlPort] = useState<number | null>(agent.settings.sql_port);
  const [localPort, setLocalPort] = useState<number | null>(agent.settings.local_port);
  const save = () => update.mutate({ sql_port: sqlPort, local_port: localPort }, { onSuccess: () => { notifySaved('branch_sync.settings_sent'); onClose(); } });
  return (
    <Stack>
      <Text size="sm">{t('branch_sync.settings_intro')}</Text>
      <NumberInput label={t('branch_sync.sql_port')} description={t('branch_sync.sql_port_hint')} min={1} max={65535} allowDecimal={false} thousandSeparator={false}
        value={sqlPort ?? ''} onChange={(value) => setSqlPort(portValue(value))} data-testid="settings-sql-port" />
      <NumberInput label={t('branch_sync.local_port')} description={t('branch_sync.local_port_hint')} min={1024} max={65535} allowDecimal={false} thousandSeparator={false}
        value={localPort ?? ''} onChange={(value) => setLocalPort(portValue(value))} data-testid="settings-local-port" />
      {update.error && <Text c="red" size="sm">{problemMessage(update.error, t, locale)}</Text>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
        <Button loading={update.isPending} onClick={save} data-testid="settings-save">{t('common.save')}</Button>
      </Group>
    </Stack>
  );
}

export function CredentialsCard({ branch_id, agent, can_manage }: { branch_id: string; agent: AgentInfo; can_manage: boolean }) {
  const { t, locale } = useLocale();
  const [editing, setEditing] = useState(false);
  const rotateSecret = useRotateAgentSecret(branch_id);
  const rotatePassword = useRotateAgentPassword(branch_id);
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const { credentials, settings } = agent;
  const confirm = (title: string, text: string, run: () => void) => modals.openConfirmModal({
    title, children: <Text size="sm">{text}</Text>, labels: { confirm: t('branch_sync.rotate_confirm'), cancel: t('common.cancel') },
    confirmProps: { 'data-testid': 'confirm-yes' }, cancelProps: { 'data-testid': 'confirm-no' }, onConfirm: run,
  });
  const inForce = settings.applied_revision >= settings.revision;
  // A port is a technical number: Latin digits, no grouping, left to right (as typed in SQL Server's configuration).
  const port = (value: number | null, none: string) => (value === null ? t(none) : String(value));
  return (
    <Card withBorder data-testid="agent-credentials">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={4}>{t('branch_sync.credentials')}</Title>
          {can_manage && (
            <Group gap="xs">
              <Button size="xs" variant="light" leftSection={<IconKey size={14} />} loading={rotateSecret.isPending} disabled={credentials.secret_rotation_pending_since !== null} data-testid="rotate-secret"
                onClick={() => confirm(t('branch_sync.rotate_secret'), t('branch_sync.rotate_secret_text'), () => rotateSecret.mutate(undefined, { onSuccess: () => notifySaved('branch_sync.rotation_sent'), onError: notifyError }))}>
                {t('branch_sync.rotate_secret')}
              </Button>
              <Button size="xs" variant="light" leftSection={<IconPassword size={14} />} loading={rotatePassword.isPending} data-testid="rotate-password"
                onClick={() => confirm(t('branch_sync.rotate_password'), t('branch_sync.rotate_password_text'), () => rotatePassword.mutate(undefined, { onSuccess: () => notifySaved('branch_sync.rotation_sent'), onError: notifyError }))}>
                {t('branch_sync.rotate_password')}
              </Button>
              <Button size="xs" variant="light" leftSection={<IconPlugConnected size={14} />} onClick={() => setEditing(true)} data-testid="settings-open">{t('branch_sync.connection_settings')}</Button>
            </Group>
          )}
        </Group>
        <Row label={t('branch_sync.agent_secret')} testId="credentials-secret">
          {credentials.secret_rotation_pending_since
            ? <Badge color="orange" variant="light">{t('branch_sync.rotation_pending_since', { date: formatDate(credentials.secret_rotation_pending_since, locale) })}</Badge>
            : <Text size="sm">{credentials.secret_rotated_at ? t('branch_sync.rotated_at', { date: formatDate(credentials.secret_rotated_at, locale) }) : t('branch_sync.since_enrolment')}</Text>}
        </Row>
        <Row label={t('branch_sync.agent_password')} testId="credentials-password">
          {credentials.password_delivered
            ? <Text size="sm">{credentials.password_changed_at ? t('branch_sync.rotated_at', { date: formatDate(credentials.password_changed_at, locale) }) : t('branch_sync.since_enrolment')}</Text>
            : <Badge color="orange" variant="light">{t('branch_sync.password_not_delivered')}</Badge>}
        </Row>
        <Row label={t('branch_sync.sql_port')} testId="settings-sql"><Text size="sm" dir="ltr">{port(settings.sql_port, 'branch_sync.as_enrolled')}</Text></Row>
        <Row label={t('branch_sync.local_port')} testId="settings-local"><Text size="sm" dir="ltr">{port(settings.local_port, 'branch_sync.no_local_port')}</Text></Row>
        {settings.revision > 0 && (
          <Row label={t('branch_sync.settings_state')} testId="settings-state">
            {settings.error
              ? <Badge color="red" variant="light">{t('branch_sync.settings_failed')}</Badge>
              : <Badge color={inForce ? 'teal' : 'orange'} variant="light">{t(inForce ? 'branch_sync.settings_applied' : 'branch_sync.settings_waiting')}</Badge>}
          </Row>
        )}
        {settings.error && <Text size="xs" c="red" dir="ltr" data-testid="settings-error">{settings.error}</Text>}
      </Stack>
      <Modal opened={editing} onClose={() => setEditing(false)} title={t('branch_sync.connection_settings')} closeButtonProps={{ 'aria-label': t('common.close') }}>
        {editing && <SettingsDialog branch_id={branch_id} agent={agent} onClose={() => setEditing(false)} />}
      </Modal>
    </Card>
  );
}
