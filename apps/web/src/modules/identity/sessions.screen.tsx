/** The person's own sessions (devices): where and when, and revoke any of them. */
import { Badge, Button, Table, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useNavigate } from '@tanstack/react-router';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { formatDate, localiseDigits } from '../../lib/format';
import { useNotifyError, useNotifySaved } from '../../lib/errors';
import { useRevokeSession, useSessions, useSignOut } from './identity.api';

export default function SessionsScreen() {
  const { t, locale } = useLocale();
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();

  const confirmRevoke = (id: string, current: boolean) =>
    modals.openConfirmModal({
      title: t('sessions.revoke_title'),
      children: <Text size="sm">{t(current ? 'sessions.revoke_current_text' : 'sessions.revoke_text')}</Text>,
      labels: { confirm: t('sessions.revoke'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' },
      cancelProps: { 'data-testid': 'confirm-no' },
      onConfirm: () =>
        current
          ? signOut.mutate(undefined, { onSettled: () => void navigate({ to: '/sign-in' }) })
          : revoke.mutate(id, { onSuccess: () => notifySaved('sessions.revoked'), onError: notifyError }),
    });

  return (
    <Page titleKey="pages.sessions" descriptionKey="sessions.description" testId="sessions-screen">
      <Table.ScrollContainer minWidth={640}>
        <Table striped verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('sessions.device')}</Table.Th>
              <Table.Th>{t('sessions.ip')}</Table.Th>
              <Table.Th>{t('sessions.created_at')}</Table.Th>
              <Table.Th>{t('sessions.last_seen_at')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(sessions.data?.items ?? []).map((s) => (
              <Table.Tr key={s.id} data-testid="session-row" data-current={s.current ? 'true' : 'false'}>
                <Table.Td>
                  <Text size="sm" lineClamp={2} dir="ltr" ta="start">{s.user_agent ?? t('sessions.unknown_device')}</Text>
                  {s.current && <Badge color="teal" variant="light">{t('sessions.current')}</Badge>}
                </Table.Td>
                <Table.Td dir="ltr">{s.ip ? localiseDigits(s.ip, locale) : ''}</Table.Td>
                <Table.Td>{formatDate(s.created_at, locale)}</Table.Td>
                <Table.Td>{formatDate(s.last_seen_at, locale)}</Table.Td>
                <Table.Td>
                  <Button size="xs" color="red" variant="light" onClick={() => confirmRevoke(s.id, s.current)} data-testid="session-revoke">
                    {t(s.current ? 'shell.sign_out' : 'sessions.revoke')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Page>
  );
}
