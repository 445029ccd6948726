/** Categories: the tree (any depth) with create / rename / move / delete, and the attributes defined per category. */
import { useState } from 'react';
import { ActionIcon, Badge, Button, Card, Checkbox, Grid, Group, Modal, NavLink, Select, Stack, Table, TagsInput, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconArrowsMove, IconFolder, IconFolderPlus, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { problemMessage, useNotifyError, useNotifySaved } from '../../lib/errors';
import { useShortcut } from '../../lib/shortcuts';
import { usePermissions } from '../../app/permissions';
import { CatalogPermission } from './permissions';
import {
  useCategories, useCategoryAttributes, useCreateAttribute, useDeleteAttribute, useDeleteCategory, useMoveCategory, useSaveCategory, type AttributeDto, type CategoryDto,
} from './catalog.api';
import { buildCategoryTree, categoryOptions, categoryPath, type CategoryNode } from './category-tree';

const VALUE_TYPES = ['text', 'number', 'boolean', 'choice'] as const;

type CategoryDialog = { kind: 'create'; parent_id: string | null } | { kind: 'rename'; category: CategoryDto } | { kind: 'move'; category: CategoryDto };

/** The tree; a click selects a category, a click on the selected one folds or unfolds its subcategories. */
function TreeNodes({ nodes, selected, onSelect, folded, onFold }: { nodes: CategoryNode[]; selected: string | null; onSelect: (id: string) => void; folded: Set<string>; onFold: (id: string) => void }) {
  return nodes.map((node) => (
    <NavLink
      key={node.id}
      label={node.name}
      leftSection={<IconFolder size={16} />}
      active={node.id === selected}
      onClick={() => onSelect(node.id)}
      opened={!folded.has(node.id)}
      onChange={() => { if (node.id === selected) onFold(node.id); }}
      childrenOffset={18}
      data-testid="category-node"
      data-category-id={node.id}
    >
      {node.children.length > 0 ? <TreeNodes nodes={node.children} selected={selected} onSelect={onSelect} folded={folded} onFold={onFold} /> : undefined}
    </NavLink>
  ));
}

function CategoryDialogBody({ dialog, items, onClose }: { dialog: CategoryDialog; items: CategoryDto[]; onClose: () => void }) {
  const { t, locale } = useLocale();
  const save = useSaveCategory();
  const move = useMoveCategory();
  const notifySaved = useNotifySaved();
  const [name, setName] = useState(dialog.kind === 'rename' ? dialog.category.name : '');
  const [parent, setParent] = useState<string | null>(dialog.kind === 'move' ? dialog.category.parent_id : null);
  const mutation = dialog.kind === 'move' ? move : save;
  const done = { onSuccess: () => { notifySaved(); onClose(); } };
  const submit = () => {
    if (dialog.kind === 'move') move.mutate({ id: dialog.category.id, parent_id: parent }, done);
    else if (name.trim()) save.mutate({ id: dialog.kind === 'rename' ? dialog.category.id : null, name: name.trim(), parent_id: dialog.kind === 'create' ? dialog.parent_id : null }, done);
  };
  useShortcut({ id: 'category-form.save', keys: ['mod+s', 'F10'], label_key: 'shortcuts.save', group_key: 'shortcuts.group_page', run: submit });
  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <Stack>
        {dialog.kind === 'create' && dialog.parent_id && <Text size="sm" c="dimmed">{t('catalog.category_parent')}: {categoryPath(items, dialog.parent_id)}</Text>}
        {dialog.kind === 'move' ? (
          <Select label={t('catalog.category_move_to')} data={categoryOptions(items, dialog.category.id)} value={parent} onChange={setParent} searchable clearable placeholder={t('catalog.category_root')} data-testid="category-parent" />
        ) : (
          <TextInput label={t('catalog.category_name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus data-testid="category-name" />
        )}
        {mutation.error && <Text c="red" size="sm" data-testid="category-error">{problemMessage(mutation.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" loading={mutation.isPending} data-testid="category-save">{t('common.save')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

function AttributeForm({ category_id }: { category_id: string }) {
  const { t, locale } = useLocale();
  const create = useCreateAttribute(category_id);
  const notifySaved = useNotifySaved();
  const empty = { code: '', name: '', value_type: 'text' as (typeof VALUE_TYPES)[number], choices: [] as string[], is_required: false };
  const [form, setForm] = useState(empty);
  const submit = () =>
    create.mutate({ ...form, code: form.code.trim(), name: form.name.trim(), choices: form.value_type === 'choice' ? form.choices : [], sort_order: 0 }, { onSuccess: () => { notifySaved(); setForm(empty); } });
  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }} data-testid="attribute-form">
      <Stack gap="xs">
        <Group align="flex-end" gap="xs" wrap="wrap">
          <TextInput label={t('catalog.attribute_code')} placeholder={t('catalog.attribute_code_example')} value={form.code} onChange={(e) => setForm({ ...form, code: e.currentTarget.value })} dir="ltr" w={160} required data-testid="attribute-code" />
          <TextInput label={t('catalog.attribute_name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} w={180} required data-testid="attribute-name" />
          <Select label={t('catalog.attribute_type')} data={VALUE_TYPES.map((v) => ({ value: v, label: t(`catalog.attribute_types.${v}`) }))} value={form.value_type} onChange={(v) => setForm({ ...form, value_type: (v ?? 'text') as typeof form.value_type })} allowDeselect={false} w={150} data-testid="attribute-type" />
          <Checkbox label={t('catalog.attribute_required')} checked={form.is_required} onChange={(e) => setForm({ ...form, is_required: e.currentTarget.checked })} mb={8} data-testid="attribute-required" />
        </Group>
        {form.value_type === 'choice' && <TagsInput label={t('catalog.attribute_choices')} value={form.choices} onChange={(v) => setForm({ ...form, choices: v })} data-testid="attribute-choices" />}
        {create.error && <Text c="red" size="sm" data-testid="attribute-error">{problemMessage(create.error, t, locale)}</Text>}
        <Group><Button type="submit" size="xs" leftSection={<IconPlus size={14} />} loading={create.isPending} data-testid="attribute-add">{t('catalog.attribute_add')}</Button></Group>
      </Stack>
    </form>
  );
}

function AttributesPanel({ category, items, canManage }: { category: CategoryDto; items: CategoryDto[]; canManage: boolean }) {
  const { t } = useLocale();
  const attributes = useCategoryAttributes(category.id).data?.items ?? [];
  const remove = useDeleteAttribute();
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const confirmRemove = (a: AttributeDto) =>
    modals.openConfirmModal({
      title: t('catalog.attribute_delete_title'),
      children: <Text size="sm">{t('catalog.attribute_delete_text', { name: a.name })}</Text>,
      labels: { confirm: t('catalog.attribute_delete'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' },
      cancelProps: { 'data-testid': 'confirm-no' },
      onConfirm: () => remove.mutate(a.id, { onSuccess: () => notifySaved('catalog.attribute_deleted'), onError: notifyError }),
    });
  return (
    <Stack data-testid="attributes-panel">
      <Title order={4}>{t('catalog.attributes_of', { name: category.name })}</Title>
      <Text size="sm" c="dimmed">{t('catalog.attributes_hint')}</Text>
      <Table striped data-testid="attributes-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('catalog.attribute_name')}</Table.Th>
            <Table.Th>{t('catalog.attribute_code')}</Table.Th>
            <Table.Th>{t('catalog.attribute_type')}</Table.Th>
            <Table.Th>{t('catalog.attribute_defined_in')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {attributes.map((a) => (
            <Table.Tr key={a.id} data-testid="attribute-row">
              <Table.Td>{a.name} {a.is_required && <Badge size="xs" variant="light">{t('catalog.attribute_required')}</Badge>}</Table.Td>
              <Table.Td dir="ltr">{a.code}</Table.Td>
              <Table.Td>{t(`catalog.attribute_types.${a.value_type}`)}{a.value_type === 'choice' && <Text size="xs" c="dimmed">{a.choices.join(t('common.list_separator'))}</Text>}</Table.Td>
              <Table.Td><Text size="sm">{a.category_id === category.id ? t('catalog.attribute_own') : categoryPath(items, a.category_id)}</Text></Table.Td>
              <Table.Td>
                {canManage && a.category_id === category.id && (
                  <Tooltip label={t('catalog.attribute_delete')}>
                    <ActionIcon variant="subtle" color="red" onClick={() => confirmRemove(a)} aria-label={t('catalog.attribute_delete')} data-testid="attribute-delete"><IconTrash size={16} /></ActionIcon>
                  </Tooltip>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {attributes.length === 0 && <Text c="dimmed" size="sm" data-testid="attributes-empty">{t('catalog.attributes_none')}</Text>}
      {canManage && <AttributeForm key={category.id} category_id={category.id} />}
    </Stack>
  );
}

export default function CategoriesScreen() {
  const { t } = useLocale();
  const canManage = usePermissions().has(CatalogPermission.manage);
  const categories = useCategories();
  const items = categories.data?.items ?? [];
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = items.find((c) => c.id === selectedId) ?? null;
  const [dialog, setDialog] = useState<CategoryDialog | null>(null);
  const [folded, setFolded] = useState<Set<string>>(() => new Set());
  const fold = (id: string) => setFolded((f) => { const next = new Set(f); if (next.has(id)) next.delete(id); else next.add(id); return next; });
  const remove = useDeleteCategory();
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  useShortcut({ id: 'categories.new', keys: ['F2', 'alt+n'], label_key: 'shortcuts.new', group_key: 'shortcuts.group_page', run: () => setDialog({ kind: 'create', parent_id: selectedId }) }, canManage);

  const confirmDelete = (c: CategoryDto) =>
    modals.openConfirmModal({
      title: t('catalog.category_delete_title'),
      children: <Text size="sm">{t('catalog.category_delete_text', { name: c.name })}</Text>,
      labels: { confirm: t('catalog.category_delete'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' },
      cancelProps: { 'data-testid': 'confirm-no' },
      onConfirm: () => remove.mutate(c.id, { onSuccess: () => { notifySaved('catalog.category_deleted'); setSelectedId(null); }, onError: notifyError }),
    });

  const dialogTitle = dialog ? t(dialog.kind === 'create' ? 'catalog.category_new' : dialog.kind === 'rename' ? 'catalog.category_rename' : 'catalog.category_move') : '';
  return (
    <Page
      titleKey="pages.catalog_categories"
      testId="categories-screen"
      actions={canManage && <Button leftSection={<IconFolderPlus size={16} />} onClick={() => setDialog({ kind: 'create', parent_id: null })} data-testid="category-new-root">{t('catalog.category_new_root')}</Button>}
    >
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder padding="xs" data-testid="category-tree">
            {items.length === 0 && !categories.isPending && <Text c="dimmed" size="sm" p="sm" data-testid="category-tree-empty">{t('catalog.categories_none')}</Text>}
            <TreeNodes nodes={buildCategoryTree(items)} selected={selectedId} onSelect={setSelectedId} folded={folded} onFold={fold} />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {!selected && <Text c="dimmed" data-testid="category-pick-hint">{t('catalog.category_pick')}</Text>}
          {selected && (
            <Stack>
              <Group justify="space-between" wrap="wrap">
                <Text fw={600} data-testid="category-selected-path">{categoryPath(items, selected.id)}</Text>
                {canManage && (
                  <Group gap="xs">
                    <Button size="xs" variant="light" leftSection={<IconFolderPlus size={14} />} onClick={() => setDialog({ kind: 'create', parent_id: selected.id })} data-testid="category-new-child">{t('catalog.category_new_child')}</Button>
                    <Button size="xs" variant="light" leftSection={<IconPencil size={14} />} onClick={() => setDialog({ kind: 'rename', category: selected })} data-testid="category-rename">{t('catalog.category_rename')}</Button>
                    <Button size="xs" variant="light" leftSection={<IconArrowsMove size={14} />} onClick={() => setDialog({ kind: 'move', category: selected })} data-testid="category-move">{t('catalog.category_move')}</Button>
                    <Button size="xs" variant="light" color="red" leftSection={<IconTrash size={14} />} onClick={() => confirmDelete(selected)} data-testid="category-delete">{t('catalog.category_delete')}</Button>
                  </Group>
                )}
              </Group>
              <Card withBorder><AttributesPanel category={selected} items={items} canManage={canManage} /></Card>
            </Stack>
          )}
        </Grid.Col>
      </Grid>
      <Modal opened={dialog !== null} onClose={() => setDialog(null)} title={dialogTitle} data-testid="category-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {dialog && <CategoryDialogBody dialog={dialog} items={items} onClose={() => setDialog(null)} />}
      </Modal>
    </Page>
  );
}
