/** Warehouse employees (the people who move goods; not necessarily users): list, add, edit, enrol or erase their face. */
import { useMemo, useRef, useState } from 'react';
import { Badge, Button, Group, Modal, Stack, Switch, Text, TextInput } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFaceId, IconPlus } from '@tabler/icons-react';
import type { ColumnDef } from '@tanstack/react-table';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { fieldErrors, problemMessage, useNotifyError, useNotifySaved } from '../../lib/errors';
import { formatDate, formatNumber, toLatinDigits } from '../../lib/format';
import { DataTable } from '../../lib/data-table';
import { useShortcut } from '../../lib/shortcuts';
import { usePermissions } from '../../app/permissions';
import { FaceEnrol } from './face-enrol';
import { useEmployees, useRemoveFace, useSaveEmployee, type EmployeeDto } from './warehouse.api';
import { WarehousePermission } from './permissions';

function EmployeeForm({ employee, onClose }: { employee: EmployeeDto | null; onClose: () => void }) {
  const { t, locale } = useLocale();
  const [fullName, setFullName] = useState(employee?.full_name ?? '');
  const [code, setCode] = useState(employee?.personnel_code ?? '');
  const [phone, setPhone] = useState(employee?.phone ?? '');
  const [active, setActive] = useState(employee?.is_active ?? true);
  const saveEmployee = useSaveEmployee();
  const notifySaved = useNotifySaved();
  const errors = fieldErrors(saveEmployee.error, t);
  const submit = () => {
    if (!fullName.trim()) return;
    const base = { full_name: fullName.trim(), personnel_code: toLatinDigits(code).trim() || null, phone: toLatinDigits(phone).trim() || null };
    saveEmployee.mutate(
      { id: employee?.id ?? null, input: employee ? { ...base, is_active: active } : base },
      { onSuccess: () => { notifySaved(); onClose(); } },
    );
  };
  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <Stack>
        <TextInput label={t('warehouse.employee_name')} value={fullName} onChange={(e) => setFullName(e.currentTarget.value)} required data-autofocus error={errors.full_name} data-testid="employee-name" />
        <TextInput label={t('warehouse.personnel_code')} value={code} onChange={(e) => setCode(e.currentTarget.value)} dir="ltr" error={errors.personnel_code} data-testid="employee-code" />
        <TextInput label={t('warehouse.employee_phone')} value={phone} onChange={(e) => setPhone(e.currentTarget.value)} dir="ltr" inputMode="tel" error={errors.phone} data-testid="employee-phone" />
        {employee && <Switch label={t('common.active')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} data-testid="employee-active" />}
        {saveEmployee.error && !Object.keys(errors).length && <Text c="red" size="sm" data-testid="employee-error">{problemMessage(saveEmployee.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" loading={saveEmployee.isPending} disabled={!fullName.trim()} data-testid="employee-save">{t('common.save')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

export default function EmployeesScreen() {
  const { t, locale } = useLocale();
  const permissions = usePermissions();
  const canManage = permissions.has(WarehousePermission.employeesManage);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const [page, setPage] = useState({ pageIndex: 0, pageSize: 25 });
  const employees = useEmployees({ q: q.trim() || undefined, limit: page.pageSize, offset: page.pageIndex * page.pageSize });
  const [editing, setEditing] = useState<EmployeeDto | 'new' | null>(null);
  const [enrolling, setEnrolling] = useState<EmployeeDto | null>(null);
  const removeFace = useRemoveFace();
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const searchField = useRef<HTMLInputElement>(null);
  useShortcut({ id: 'warehouse.employees.new', keys: ['F2', 'alt+n'], label_key: 'shortcuts.new', group_key: 'shortcuts.group_page', run: () => setEditing('new') }, canManage);
  useShortcut({ id: 'warehouse.employees.search', keys: ['F3'], label_key: 'warehouse.shortcut_search', group_key: 'shortcuts.group_page', run: () => searchField.current?.focus() });

  const confirmRemoveFace = (employee: EmployeeDto) =>
    modals.openConfirmModal({
      title: t('warehouse.remove_face_title'),
      children: <Text size="sm">{t('warehouse.remove_face_text', { name: employee.full_name })}</Text>,
      labels: { confirm: t('warehouse.remove_face'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' },
      cancelProps: { 'data-testid': 'confirm-no' },
      onConfirm: () => removeFace.mutate(employee.id, { onSuccess: () => notifySaved('warehouse.face_removed'), onError: notifyError }),
    });

  const columns = useMemo<ColumnDef<EmployeeDto, unknown>[]>(() => [
    { id: 'name', header: t('warehouse.employee_name'), cell: ({ row }) => <Text size="sm" fw={500}>{row.original.full_name}</Text> },
    { id: 'code', header: t('warehouse.personnel_code'), cell: ({ row }) => <Text size="sm" dir="ltr" span>{row.original.personnel_code ?? ''}</Text> },
    { id: 'active', header: t('warehouse.status'), cell: ({ row }) => <Badge color={row.original.is_active ? 'teal' : 'gray'} variant="light">{t(row.original.is_active ? 'common.active' : 'common.inactive')}</Badge> },
    {
      id: 'face', header: t('warehouse.face'),
      cell: ({ row }) => row.original.face_enrolled
        ? <Badge color="teal" variant="light" data-testid="employee-face" data-enrolled="true">{t('warehouse.face_enrolled', { frames: formatNumber(row.original.face_frames ?? 0, locale), date: formatDate(row.original.face_enrolled_at, locale, 'date') })}</Badge>
        : <Badge color="orange" variant="light" data-testid="employee-face" data-enrolled="false">{t('warehouse.no_face')}</Badge>,
    },
    {
      id: 'actions', header: '',
      cell: ({ row }) => canManage && (
        <Group gap={4} wrap="nowrap" justify="flex-end">
          <Button size="xs" variant="subtle" onClick={() => setEditing(row.original)} data-testid="employee-edit">{t('common.edit')}</Button>
          <Button size="xs" variant="light" leftSection={<IconFaceId size={14} />} onClick={() => setEnrolling(row.original)} disabled={!row.original.is_active} data-testid="employee-enrol">
            {t(row.original.face_enrolled ? 'warehouse.re_enrol' : 'warehouse.enrol')}
          </Button>
          {row.original.face_enrolled && <Button size="xs" variant="subtle" color="red" onClick={() => confirmRemoveFace(row.original)} data-testid="employee-remove-face">{t('warehouse.remove_face')}</Button>}
        </Group>
      ),
    },
  ], [t, locale, canManage]); // confirmRemoveFace only opens a dialog with the current texts

  return (
    <Page
      titleKey="pages.warehouse_employees"
      descriptionKey="warehouse.employees_description"
      testId="warehouse-employees-screen"
      actions={canManage && <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')} data-testid="employee-new">{t('warehouse.employee_new')}</Button>}
    >
      <TextInput ref={searchField} placeholder={t('warehouse.employee_search')} value={search} onChange={(e) => { setSearch(e.currentTarget.value); setPage((p) => ({ ...p, pageIndex: 0 })); }} maw={360} data-testid="employee-search" />
      <DataTable
        data={employees.data?.items ?? []}
        columns={columns}
        getRowId={(e) => e.id}
        loading={employees.isLoading}
        onOpenRow={canManage ? (e) => setEditing(e) : undefined}
        paging={{ total: employees.data?.total ?? 0, state: page, onChange: setPage }}
        testId="employees-table"
      />
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={t(editing === 'new' ? 'warehouse.employee_new' : 'warehouse.employee_edit')} data-testid="employee-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {editing !== null && <EmployeeForm employee={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      </Modal>
      <Modal opened={enrolling !== null} onClose={() => setEnrolling(null)} size="lg" title={enrolling ? t('warehouse.enrol_title', { name: enrolling.full_name }) : ''} data-testid="enrol-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {enrolling && <FaceEnrol employee={enrolling} onDone={() => { notifySaved('warehouse.face_saved'); setEnrolling(null); }} onCancel={() => setEnrolling(null)} />}
      </Modal>
    </Page>
  );
}
