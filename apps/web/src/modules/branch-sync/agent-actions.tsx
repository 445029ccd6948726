/**
 * What a manager does with a branch's agent: issue an enrolment code (shown once, with the steps at the
 * branch computer), reveal the agent password (the server allows it to owner, manager and support partner
 * only, and audits every view), revoke the agent.
 */
import { useState } from 'react';
import { Alert, Button, Code, CopyButton, Group, List, Modal, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconKey, IconLockOpen, IconPlugConnectedX } from '@tabler/icons-react';
import { useLocale } from '../../lib/i18n';
import { formatDate } from '../../lib/format';
import { problemMessage, useNotifyError, useNotifySaved } from '../../lib/errors';
import { useIssueEnrolmentCode, useRevealAgentPassword, useRevokeAgent } from './branch-sync.api';

/** Step numbers in the reader's digits. */
const LIST_STYLE: Record<string, string> = { fa: 'persian', ar: 'arabic-indic', en: 'decimal', uz: 'decimal' };

function Secret({ value, testId }: { value: string; testId: string }) {
  const { t } = useLocale();
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Code block dir="ltr" data-testid={testId} style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap', flex: 1 }}>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => <Button size="xs" variant="light" onClick={copy}>{t(copied ? 'common.copied' : 'common.copy')}</Button>}
      </CopyButton>
    </Group>
  );
}

function EnrolmentDialog({ branch_id, branch_name, onClose }: { branch_id: string; branch_name: string; onClose: () => void }) {
  const { t, locale } = useLocale();
  const issue = useIssueEnrolmentCode(branch_id);
  const code = issue.data;
  return (
    <Stack data-testid="enrolment-dialog-body">
      {!code && (
        <>
          <Text size="sm">{t('branch_sync.enrolment_intro', { branch: branch_name })}</Text>
          {issue.error && <Text c="red" size="sm">{problemMessage(issue.error, t, locale)}</Text>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button loading={issue.isPending} onClick={() => issue.mutate(undefined)} data-testid="enrolment-issue">{t('branch_sync.issue_code')}</Button>
          </Group>
        </>
      )}
      {code && (
        <>
          <Alert color="yellow">{t('branch_sync.code_shown_once', { date: formatDate(code.expires_at, locale) })}</Alert>
          <Secret value={code.code} testId="enrolment-code" />
          <Text size="sm" fw={500}>{t('branch_sync.enrolment_steps_title')}</Text>
          <List type="ordered" size="sm" spacing={4} listStyleType={LIST_STYLE[locale]}>
            <List.Item>{t('branch_sync.enrolment_step_install')}</List.Item>
            <List.Item>{t('branch_sync.enrolment_step_paste')}</List.Item>
            <List.Item>{t('branch_sync.enrolment_step_fingerprint')}</List.Item>
            <List.Item>{t('branch_sync.enrolment_step_replace')}</List.Item>
          </List>
          <Text size="xs" c="dimmed">{t('branch_sync.server_fingerprint')}</Text>
          <Code block dir="ltr" data-testid="enrolment-fingerprint" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>{code.server_fingerprint}</Code>
          <Group justify="flex-end"><Button onClick={onClose} data-testid="enrolment-done">{t('common.done')}</Button></Group>
        </>
      )}
    </Stack>
  );
}

function PasswordDialog({ branch_id, onClose }: { branch_id: string; onClose: () => void }) {
  const { t, locale } = useLocale();
  const reveal = useRevealAgentPassword(branch_id);
  return (
    <Stack>
      {!reveal.data && (
        <>
          <Text size="sm">{t('branch_sync.password_intro')}</Text>
          {reveal.error && <Text c="red" size="sm" data-testid="password-error">{problemMessage(reveal.error, t, locale)}</Text>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button loading={reveal.isPending} onClick={() => reveal.mutate()} data-testid="password-reveal-confirm">{t('branch_sync.reveal_password')}</Button>
          </Group>
        </>
      )}
      {reveal.data && (
        <>
          <Secret value={reveal.data.password} testId="agent-password" />
          <Text size="xs" c="dimmed">{t('branch_sync.password_audited')}</Text>
          <Group justify="flex-end"><Button onClick={onClose}>{t('common.done')}</Button></Group>
        </>
      )}
    </Stack>
  );
}

export function AgentActions({ branch_id, branch_name, has_agent }: { branch_id: string; branch_name: string; has_agent: boolean }) {
  const { t } = useLocale();
  const [dialog, setDialog] = useState<'enrol' | 'password' | null>(null);
  const revoke = useRevokeAgent(branch_id);
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const close = () => setDialog(null);
  const confirmRevoke = () => modals.openConfirmModal({
    title: t('branch_sync.revoke_title'),
    children: <Text size="sm">{t('branch_sync.revoke_text', { branch: branch_name })}</Text>,
    labels: { confirm: t('branch_sync.revoke'), cancel: t('common.cancel') },
    confirmProps: { color: 'red', 'data-testid': 'confirm-yes' },
    cancelProps: { 'data-testid': 'confirm-no' },
    onConfirm: () => revoke.mutate(undefined, { onSuccess: () => notifySaved('branch_sync.revoked'), onError: notifyError }),
  });
  return (
    <>
      <Button leftSection={<IconKey size={16} />} onClick={() => setDialog('enrol')} data-testid="enrolment-open">{t(has_agent ? 'branch_sync.reenrol' : 'branch_sync.enrol')}</Button>
      {has_agent && <Button variant="light" leftSection={<IconLockOpen size={16} />} onClick={() => setDialog('password')} data-testid="password-open">{t('branch_sync.reveal_password')}</Button>}
      {has_agent && <Button variant="light" color="red" leftSection={<IconPlugConnectedX size={16} />} loading={revoke.isPending} onClick={confirmRevoke} data-testid="agent-revoke">{t('branch_sync.revoke')}</Button>}
      <Modal opened={dialog === 'enrol'} onClose={close} title={t('branch_sync.enrolment_title')} size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {dialog === 'enrol' && <EnrolmentDialog branch_id={branch_id} branch_name={branch_name} onClose={close} />}
      </Modal>
      <Modal opened={dialog === 'password'} onClose={close} title={t('branch_sync.password_title')} closeButtonProps={{ 'aria-label': t('common.close') }}>
        {dialog === 'password' && <PasswordDialog branch_id={branch_id} onClose={close} />}
      </Modal>
    </>
  );
}
