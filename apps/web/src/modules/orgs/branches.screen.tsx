/** Branches and their warehouses: list, create (F2), edit, flags (central branch / central warehouse / reference). */
import { useMemo, useState } from 'react';
import { ActionIcon, Badge, Button, Checkbox, Group, Modal, Stack, Switch, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { IconBuildingWarehouse, IconPencil, IconPlus } from '@tabler/icons-react';
import type { ColumnDef } from '@tanstack/react-table';
import { Page } from '../../lib/page';
import { DataTable } from '../../lib/data-table';
import { useLocale } from '../../lib/i18n';
import { fieldErrors, problemMessage, useNotifySaved } from '../../lib/errors';
import { localiseDigits, toLatinDigits } from '../../lib/format';
import { useShortcut } from '../../lib/shortcuts';
import { usePermissions } from '../../app/permissions';
import { useBranches, useSaveBranch, useSaveWarehouse, useWarehouses, type Branch, type BranchInput, type Warehouse, type WarehouseInput } from './orgs.api';

const EMPTY_BRANCH: BranchInput = { name: '', code: null, active: true, is_central_branch: false, is_central_warehouse: false, is_reference: false, address: null, phone: null };

function BranchForm({ branch, onClose }: { branch: Branch | null; onClose: () => void }) {
  const { t, locale } = useLocale();
  const [form, setForm] = useState<BranchInput>(branch ?? EMPTY_BRANCH);
  const save = useSaveBranch();
  const notifySaved = useNotifySaved();
  const errors = fieldErrors(save.error, t);
  const set = (patch: Partial<BranchInput>) => setForm((f) => ({ ...f, ...patch }));
  const submit = () => save.mutate({ id: branch?.id ?? null, input: { ...form, name: form.name.trim(), code: form.code?.trim() || null, address: form.address?.trim() || null, phone: form.phone?.trim() || null } }, { onSuccess: () => { notifySaved(); onClose(); } });
  useShortcut({ id: 'branch-form.save', keys: ['mod+s', 'F10'], label_key: 'shortcuts.save', group_key: 'shortcuts.group_page', run: submit });
  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <Stack>
        <TextInput label={t('branches.name')} value={form.name} onChange={(e) => set({ name: e.currentTarget.value })} required data-autofocus error={errors.name} data-testid="branch-name" />
        <TextInput label={t('branches.code')} value={form.code ?? ''} onChange={(e) => set({ code: toLatinDigits(e.currentTarget.value) })} error={errors.code} data-testid="branch-code" />
        <TextInput label={t('branches.phone')} value={form.phone ?? ''} onChange={(e) => set({ phone: toLatinDigits(e.currentTarget.value) })} dir="ltr" error={errors.phone} data-testid="branch-phone" />
        <TextInput label={t('branches.address')} value={form.address ?? ''} onChange={(e) => set({ address: e.currentTarget.value })} error={errors.address} data-testid="branch-address" />
        <Switch label={t('branches.active')} checked={form.active} onChange={(e) => set({ active: e.currentTarget.checked })} data-testid="branch-active" />
        <Checkbox label={t('branches.central_branch')} description={t('branches.central_branch_hint')} checked={form.is_central_branch} onChange={(e) => set({ is_central_branch: e.currentTarget.checked })} data-testid="branch-central-branch" />
        <Checkbox label={t('branches.central_warehouse')} description={t('branches.central_warehouse_hint')} checked={form.is_central_warehouse} onChange={(e) => set({ is_central_warehouse: e.currentTarget.checked })} data-testid="branch-central-warehouse" />
        <Checkbox label={t('branches.reference')} description={t('branches.reference_hint')} checked={form.is_reference} onChange={(e) => set({ is_reference: e.currentTarget.checked })} data-testid="branch-reference" />
        {save.error && <Text c="red" size="sm" data-testid="branch-error">{problemMessage(save.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" loading={save.isPending} disabled={!form.name.trim()} data-testid="branch-save">{t('common.save')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** A warehouse row, or (warehouse null) the row that adds one; a branch's first warehouse starts as its default. */
function WarehouseRow({ branch_id, warehouse, canManage, first = false }: { branch_id: string; warehouse: Warehouse | null; canManage: boolean; first?: boolean }) {
  const { t, locale } = useLocale();
  const blank: WarehouseInput = { name: '', code: null, active: true, is_default: first };
  const [form, setForm] = useState<WarehouseInput>(warehouse ?? blank);
  const save = useSaveWarehouse(branch_id);
  const notifySaved = useNotifySaved();
  const changed = !warehouse || JSON.stringify(form) !== JSON.stringify({ name: warehouse.name, code: warehouse.code, active: warehouse.active, is_default: warehouse.is_default });
  const submit = () =>
    save.mutate(
      { id: warehouse?.id ?? null, input: { ...form, name: form.name.trim(), code: form.code?.trim() || null } },
      { onSuccess: () => { notifySaved(); if (!warehouse) setForm({ ...blank, is_default: false }); } },
    );
  return (
    <Table.Tr data-testid={warehouse ? 'warehouse-row' : 'warehouse-new-row'}>
      <Table.Td><TextInput size="xs" value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} placeholder={t('warehouses.name')} aria-label={t('warehouses.name')} disabled={!canManage} data-testid="warehouse-name" /></Table.Td>
      <Table.Td><TextInput size="xs" w={100} value={form.code ?? ''} onChange={(e) => setForm({ ...form, code: toLatinDigits(e.currentTarget.value) })} placeholder={t('warehouses.code')} aria-label={t('warehouses.code')} disabled={!canManage} data-testid="warehouse-code" /></Table.Td>
      <Table.Td><Checkbox checked={form.is_default} onChange={(e) => setForm({ ...form, is_default: e.currentTarget.checked })} aria-label={t('warehouses.is_default')} disabled={!canManage} data-testid="warehouse-default" /></Table.Td>
      <Table.Td><Checkbox checked={form.active} onChange={(e) => setForm({ ...form, active: e.currentTarget.checked })} aria-label={t('warehouses.active')} disabled={!canManage} data-testid="warehouse-active" /></Table.Td>
      <Table.Td>
        {canManage && (
          <Button size="xs" onClick={submit} disabled={!form.name.trim() || !changed} loading={save.isPending} data-testid="warehouse-save">
            {t(warehouse ? 'common.save' : 'common.add')}
          </Button>
        )}
        {save.error && <Text size="xs" c="red">{problemMessage(save.error, t, locale)}</Text>}
      </Table.Td>
    </Table.Tr>
  );
}

function Warehouses({ branch, canManage }: { branch: Branch; canManage: boolean }) {
  const { t } = useLocale();
  const warehouses = useWarehouses(branch.id);
  return (
    <Stack data-testid="warehouses">
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('warehouses.name')}</Table.Th>
            <Table.Th>{t('warehouses.code')}</Table.Th>
            <Table.Th>{t('warehouses.is_default')}</Table.Th>
            <Table.Th>{t('warehouses.active')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(warehouses.data?.items ?? []).map((w) => <WarehouseRow key={w.id} branch_id={branch.id} warehouse={w} canManage={canManage} />)}
          {canManage && warehouses.isSuccess && <WarehouseRow branch_id={branch.id} warehouse={null} canManage first={warehouses.data.items.length === 0} />}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

export default function BranchesScreen() {
  const { t, locale } = useLocale();
  const branches = useBranches();
  const canManage = usePermissions().has('org.branches.manage');
  const [editing, setEditing] = useState<Branch | 'new' | null>(null);
  const [warehousesOf, setWarehousesOf] = useState<Branch | null>(null);
  useShortcut({ id: 'branches.new', keys: ['F2', 'alt+n'], label_key: 'shortcuts.new', group_key: 'shortcuts.group_page', run: () => canManage && setEditing('new') }, canManage);

  const columns = useMemo<ColumnDef<Branch, unknown>[]>(() => [
    { id: 'name', header: () => t('branches.name'), cell: ({ row }) => <Text fw={500}>{row.original.name}</Text> },
    { id: 'code', header: () => t('branches.code'), cell: ({ row }) => localiseDigits(row.original.code ?? '', locale) },
    {
      id: 'flags', header: () => t('branches.flags'), cell: ({ row }) => (
        <Group gap={4}>
          {row.original.is_central_branch && <Badge size="sm" variant="light">{t('branches.central_branch')}</Badge>}
          {row.original.is_central_warehouse && <Badge size="sm" variant="light" color="grape">{t('branches.central_warehouse')}</Badge>}
          {row.original.is_reference && <Badge size="sm" variant="light" color="orange">{t('branches.reference')}</Badge>}
        </Group>
      ),
    },
    { id: 'active', header: () => t('branches.active'), cell: ({ row }) => <Badge color={row.original.active ? 'teal' : 'gray'} variant="dot">{t(row.original.active ? 'common.active' : 'common.inactive')}</Badge> },
    {
      id: 'actions', header: () => '', cell: ({ row }) => (
        <Group gap={4} wrap="nowrap">
          <Tooltip label={t('warehouses.title')}>
            <ActionIcon variant="subtle" onClick={() => setWarehousesOf(row.original)} aria-label={t('warehouses.title')} data-testid="branch-warehouses"><IconBuildingWarehouse size={18} /></ActionIcon>
          </Tooltip>
          {canManage && (
            <Tooltip label={t('common.edit')}>
              <ActionIcon variant="subtle" onClick={() => setEditing(row.original)} aria-label={t('common.edit')} data-testid="branch-edit"><IconPencil size={18} /></ActionIcon>
            </Tooltip>
          )}
        </Group>
      ),
    },
  ], [t, locale, canManage]);

  return (
    <Page
      titleKey="pages.org_branches"
      testId="branches-screen"
      actions={canManage && <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')} data-testid="branch-new">{t('branches.new')}</Button>}
    >
      <DataTable testId="branches-table" data={branches.data?.items ?? []} columns={columns} getRowId={(b) => b.id} loading={branches.isPending} onOpenRow={(b) => (canManage ? setEditing(b) : setWarehousesOf(b))} />
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={t(editing === 'new' ? 'branches.new' : 'branches.edit')} data-testid="branch-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {editing !== null && <BranchForm branch={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      </Modal>
      <Modal opened={warehousesOf !== null} onClose={() => setWarehousesOf(null)} title={t('warehouses.of_branch', { name: warehousesOf?.name ?? '' })} size="xl" data-testid="warehouses-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {warehousesOf && <Warehouses branch={warehousesOf} canManage={canManage} />}
      </Modal>
    </Page>
  );
}
