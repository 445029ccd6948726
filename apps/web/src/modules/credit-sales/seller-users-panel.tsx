/**
 * The people who act for a seller in the seller portal. A person is linked by an admin; they also
 * need the organisation role `seller` (given on the staff screen) to open the portal.
 */
import { useState } from 'react';
import { Badge, Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatPhone } from '../../lib/format';
import { problemMessage, useNotifyError, useNotifySaved } from '../../lib/errors';
import { usePermissions } from '../../app/permissions';
import { useMembers } from '../orgs/orgs.api';
import { useLinkSellerUser, useSellerUsers, useUnlinkSellerUser } from './credit-sales.api';
import { CreditSalesPermission } from './permissions';

export function SellerUsersPanel({ seller_id }: { seller_id: string }) {
  const { t, locale } = useLocale();
  const permissions = usePermissions();
  const canManage = permissions.has(CreditSalesPermission.manage);
  const users = useSellerUsers(seller_id);
  const members = useMembers(permissions.has('org.staff.read')).data?.items ?? [];
  const link = useLinkSellerUser(seller_id);
  const unlink = useUnlinkSellerUser(seller_id);
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const [picked, setPicked] = useState<string | null>(null);
  const linked = new Set((users.data?.items ?? []).map((u) => u.user_id));
  const memberOf = (user_id: string) => members.find((m) => m.user_id === user_id);
  const label = (user_id: string) => {
    const m = memberOf(user_id);
    return m ? `${m.display_name ?? ''} ${formatPhone(m.phone, locale)}`.trim() : user_id;
  };
  const choices = members.filter((m) => m.active && !linked.has(m.user_id)).map((m) => ({ value: m.user_id, label: label(m.user_id) }));
  const confirmUnlink = (user_id: string) =>
    modals.openConfirmModal({
      title: t('credit_sales.users.unlink_title'),
      children: <Text size="sm">{t('credit_sales.users.unlink_text', { name: label(user_id) })}</Text>,
      labels: { confirm: t('credit_sales.users.unlink'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' },
      cancelProps: { 'data-testid': 'confirm-no' },
      onConfirm: () => unlink.mutate(user_id, { onSuccess: () => notifySaved(), onError: notifyError }),
    });
  return (
    <Stack data-testid="cs-users">
      <Text size="sm" c="dimmed">{t('credit_sales.users.description')}</Text>
      {canManage && (
        <Group align="flex-end">
          <Select label={t('credit_sales.users.person')} data={choices} value={picked} onChange={setPicked} searchable clearable w={320} data-testid="cs-user-pick" />
          <Button
            disabled={!picked}
            loading={link.isPending}
            onClick={() => picked && link.mutate(picked, { onSuccess: () => { setPicked(null); notifySaved(); }, onError: notifyError })}
            data-testid="cs-user-link"
          >
            {t('credit_sales.users.link')}
          </Button>
        </Group>
      )}
      {users.error && <Text c="red">{problemMessage(users.error, t, locale)}</Text>}
      <Table striped data-testid="cs-users-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('credit_sales.users.person')}</Table.Th>
            <Table.Th>{t('credit_sales.users.has_role')}</Table.Th>
            <Table.Th>{t('credit_sales.users.linked_at')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(users.data?.items ?? []).map((u) => {
            const hasRole = memberOf(u.user_id)?.roles.includes('seller') ?? false;
            return (
              <Table.Tr key={u.user_id} data-testid="cs-user-row">
                <Table.Td>{label(u.user_id)}</Table.Td>
                <Table.Td><Badge variant="light" color={hasRole ? 'teal' : 'orange'}>{t(hasRole ? 'credit_sales.users.role_yes' : 'credit_sales.users.role_no')}</Badge></Table.Td>
                <Table.Td>{formatDate(u.created_at, locale)}</Table.Td>
                <Table.Td>{canManage && <Button size="xs" color="red" variant="light" onClick={() => confirmUnlink(u.user_id)} data-testid="cs-user-unlink">{t('credit_sales.users.unlink')}</Button>}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {users.data?.items.length === 0 && <Text c="dimmed" ta="center">{t('credit_sales.users.none')}</Text>}
    </Stack>
  );
}
