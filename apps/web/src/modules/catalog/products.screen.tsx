/** Products: search as you type (debounced, letter-form and digit insensitive on the server), filters, server paging, F2 new. */
import { useEffect, useMemo, useState } from 'react';
import { ActionIcon, Badge, Button, Group, Modal, SegmentedControl, Select, Text, TextInput, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconChevronLeft, IconChevronRight, IconPencil, IconPlus, IconSearch, IconTrash } from '@tabler/icons-react';
import type { ColumnDef } from '@tanstack/react-table';
import { Page } from '../../lib/page';
import { DataTable } from '../../lib/data-table';
import { useLocale } from '../../lib/i18n';
import { useNotifyError, useNotifySaved } from '../../lib/errors';
import { formatNumber } from '../../lib/format';
import { useShortcut } from '../../lib/shortcuts';
import { usePermissions } from '../../app/permissions';
import { CatalogPermission } from './permissions';
import { useCategories, useDeleteProduct, useProduct, useProductSearch, type ProductSummary } from './catalog.api';
import { categoryOptions, categoryPath } from './category-tree';
import { ProductFormBody } from './product-form';

const PAGE_SIZE = 25;
const SEARCH_DEBOUNCE_MS = 150;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** Loads the full product, then shows the form (a new product opens at once). */
function ProductDialog({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useLocale();
  const product = useProduct(id);
  if (id && !product.data) return <Text c="dimmed">{t(product.isError ? 'errors.catalog.product_not_found' : 'common.loading')}</Text>;
  return <ProductFormBody key={id ?? 'new'} product={product.data ?? null} onClose={onClose} />;
}

export default function ProductsScreen() {
  const { t, locale } = useLocale();
  const canManage = usePermissions().has(CatalogPermission.manage);
  const categories = useCategories().data?.items ?? [];
  const [search, setSearch] = useState('');
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [active, setActive] = useState<'all' | 'true' | 'false'>('all');
  const [offset, setOffset] = useState(0);
  const q = useDebounced(search, SEARCH_DEBOUNCE_MS);
  useEffect(() => setOffset(0), [q, categoryId, active]);
  const products = useProductSearch({ q, category_id: categoryId, active, limit: PAGE_SIZE, offset });
  const remove = useDeleteProduct();
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const [dialog, setDialog] = useState<{ id: string | null } | null>(null);
  useShortcut({ id: 'products.new', keys: ['F2', 'alt+n'], label_key: 'shortcuts.new', group_key: 'shortcuts.group_page', run: () => setDialog({ id: null }) }, canManage);
  useShortcut({ id: 'products.search', keys: ['F3'], label_key: 'shortcuts.page_search', group_key: 'shortcuts.group_page', run: () => document.querySelector<HTMLInputElement>('[data-testid="product-search"]')?.focus() });

  const confirmDelete = (p: ProductSummary) =>
    modals.openConfirmModal({
      title: t('catalog.product_delete_title'),
      children: <Text size="sm">{t('catalog.product_delete_text', { name: p.name })}</Text>,
      labels: { confirm: t('catalog.product_delete'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' },
      cancelProps: { 'data-testid': 'confirm-no' },
      onConfirm: () => remove.mutate(p.id, { onSuccess: () => notifySaved('catalog.product_deleted'), onError: notifyError }),
    });

  const columns = useMemo<ColumnDef<ProductSummary, unknown>[]>(() => [
    { id: 'code', header: () => t('catalog.code'), cell: ({ row }) => <Text dir="ltr" ff="monospace" size="sm">{row.original.code}</Text> },
    { id: 'name', header: () => t('catalog.name'), cell: ({ row }) => <Text fw={500}>{row.original.name}</Text> },
    { id: 'unit', header: () => t('catalog.unit'), cell: ({ row }) => row.original.unit },
    { id: 'category', header: () => t('catalog.category'), cell: ({ row }) => <Text size="sm">{categoryPath(categories, row.original.category_id) || '—'}</Text> },
    { id: 'active', header: () => t('catalog.status'), cell: ({ row }) => <Badge variant="dot" color={row.original.is_active ? 'teal' : 'gray'}>{t(row.original.is_active ? 'common.active' : 'common.inactive')}</Badge> },
    {
      id: 'actions', header: () => '', cell: ({ row }) => canManage && (
        <Group gap={4} wrap="nowrap">
          <Tooltip label={t('common.edit')}>
            <ActionIcon variant="subtle" onClick={() => setDialog({ id: row.original.id })} aria-label={t('common.edit')} data-testid="product-edit"><IconPencil size={18} /></ActionIcon>
          </Tooltip>
          <Tooltip label={t('catalog.product_delete')}>
            <ActionIcon variant="subtle" color="red" onClick={() => confirmDelete(row.original)} aria-label={t('catalog.product_delete')} data-testid="product-delete"><IconTrash size={18} /></ActionIcon>
          </Tooltip>
        </Group>
      ),
    },
  ], [t, canManage, categories]);

  const items = products.data?.items ?? [];
  const nextOffset = products.data?.next_offset ?? null;
  const page = Math.floor(offset / PAGE_SIZE) + 1;
  return (
    <Page
      titleKey="pages.catalog_products"
      testId="products-screen"
      actions={canManage && <Button leftSection={<IconPlus size={16} />} onClick={() => setDialog({ id: null })} data-testid="product-new">{t('catalog.product_new')}</Button>}
    >
      <Group align="flex-end" wrap="wrap">
        <TextInput leftSection={<IconSearch size={16} />} placeholder={t('catalog.search')} aria-label={t('catalog.search')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={320} data-testid="product-search" />
        <Select aria-label={t('catalog.category')} placeholder={t('catalog.all_categories')} data={categoryOptions(categories)} value={categoryId} onChange={setCategoryId} searchable clearable w={260} data-testid="product-filter-category" />
        <SegmentedControl value={active} onChange={(v) => setActive(v as typeof active)} data={[{ value: 'all', label: t('catalog.filter_all') }, { value: 'true', label: t('common.active') }, { value: 'false', label: t('common.inactive') }]} data-testid="product-filter-active" />
      </Group>
      <DataTable testId="products-table" data={items} columns={columns} getRowId={(p) => p.id} loading={products.isPending} onOpenRow={canManage ? (p) => setDialog({ id: p.id }) : undefined} />
      <Group justify="flex-end" gap="xs" data-testid="products-pager">
        <Tooltip label={t('catalog.page_previous')}>
          <ActionIcon variant="default" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))} aria-label={t('catalog.page_previous')} data-testid="products-prev">
            {locale === 'fa' || locale === 'ar' ? <IconChevronRight size={16} /> : <IconChevronLeft size={16} />}
          </ActionIcon>
        </Tooltip>
        <Text size="sm" c="dimmed">{t('catalog.page_number', { page: formatNumber(page, locale) })}</Text>
        <Tooltip label={t('catalog.page_next')}>
          <ActionIcon variant="default" disabled={nextOffset === null} onClick={() => nextOffset !== null && setOffset(nextOffset)} aria-label={t('catalog.page_next')} data-testid="products-next">
            {locale === 'fa' || locale === 'ar' ? <IconChevronLeft size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        </Tooltip>
      </Group>
      <Modal opened={dialog !== null} onClose={() => setDialog(null)} size="xl" title={t(dialog?.id ? 'catalog.product_edit' : 'catalog.product_new')} data-testid="product-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {dialog && <ProductDialog id={dialog.id} onClose={() => setDialog(null)} />}
      </Modal>
    </Page>
  );
}
