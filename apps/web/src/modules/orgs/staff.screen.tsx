/** Staff: list (TanStack Table, search as you type), add by phone with roles/title/branches (F2), edit, deactivate, add owner. */
import { useMemo, useState } from 'react';
import { ActionIcon, Badge, Button, Group, Modal, MultiSelect, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconPencil, IconPlus, IconSearch, IconUserCheck, IconUserOff, IconCrown } from '@tabler/icons-react';
import type { ColumnDef } from '@tanstack/react-table';
import { Page } from '../../lib/page';
import { DataTable } from '../../lib/data-table';
import { useLocale } from '../../lib/i18n';
import { fieldErrors, problemMessage, useNotifyError, useNotifySaved } from '../../lib/errors';
import { formatDate, formatPhone, normaliseIranianMobile, toLatinDigits } from '../../lib/format';
import { useShortcut } from '../../lib/shortcuts';
import { usePermissions } from '../../app/permissions';
import { MANAGER_TITLES, useAddMember, useBranches, useDeactivateMember, useMembers, useRoles, useUpdateMember, type Member } from './orgs.api';

interface MemberForm {
  phone: string;
  display_name: string;
  roles: string[];
  manager_title: string | null;
  branch_ids: string[];
}

function MemberDialogBody({ member, presetRoles, onClose }: { member: Member | null; presetRoles: string[]; onClose: () => void }) {
  const { t, locale } = useLocale();
  const rolesData = useRoles().data;
  const roles = rolesData?.items ?? [];
  const titles = rolesData?.manager_titles ?? MANAGER_TITLES.map((key) => ({ key, label_key: `roles.manager_titles.${key}` }));
  const branches = useBranches().data?.items ?? [];
  const add = useAddMember();
  const update = useUpdateMember();
  const notifySaved = useNotifySaved();
  const [form, setForm] = useState<MemberForm>(
    member
      ? { phone: member.phone, display_name: member.display_name ?? '', roles: member.roles, manager_title: member.manager_title, branch_ids: member.branch_ids }
      : { phone: '', display_name: '', roles: presetRoles, manager_title: null, branch_ids: [] },
  );
  const mutation = member ? update : add;
  const errors = fieldErrors(mutation.error, t);
  const phone = normaliseIranianMobile(form.phone);
  // Roles the person may not give stay visible (disabled) when the member already holds them.
  const roleOptions = roles
    .filter((r) => r.grantable || form.roles.includes(r.key))
    .map((r) => ({ value: r.key, label: t(r.label_key, { defaultValue: r.key }), disabled: !r.grantable }));
  const isManager = form.roles.includes('manager');
  const valid = (member || phone) && form.roles.length > 0;
  const submit = () => {
    if (!valid) return;
    const common = { roles: form.roles, manager_title: isManager ? form.manager_title : null, branch_ids: form.branch_ids };
    const done = { onSuccess: () => { notifySaved(); onClose(); } };
    if (member) update.mutate({ id: member.membership_id, input: common }, done);
    else if (phone) add.mutate({ ...common, phone, display_name: form.display_name.trim() || undefined }, done);
  };
  useShortcut({ id: 'member-form.save', keys: ['mod+s', 'F10'], label_key: 'shortcuts.save', group_key: 'shortcuts.group_page', run: submit });
  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <Stack>
        <TextInput
          label={t('staff.phone')}
          value={member ? formatPhone(form.phone, locale) : form.phone}
          onChange={(e) => setForm({ ...form, phone: toLatinDigits(e.currentTarget.value) })}
          disabled={Boolean(member)}
          dir="ltr"
          inputMode="tel"
          data-autofocus
          required
          error={errors.phone ?? (!member && form.phone && !phone ? t('auth.phone_invalid_format') : undefined)}
          data-testid="member-phone"
        />
        {!member && <TextInput label={t('staff.display_name')} value={form.display_name} onChange={(e) => setForm({ ...form, display_name: e.currentTarget.value })} data-testid="member-display-name" />}
        <MultiSelect label={t('staff.roles')} data={roleOptions} value={form.roles} onChange={(v) => setForm({ ...form, roles: v })} required error={errors.roles} data-testid="member-roles" />
        {isManager && (
          <Select
            label={t('staff.manager_title')}
            data={titles.map((m) => ({ value: m.key, label: t(m.label_key, { defaultValue: m.key }) }))}
            value={form.manager_title}
            onChange={(v) => setForm({ ...form, manager_title: v })}
            clearable
            data-testid="member-manager-title"
          />
        )}
        <MultiSelect label={t('staff.branches')} description={t('staff.branches_hint')} data={branches.map((b) => ({ value: b.id, label: b.name }))} value={form.branch_ids} onChange={(v) => setForm({ ...form, branch_ids: v })} searchable data-testid="member-branches" />
        {mutation.error && <Text c="red" size="sm" data-testid="member-error">{problemMessage(mutation.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" disabled={!valid} loading={mutation.isPending} data-testid="member-save">{t('common.save')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

export default function StaffScreen() {
  const { t, locale } = useLocale();
  const permissions = usePermissions();
  const canManage = permissions.has('org.staff.manage');
  const canOwners = permissions.has('org.owners.manage');
  const members = useMembers();
  const rolesData = useRoles().data;
  const roles = rolesData?.items ?? [];
  const branches = useBranches().data?.items ?? [];
  const deactivate = useDeactivateMember();
  const reactivate = useUpdateMember();
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const [search, setSearch] = useState('');
  const [dialog, setDialog] = useState<{ member: Member | null; presetRoles: string[] } | null>(null);
  useShortcut({ id: 'staff.new', keys: ['F2', 'alt+n'], label_key: 'shortcuts.new', group_key: 'shortcuts.group_page', run: () => setDialog({ member: null, presetRoles: [] }) }, canManage);
  useShortcut({ id: 'staff.search', keys: ['F3'], label_key: 'shortcuts.page_search', group_key: 'shortcuts.group_page', run: () => document.querySelector<HTMLInputElement>('[data-testid="staff-search"]')?.focus() });

  const roleLabel = (key: string) => {
    const role = roles.find((r) => r.key === key);
    return role ? t(role.label_key, { defaultValue: key }) : t(`roles.${key}`, { defaultValue: key });
  };
  const branchName = (id: string) => branches.find((b) => b.id === id)?.name ?? '';

  const confirmDeactivate = (m: Member) =>
    modals.openConfirmModal({
      title: t('staff.deactivate_title'),
      children: <Text size="sm">{t('staff.deactivate_text', { name: m.display_name || formatPhone(m.phone, locale) })}</Text>,
      labels: { confirm: t('staff.deactivate'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' },
      cancelProps: { 'data-testid': 'confirm-no' },
      onConfirm: () => deactivate.mutate(m.membership_id, { onSuccess: () => notifySaved('staff.deactivated'), onError: notifyError }),
    });

  const needle = toLatinDigits(search.trim().toLowerCase());
  const rows = (members.data?.items ?? []).filter((m) => !needle || `${m.display_name ?? ''} ${m.phone} ${normaliseIranianMobile(m.phone) ?? ''}`.toLowerCase().includes(needle));

  const columns = useMemo<ColumnDef<Member, unknown>[]>(() => [
    { id: 'name', header: () => t('staff.display_name'), cell: ({ row }) => <Text fw={500}>{row.original.display_name || '—'}</Text> },
    { id: 'phone', header: () => t('staff.phone'), cell: ({ row }) => <span dir="ltr">{formatPhone(row.original.phone, locale)}</span> },
    {
      id: 'roles', header: () => t('staff.roles'), cell: ({ row }) => (
        <Group gap={4}>
          {row.original.roles.map((r) => <Badge key={r} size="sm" variant="light">{roleLabel(r)}</Badge>)}
          {row.original.manager_title && <Badge size="sm" variant="outline">{t(`roles.manager_titles.${row.original.manager_title}`, { defaultValue: row.original.manager_title })}</Badge>}
        </Group>
      ),
    },
    { id: 'branches', header: () => t('staff.branches'), cell: ({ row }) => <Text size="sm">{row.original.branch_ids.map(branchName).filter(Boolean).join(t('common.list_separator')) || t('staff.all_branches')}</Text> },
    { id: 'active', header: () => t('staff.status'), cell: ({ row }) => <Badge variant="dot" color={row.original.active ? 'teal' : 'gray'}>{t(row.original.active ? 'common.active' : 'common.inactive')}</Badge> },
    { id: 'created_at', header: () => t('staff.created_at'), cell: ({ row }) => <Text size="sm">{formatDate(row.original.created_at, locale, 'date')}</Text> },
    {
      id: 'actions', header: () => '', cell: ({ row }) => canManage && (
        <Group gap={4} wrap="nowrap">
          <Tooltip label={t('common.edit')}>
            <ActionIcon variant="subtle" onClick={() => setDialog({ member: row.original, presetRoles: [] })} aria-label={t('common.edit')} data-testid="member-edit"><IconPencil size={18} /></ActionIcon>
          </Tooltip>
          {!row.original.active && (
            <Tooltip label={t('staff.reactivate')}>
              <ActionIcon variant="subtle" color="teal" onClick={() => reactivate.mutate({ id: row.original.membership_id, input: { active: true } }, { onSuccess: () => notifySaved('staff.reactivated'), onError: notifyError })} aria-label={t('staff.reactivate')} data-testid="member-reactivate"><IconUserCheck size={18} /></ActionIcon>
            </Tooltip>
          )}
          {row.original.active && (
            <Tooltip label={t('staff.deactivate')}>
              <ActionIcon variant="subtle" color="red" onClick={() => confirmDeactivate(row.original)} aria-label={t('staff.deactivate')} data-testid="member-deactivate"><IconUserOff size={18} /></ActionIcon>
            </Tooltip>
          )}
        </Group>
      ),
    },
  ], [t, locale, canManage, roles, branches]);

  return (
    <Page
      titleKey="pages.org_staff"
      testId="staff-screen"
      actions={
        <>
          {canOwners && <Button variant="light" leftSection={<IconCrown size={16} />} onClick={() => setDialog({ member: null, presetRoles: ['owner'] })} data-testid="owner-new">{t('staff.add_owner')}</Button>}
          {canManage && <Button leftSection={<IconPlus size={16} />} onClick={() => setDialog({ member: null, presetRoles: [] })} data-testid="member-new">{t('staff.add')}</Button>}
        </>
      }
    >
      <TextInput leftSection={<IconSearch size={16} />} placeholder={t('staff.search')} aria-label={t('staff.search')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} maw={360} data-testid="staff-search" />
      <DataTable testId="staff-table" data={rows} columns={columns} getRowId={(m) => m.membership_id} loading={members.isPending} onOpenRow={canManage ? (m) => setDialog({ member: m, presetRoles: [] }) : undefined} />
      <Modal opened={dialog !== null} onClose={() => setDialog(null)} title={t(dialog?.member ? 'staff.edit' : dialog?.presetRoles.includes('owner') ? 'staff.add_owner' : 'staff.add')} data-testid="member-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {dialog && <MemberDialogBody member={dialog.member} presetRoles={dialog.presetRoles} onClose={() => setDialog(null)} />}
      </Modal>
    </Page>
  );
}
