/**
 * A seller's API keys (for POST /api/credit-sales/v1/charges): list, create (the secret is shown once,
 * with a copy button and a warning), revoke. Used by the seller portal and the admin's seller page.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Code, CopyButton, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useLocale } from '../../lib/i18n';
import { formatDate } from '../../lib/format';
import { fieldErrors, problemMessage, useNotifyError, useNotifySaved } from '../../lib/errors';
import { useCreateSellerApiKey, useRevokeSellerApiKey, useSellerApiKeys, type SellerScope } from './credit-sales.api';
import { useSingleFlight } from './common';

function CreateKeyForm({ scope, onClose }: { scope: SellerScope; onClose: () => void }) {
  const { t, locale } = useLocale();
  const [name, setName] = useState('');
  const create = useCreateSellerApiKey(scope);
  const flight = useSingleFlight();
  const errors = fieldErrors(create.error, t);
  if (create.data) {
    return (
      <Stack data-testid="cs-key-created">
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} title={t('credit_sales.keys.shown_once_title')}>{t('credit_sales.keys.shown_once')}</Alert>
        <Code block dir="ltr" data-testid="cs-key-secret" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>{create.data.key}</Code>
        <Group justify="flex-end">
          <CopyButton value={create.data.key}>
            {({ copied, copy }) => <Button variant="light" color={copied ? 'teal' : undefined} onClick={copy} data-testid="cs-key-copy">{t(copied ? 'common.copied' : 'common.copy')}</Button>}
          </CopyButton>
          <Button onClick={onClose} data-testid="cs-key-done">{t('credit_sales.keys.saved_it')}</Button>
        </Group>
      </Stack>
    );
  }
  return (
    <form onSubmit={(e) => { e.preventDefault(); if (name.trim() && flight.start()) create.mutate(name.trim(), { onSettled: flight.done }); }}>
      <Stack>
        <TextInput label={t('credit_sales.keys.name')} description={t('credit_sales.keys.name_hint')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus maxLength={100} error={errors.name} data-testid="cs-key-name" />
        {create.error && <Text c="red" size="sm">{problemMessage(create.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" loading={create.isPending} disabled={!name.trim()} data-testid="cs-key-create">{t('credit_sales.keys.create')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

export function SellerApiKeysPanel({ scope, canManage = true }: { scope: SellerScope; canManage?: boolean }) {
  const { t, locale } = useLocale();
  const keys = useSellerApiKeys(scope);
  const revoke = useRevokeSellerApiKey(scope);
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const [creating, setCreating] = useState(false);
  const confirmRevoke = (id: string, name: string) =>
    modals.openConfirmModal({
      title: t('credit_sales.keys.revoke_title'),
      children: <Text size="sm">{t('credit_sales.keys.revoke_text', { name })}</Text>,
      labels: { confirm: t('credit_sales.keys.revoke'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' },
      cancelProps: { 'data-testid': 'confirm-no' },
      onConfirm: () => revoke.mutate(id, { onSuccess: () => notifySaved('credit_sales.keys.revoked'), onError: notifyError }),
    });
  return (
    <Stack data-testid="cs-keys">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">{t('credit_sales.keys.description')}</Text>
        {canManage && <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="cs-key-new">{t('credit_sales.keys.new')}</Button>}
      </Group>
      {keys.error && <Text c="red">{problemMessage(keys.error, t, locale)}</Text>}
      <Table.ScrollContainer minWidth={600}>
        <Table striped data-testid="cs-keys-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('credit_sales.keys.name')}</Table.Th>
              <Table.Th>{t('credit_sales.keys.prefix')}</Table.Th>
              <Table.Th>{t('credit_sales.keys.created_at')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(keys.data?.items ?? []).map((k) => (
              <Table.Tr key={k.id} data-testid="cs-key-row" data-revoked={k.revoked_at ? 'true' : 'false'}>
                <Table.Td>{k.name}</Table.Td>
                <Table.Td><Code dir="ltr">{k.key_prefix}…</Code></Table.Td>
                <Table.Td>{formatDate(k.created_at, locale)}</Table.Td>
                <Table.Td>
                  {k.revoked_at ? (
                    <Badge color="gray">{t('credit_sales.keys.revoked_at', { date: formatDate(k.revoked_at, locale) })}</Badge>
                  ) : canManage ? (
                    <Button size="xs" color="red" variant="light" loading={revoke.isPending && revoke.variables === k.id} onClick={() => confirmRevoke(k.id, k.name)} data-testid="cs-key-revoke">{t('credit_sales.keys.revoke')}</Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {keys.data?.items.length === 0 && <Text c="dimmed" ta="center" data-testid="cs-keys-empty">{t('credit_sales.keys.none')}</Text>}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('credit_sales.keys.new')} data-testid="cs-key-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {creating && <CreateKeyForm scope={scope} onClose={() => setCreating(false)} />}
      </Modal>
    </Stack>
  );
}
