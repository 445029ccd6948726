/** All organisations (platform admin, support partners see theirs) and creating one with its first owner. */
import { useState } from 'react';
import { Badge, Button, Group, Modal, Pagination, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { fieldErrors, problemMessage, useNotifySaved } from '../../lib/errors';
import { formatDate, formatNumber, formatPhone, normaliseIranianMobile, toLatinDigits } from '../../lib/format';
import { useShortcut } from '../../lib/shortcuts';
import { usePermissions } from '../../app/permissions';
import { useCreateOrganisation, usePlatformOrganisations, type PlatformOrganisation } from './platform.api';

const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/;

function CreateOrganisationForm({ onClose }: { onClose: () => void }) {
  const { t, locale } = useLocale();
  const [form, setForm] = useState({ slug: '', name: '', owner_phone: '', support_partner_phone: '' });
  const create = useCreateOrganisation();
  const notifySaved = useNotifySaved();
  const errors = fieldErrors(create.error, t);
  const owner = normaliseIranianMobile(form.owner_phone);
  const partner = form.support_partner_phone ? normaliseIranianMobile(form.support_partner_phone) : null;
  const slugOk = SLUG_PATTERN.test(form.slug);
  const valid = slugOk && form.name.trim() && owner && (!form.support_partner_phone || partner);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  return (
    <form onSubmit={(e) => { e.preventDefault(); if (valid && owner) create.mutate({ slug: form.slug, name: form.name.trim(), owner_phone: owner, support_partner_phone: partner ?? undefined }, { onSuccess: () => { notifySaved(); onClose(); } }); }}>
      <Stack>
        <TextInput label={t('platform_orgs.name')} value={form.name} onChange={(e) => set({ name: e.currentTarget.value })} required data-autofocus error={errors.name} data-testid="new-org-name" />
        <TextInput label={t('platform_orgs.slug')} description={t('platform_orgs.slug_hint')} value={form.slug} onChange={(e) => set({ slug: e.currentTarget.value.toLowerCase() })} dir="ltr" required error={errors.slug ?? (form.slug && !slugOk ? t('platform_orgs.slug_invalid') : undefined)} data-testid="new-org-slug" />
        <TextInput label={t('platform_orgs.owner_phone')} value={form.owner_phone} onChange={(e) => set({ owner_phone: toLatinDigits(e.currentTarget.value) })} dir="ltr" inputMode="tel" required error={errors.owner_phone ?? (form.owner_phone && !owner ? t('auth.phone_invalid_format') : undefined)} data-testid="new-org-owner-phone" />
        <TextInput label={t('platform_orgs.support_partner_phone')} value={form.support_partner_phone} onChange={(e) => set({ support_partner_phone: toLatinDigits(e.currentTarget.value) })} dir="ltr" inputMode="tel" error={errors.support_partner_phone ?? (form.support_partner_phone && !partner ? t('auth.phone_invalid_format') : undefined)} data-testid="new-org-partner-phone" />
        {create.error && <Text c="red" size="sm" data-testid="new-org-error">{problemMessage(create.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" disabled={!valid} loading={create.isPending} data-testid="new-org-save">{t('platform_orgs.create')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

function partnerLabel(partner: PlatformOrganisation['support_partner'], locale: Parameters<typeof formatPhone>[1]): string {
  if (!partner) return '—';
  return partner.name ? `${partner.name} (${formatPhone(partner.phone, locale)})` : formatPhone(partner.phone, locale);
}

const PAGE_SIZE = 50;

export default function OrganisationsScreen() {
  const { t, locale } = useLocale();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  const orgs = usePlatformOrganisations(q, PAGE_SIZE, (page - 1) * PAGE_SIZE);
  const total = orgs.data?.total ?? 0;
  const canManage = usePermissions().has('platform.orgs.manage');
  const [creating, setCreating] = useState(false);
  useShortcut({ id: 'platform-orgs.new', keys: ['F2', 'alt+n'], label_key: 'shortcuts.new', group_key: 'shortcuts.group_page', run: () => setCreating(true) }, canManage);
  return (
    <Page titleKey="pages.platform_organisations" testId="platform-orgs-screen" actions={canManage && <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="new-org">{t('platform_orgs.new')}</Button>}>
      <TextInput leftSection={<IconSearch size={16} />} placeholder={t('platform_orgs.search')} aria-label={t('platform_orgs.search')} value={search} onChange={(e) => { setSearch(e.currentTarget.value); setPage(1); }} maw={360} data-testid="platform-orgs-search" />
      <Table.ScrollContainer minWidth={700}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('platform_orgs.name')}</Table.Th>
              <Table.Th>{t('platform_orgs.slug')}</Table.Th>
              <Table.Th>{t('platform_orgs.created_at')}</Table.Th>
              <Table.Th>{t('platform_orgs.support_partner')}</Table.Th>
              <Table.Th>{t('platform_orgs.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(orgs.data?.items ?? []).map((org) => (
              <Table.Tr key={org.id} data-testid="platform-org-row" data-slug={org.slug}>
                <Table.Td fw={500}>{org.name}</Table.Td>
                <Table.Td dir="ltr">{org.slug}</Table.Td>
                <Table.Td>{formatDate(org.created_at, locale, 'date')}</Table.Td>
                <Table.Td>{partnerLabel(org.support_partner, locale)}</Table.Td>
                <Table.Td><Badge variant="dot" color={org.active ? 'teal' : 'gray'}>{t(org.active ? 'common.active' : 'common.inactive')}</Badge></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {orgs.data?.items.length === 0 && <Text c="dimmed" ta="center">{t('common.empty')}</Text>}
      {total > PAGE_SIZE && <Pagination total={Math.ceil(total / PAGE_SIZE)} value={page} onChange={setPage} getItemProps={(p) => ({ children: formatNumber(p, locale) })} />}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('platform_orgs.new')} data-testid="new-org-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {creating && <CreateOrganisationForm onClose={() => setCreating(false)} />}
      </Modal>
    </Page>
  );
}
