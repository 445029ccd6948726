/** API keys of machine clients: list, create (the key is shown once), revoke. */
import { useState } from 'react';
import { Alert, Badge, Button, Code, CopyButton, Group, Modal, Stack, Table, TagsInput, Text, TextInput } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconPlus } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { fieldErrors, problemMessage, useNotifyError, useNotifySaved } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { useShortcut } from '../../lib/shortcuts';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from './orgs.api';

const SCOPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

function CreateKeyForm({ onClose }: { onClose: () => void }) {
  const { t, locale } = useLocale();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const create = useCreateApiKey();
  const errors = fieldErrors(create.error, t);
  const badScope = scopes.find((s) => !SCOPE_PATTERN.test(s));
  if (create.data) {
    return (
      <Stack data-testid="api-key-created">
        <Alert color="yellow">{t('api_keys.shown_once')}</Alert>
        <Code block dir="ltr" data-testid="api-key-secret" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>{create.data.key}</Code>
        <Group justify="flex-end">
          <CopyButton value={create.data.key}>
            {({ copied, copy }) => <Button variant="light" onClick={copy} data-testid="api-key-copy">{t(copied ? 'common.copied' : 'common.copy')}</Button>}
          </CopyButton>
          <Button onClick={onClose} data-testid="api-key-done">{t('common.done')}</Button>
        </Group>
      </Stack>
    );
  }
  return (
    <form onSubmit={(e) => { e.preventDefault(); if (name.trim() && scopes.length && !badScope) create.mutate({ name: name.trim(), scopes }); }}>
      <Stack>
        <TextInput label={t('api_keys.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus error={errors.name} data-testid="api-key-name" />
        <TagsInput
          label={t('api_keys.scopes')}
          description={t('api_keys.scopes_hint')}
          value={scopes}
          onChange={setScopes}
          dir="ltr"
          error={badScope ? t('api_keys.scope_invalid', { scope: badScope }) : errors.scopes}
          data-testid="api-key-scopes"
        />
        {create.error && <Text c="red" size="sm">{problemMessage(create.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" loading={create.isPending} disabled={!name.trim() || scopes.length === 0 || Boolean(badScope)} data-testid="api-key-create">{t('api_keys.create')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

export default function ApiKeysScreen() {
  const { t, locale } = useLocale();
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const [creating, setCreating] = useState(false);
  useShortcut({ id: 'api-keys.new', keys: ['F2', 'alt+n'], label_key: 'shortcuts.new', group_key: 'shortcuts.group_page', run: () => setCreating(true) });
  const confirmRevoke = (id: string, name: string) =>
    modals.openConfirmModal({
      title: t('api_keys.revoke_title'),
      children: <Text size="sm">{t('api_keys.revoke_text', { name })}</Text>,
      labels: { confirm: t('api_keys.revoke'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' },
      cancelProps: { 'data-testid': 'confirm-no' },
      onConfirm: () => revoke.mutate(id, { onSuccess: () => notifySaved('api_keys.revoked'), onError: notifyError }),
    });
  return (
    <Page titleKey="pages.org_api_keys" descriptionKey="api_keys.description" testId="api-keys-screen" actions={<Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="api-key-new">{t('api_keys.new')}</Button>}>
      <Table.ScrollContainer minWidth={700}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('api_keys.name')}</Table.Th>
              <Table.Th>{t('api_keys.prefix')}</Table.Th>
              <Table.Th>{t('api_keys.scopes')}</Table.Th>
              <Table.Th>{t('api_keys.created_at')}</Table.Th>
              <Table.Th>{t('api_keys.last_used_at')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(keys.data?.items ?? []).map((k) => (
              <Table.Tr key={k.id} data-testid="api-key-row" data-revoked={k.revoked_at ? 'true' : 'false'}>
                <Table.Td>{k.name}</Table.Td>
                <Table.Td><Code dir="ltr">{k.prefix}…</Code></Table.Td>
                <Table.Td><Group gap={4}>{k.scopes.map((s) => <Badge key={s} size="sm" variant="light" style={{ textTransform: 'none' }}>{s}</Badge>)}</Group></Table.Td>
                <Table.Td>{formatDate(k.created_at, locale)}</Table.Td>
                <Table.Td>{k.last_used_at ? formatDate(k.last_used_at, locale) : t('api_keys.never_used')}</Table.Td>
                <Table.Td>
                  {k.revoked_at ? (
                    <Badge color="gray">{t('api_keys.revoked_at', { date: formatDate(k.revoked_at, locale) })}</Badge>
                  ) : (
                    <Button size="xs" color="red" variant="light" onClick={() => confirmRevoke(k.id, k.name)} data-testid="api-key-revoke">{t('api_keys.revoke')}</Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {keys.data?.items.length === 0 && <Text c="dimmed" ta="center">{t('common.empty')}</Text>}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('api_keys.new')} data-testid="api-key-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {creating && <CreateKeyForm onClose={() => setCreating(false)} />}
      </Modal>
    </Page>
  );
}
