/**
 * The warehouse station (spec 05 W3–W8): scan → quantity and IN/OUT → the employee looks at the camera → the
 * movement is saved with the face confirmation token. Built for a USB scanner in keyboard mode: focus always
 * comes back to the scan field (or the quantity prompt of the scanned product), characters are rebuilt from the
 * physical keys so a Persian keyboard layout cannot garble codes, and a scan arriving while the quantity prompt
 * is open starts the next product (continuous scanning, no dialog to close). Sounds and colours tell the result.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Alert, Badge, Button, Grid, Group, Paper, SegmentedControl, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconArrowDownToArc, IconArrowUpFromArc, IconCamera, IconCheck, IconMaximize, IconX } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { problemMessage } from '../../lib/errors';
import { isProblem } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { useShortcut } from '../../lib/shortcuts';
import { usePermissions } from '../../app/permissions';
import { ScanBuffer, SCANNER_MAX_GAP_MS, normaliseScannedCode, parseQuantity, usLayoutChar } from './scanner';
import { beep, type Tone } from './feedback';
import { FaceCheck } from './face-check';
import { CameraScanner } from './camera-scan';
import { MovementTypeBadge, ProductName, formatQuantity, newKey } from './parts';
import {
  lookupCode, useEmployees, useHistory, useRecordMovement, useStockOf, useWarehouseOptions,
  type EmployeeDto, type FaceConfirmResult, type LookupResult,
} from './warehouse.api';
import { WarehousePermission } from './permissions';

type MoveType = 'in' | 'out';
interface Pending { key: string; code: string; found: LookupResult; quantity: string }
/** Kept as a key and raw values (or the error), so the message follows a change of language. */
interface Message { tone: 'ok' | 'error' | 'info'; key?: string; params?: Record<string, string>; quantities?: Record<string, number>; error?: unknown }

const STORE = { warehouse: 'chaharsu.station.warehouse', employee: 'chaharsu.station.employee', type: 'chaharsu.station.type' };
/** A token this close to expiry is not used: the save could arrive after it. */
const TOKEN_MARGIN_MS = 10_000;

function stored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}
function store(key: string, value: string | null): void {
  try {
    if (value) window.localStorage.setItem(key, value);
    else window.localStorage.removeItem(key);
  } catch {
    // private mode: the choice is simply not remembered
  }
}

/** Names inside a sentence of the other direction (a Persian product name in an Uzbek message) keep their own order. */
function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

function tokenValid(confirmation: FaceConfirmResult | null, employee_id: string | null): confirmation is FaceConfirmResult {
  return Boolean(confirmation && confirmation.employee_id === employee_id && Date.parse(confirmation.expires_at) - Date.now() > TOKEN_MARGIN_MS);
}

export default function StationScreen() {
  const { t, locale } = useLocale();
  const permissions = usePermissions();
  const warehouses = useWarehouseOptions();
  const employees = useEmployees({ active: true, limit: 500 });
  const record = useRecordMovement();

  const [warehouseId, setWarehouseId] = useState<string | null>(() => stored(STORE.warehouse));
  const [employeeId, setEmployeeId] = useState<string | null>(() => stored(STORE.employee));
  const [moveType, setMoveType] = useState<MoveType>(() => (stored(STORE.type) === 'in' ? 'in' : 'out'));
  const [scanText, setScanText] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [confirmation, setConfirmation] = useState<FaceConfirmResult | null>(null);
  const [faceOpen, setFaceOpen] = useState(false);
  const [cameraScan, setCameraScan] = useState(false);
  const [looking, setLooking] = useState(false);

  const scanField = useRef<HTMLInputElement>(null);
  const quantityField = useRef<HTMLInputElement>(null);
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  const lookupSeq = useRef(0);
  const quantityBurst = useRef({ buffer: new ScanBuffer(), lastAt: -Infinity, before: '' });

  const employee: EmployeeDto | null = employees.data?.items.find((e) => e.id === employeeId) ?? null;
  const stock = useStockOf(warehouseId, pending?.found.item_id ?? null);
  const recent = useHistory({ warehouse_id: warehouseId ?? undefined, limit: 10, offset: 0 }, 15_000);

  // The first warehouse (the default one) when none was chosen on this station yet.
  useEffect(() => {
    const options = warehouses.data;
    if (!options?.length) return;
    if (!warehouseId || !options.some((w) => w.id === warehouseId)) {
      const first = options.find((w) => w.is_default) ?? options[0];
      if (first) setWarehouseId(first.id);
    }
  }, [warehouses.data, warehouseId]);
  useEffect(() => store(STORE.warehouse, warehouseId), [warehouseId]);
  useEffect(() => store(STORE.employee, employeeId), [employeeId]);
  useEffect(() => store(STORE.type, moveType), [moveType]);

  const say = useCallback((message: Message, sound?: Tone) => {
    setMessage(message);
    if (sound) beep(sound);
  }, []);
  const messageText = (m: Message): string => {
    if (m.error !== undefined) return problemMessage(m.error, t, locale);
    const quantities = Object.fromEntries(Object.entries(m.quantities ?? {}).map(([k, v]) => [k, formatQuantity(v, locale)]));
    return t(m.key ?? 'errors.generic', { ...m.params, ...quantities });
  };

  const focusInput = useCallback(() => {
    const target = pendingRef.current ? quantityField.current : scanField.current;
    target?.focus();
    if (target === quantityField.current) target?.select();
  }, []);

  // Focus always returns to the scan field (or the quantity prompt): a click elsewhere, a closed menu, a saved movement.
  useEffect(() => {
    if (faceOpen) return;
    const timer = window.setInterval(() => {
      const active = document.activeElement;
      if (!active || active === document.body) focusInput();
    }, 400);
    return () => window.clearInterval(timer);
  }, [faceOpen, focusInput]);
  useEffect(() => {
    if (!faceOpen) focusInput();
  }, [pending?.key, faceOpen, focusInput]);

  const handleScan = useCallback(async (raw: string) => {
    const code = normaliseScannedCode(raw);
    setScanText('');
    if (!code) return;
    const seq = ++lookupSeq.current;
    setLooking(true);
    try {
      const found = await lookupCode(code);
      if (seq !== lookupSeq.current) return;
      const current = pendingRef.current;
      if (current && current.found.item_id === found.item_id) {
        // The same product scanned again: one more of it.
        const next = (parseQuantity(current.quantity) ?? 0) + 1;
        setPending({ ...current, quantity: String(next) });
      } else {
        setPending({ key: newKey(), code, found, quantity: '1' });
      }
      say({ tone: 'ok', key: 'warehouse.found', params: { name: isolate(found.variant ? `${found.product.name} — ${found.variant.name}` : found.product.name) } }, 'ok');
    } catch (error) {
      if (seq !== lookupSeq.current) return;
      say(isProblem(error, 'catalog.code_not_found') ? { tone: 'error', key: 'warehouse.unknown_code', params: { code: `\u2066${code}\u2069` } } : { tone: 'error', error }, 'error');
    } finally {
      if (seq === lookupSeq.current) setLooking(false);
    }
  }, [say]);

  const save = useCallback((token: string) => {
    const current = pendingRef.current;
    const quantity = current ? parseQuantity(current.quantity) : null;
    if (!current || quantity === null || !warehouseId || !employeeId) return;
    record.mutate(
      { type: moveType, item_id: current.found.item_id, quantity, warehouse_id: warehouseId, employee_id: employeeId, face_confirmation_token: token, idempotency_key: current.key },
      {
        onSuccess: (result) => {
          const movement = result.movements[0];
          setPending(null);
          say({
            tone: 'ok',
            key: moveType === 'in' ? 'warehouse.saved_in' : 'warehouse.saved_out',
            params: { unit: isolate(current.found.product.unit), name: isolate(current.found.product.name) },
            quantities: { quantity, after: movement?.quantity_after ?? 0 },
          }, 'saved');
        },
        onError: (error) => {
          if (isProblem(error) && /^warehouse\.face_confirmation_/.test(error.code)) setConfirmation(null);
          say({ tone: 'error', error }, 'error');
        },
      },
    );
  }, [employeeId, moveType, record, say, warehouseId]);

  const submit = useCallback(() => {
    if (!pendingRef.current || record.isPending) return;
    if (!warehouseId) return say({ tone: 'error', key: 'warehouse.choose_warehouse' }, 'error');
    if (!employee) return say({ tone: 'error', key: 'warehouse.choose_employee' }, 'error');
    if (!employee.face_enrolled) return say({ tone: 'error', key: 'errors.warehouse.face_not_enrolled' }, 'error');
    if (parseQuantity(pendingRef.current.quantity) === null) return say({ tone: 'error', key: 'warehouse.quantity_invalid' }, 'error');
    if (tokenValid(confirmation, employee.id)) return save(confirmation.confirmation_token);
    setFaceOpen(true);
  }, [confirmation, employee, record.isPending, save, say, warehouseId]);

  const onFaceConfirmed = useCallback((result: FaceConfirmResult) => {
    setConfirmation(result);
    setFaceOpen(false);
    beep('ok');
    save(result.confirmation_token);
  }, [save]);

  const cancelPending = useCallback(() => {
    setPending(null);
    setFaceOpen(false);
    setMessage(null);
    window.setTimeout(() => scanField.current?.focus(), 0);
  }, []);

  useShortcut({ id: 'warehouse.station.in', keys: ['F6'], label_key: 'warehouse.shortcut_in', group_key: 'shortcuts.group_page', run: () => setMoveType('in') });
  useShortcut({ id: 'warehouse.station.out', keys: ['F7'], label_key: 'warehouse.shortcut_out', group_key: 'shortcuts.group_page', run: () => setMoveType('out') });
  useShortcut({ id: 'warehouse.station.camera', keys: ['F8'], label_key: 'warehouse.shortcut_camera', group_key: 'shortcuts.group_page', run: () => setCameraScan((v) => !v) });
  useShortcut({ id: 'warehouse.station.cancel', keys: ['Escape'], label_key: 'warehouse.shortcut_cancel', group_key: 'shortcuts.group_page', in_fields: true, run: cancelPending }, Boolean(pending) && !faceOpen);

  /** The scan field types what a US layout would (the scanner's codes), whatever layout the OS has active. */
  const onScanKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.code === 'Enter' || event.code === 'NumpadEnter') {
      event.preventDefault();
      if (scanText.trim()) void handleScan(scanText);
      else if (pending) submit();
      return;
    }
    const char = usLayoutChar(event);
    if (char === null || event.nativeEvent.isComposing) return;
    event.preventDefault();
    setScanText((text) => text + char);
  };

  /** In the quantity prompt: Enter saves; a scanner burst ending in Enter is the next product (the prompt's value is restored). */
  const onQuantityKey = (event: KeyboardEvent<HTMLInputElement>) => {
    const burst = quantityBurst.current;
    const now = performance.now();
    if (now - burst.lastAt > SCANNER_MAX_GAP_MS) burst.before = pending?.quantity ?? '';
    burst.lastAt = now;
    const scanned = burst.buffer.feed(event, now);
    if (scanned) {
      event.preventDefault();
      setPending((p) => (p ? { ...p, quantity: burst.before } : p));
      void handleScan(scanned);
      return;
    }
    if (event.key === 'Enter') {
      event.preventDefault();
      submit();
    }
  };

  const quantityValue = pending ? parseQuantity(pending.quantity) : null;
  const stockHere = stock.data?.items[0]?.quantity ?? (stock.data ? 0 : null);
  const outBeyondStock = moveType === 'out' && quantityValue !== null && stockHere !== null && quantityValue > stockHere;
  const canMove = permissions.has(WarehousePermission.move);
  const tokenOk = tokenValid(confirmation, employeeId);

  const fullScreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen?.().catch(() => undefined);
  };

  return (
    <Page
      titleKey="pages.warehouse_station"
      descriptionKey="warehouse.station_description"
      testId="warehouse-station-screen"
      actions={
        <>
          <Button variant="light" leftSection={<IconCamera size={16} />} onClick={() => setCameraScan((v) => !v)} data-testid="station-camera-scan">{t('warehouse.camera_scan')}</Button>
          <Button variant="default" leftSection={<IconMaximize size={16} />} onClick={fullScreen} data-testid="station-fullscreen">{t('warehouse.full_screen')}</Button>
        </>
      }
    >
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <TextInput
              ref={scanField}
              size="xl"
              label={t('warehouse.scan_label')}
              placeholder={t('warehouse.scan_placeholder')}
              value={scanText}
              onChange={(e) => setScanText(e.currentTarget.value)}
              onKeyDown={onScanKey}
              onPaste={(e) => { e.preventDefault(); setScanText(normaliseScannedCode(e.clipboardData.getData('text'))); }}
              autoComplete="off"
              spellCheck={false}
              dir="ltr"
              disabled={!canMove}
              rightSection={looking ? <Text size="xs" c="dimmed">…</Text> : null}
              data-testid="station-scan"
            />
            {cameraScan && <CameraScanner onCode={(code) => void handleScan(code)} onClose={() => setCameraScan(false)} />}
            {message && (
              <Alert
                color={message.tone === 'ok' ? 'teal' : message.tone === 'error' ? 'red' : 'blue'}
                icon={message.tone === 'error' ? <IconX size={20} /> : <IconCheck size={20} />}
                data-testid="station-message"
                data-tone={message.tone}
                role="status"
                aria-live="assertive"
              >
                <Text fw={600} size="lg">{messageText(message)}</Text>
              </Alert>
            )}
            {pending && (
              <Paper withBorder p="md" radius="md" data-testid="station-pending" data-item-id={pending.found.item_id}>
                <Stack gap="sm">
                  <Group justify="space-between" align="flex-start" wrap="nowrap">
                    <div>
                      <Title order={3} data-testid="station-product-name"><bdi>{pending.found.product.name}{pending.found.variant ? ` — ${pending.found.variant.name}` : ''}</bdi></Title>
                      <Text c="dimmed" size="sm" dir="ltr" ta="start">{`\u2066${pending.found.variant?.sku ?? pending.found.product.code}\u2069 · \u2066${pending.code}\u2069`}</Text>
                    </div>
                    <Badge size="lg" variant="light" color={stockHere !== null && stockHere <= 0 ? 'red' : 'gray'} data-testid="station-stock">
                      {t('warehouse.stock_here', { quantity: stockHere === null ? '…' : formatQuantity(stockHere, locale), unit: pending.found.product.unit })}
                    </Badge>
                  </Group>
                  <Group align="flex-end" wrap="wrap">
                    <TextInput
                      ref={quantityField}
                      size="lg"
                      w={160}
                      label={t('warehouse.quantity', { unit: pending.found.product.unit })}
                      value={pending.quantity}
                      onChange={(e) => { const value = e.currentTarget.value; setPending((p) => (p ? { ...p, quantity: value } : p)); }}
                      onKeyDown={onQuantityKey}
                      inputMode="decimal"
                      autoComplete="off"
                      error={pending.quantity.trim() && quantityValue === null ? t('warehouse.quantity_invalid') : undefined}
                      data-testid="station-quantity"
                    />
                    <SegmentedControl
                      size="lg"
                      value={moveType}
                      onChange={(value) => setMoveType(value === 'in' ? 'in' : 'out')}
                      color={moveType === 'in' ? 'teal' : 'orange'}
                      data={[
                        { value: 'in', label: <Group gap={6} wrap="nowrap"><IconArrowDownToArc size={18} />{t('warehouse.type.in')}</Group> },
                        { value: 'out', label: <Group gap={6} wrap="nowrap"><IconArrowUpFromArc size={18} />{t('warehouse.type.out')}</Group> },
                      ]}
                      data-testid="station-type"
                    />
                    <Button size="lg" onClick={submit} loading={record.isPending} disabled={faceOpen} color={moveType === 'in' ? 'teal' : 'orange'} data-testid="station-confirm">
                      {t(tokenOk ? 'warehouse.confirm_save' : 'warehouse.confirm_face')}
                    </Button>
                    <Button size="lg" variant="default" onClick={cancelPending} data-testid="station-cancel">{t('common.cancel')}</Button>
                  </Group>
                  {outBeyondStock && <Text c="red" size="sm" data-testid="station-stock-warning">{t('warehouse.out_beyond_stock')}</Text>}
                  <Text size="xs" c="dimmed">{t('warehouse.keys_hint')}</Text>
                </Stack>
              </Paper>
            )}
            {faceOpen && employee && (
              <Paper withBorder p="md" radius="md">
                <FaceCheck employee={employee} onConfirmed={onFaceConfirmed} onCancel={() => { setFaceOpen(false); say({ tone: 'info', key: 'warehouse.face_cancelled' }); }} />
              </Paper>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <Paper withBorder p="md" radius="md">
              <Stack gap="sm">
                <Select
                  label={t('warehouse.warehouse')}
                  data={(warehouses.data ?? []).map((w) => ({ value: w.id, label: `${w.name} · ${w.branch_name}` }))}
                  value={warehouseId}
                  onChange={setWarehouseId}
                  allowDeselect={false}
                  error={warehouses.isError ? problemMessage(warehouses.error, t, locale) : undefined}
                  data-testid="station-warehouse"
                />
                <Select
                  label={t('warehouse.employee')}
                  placeholder={t('warehouse.employee_placeholder')}
                  searchable
                  data={(employees.data?.items ?? []).map((e) => ({
                    value: e.id,
                    label: `${e.full_name}${e.personnel_code ? ` (${e.personnel_code})` : ''}${e.face_enrolled ? '' : ` — ${t('warehouse.no_face')}`}`,
                    disabled: !e.face_enrolled,
                  }))}
                  value={employeeId}
                  onChange={(value) => { setEmployeeId(value); setFaceOpen(false); }}
                  nothingFoundMessage={t('common.empty')}
                  data-testid="station-employee"
                />
                <Group gap="xs" data-testid="station-face-token" data-valid={tokenOk ? 'true' : 'false'}>
                  <Badge color={tokenOk ? 'teal' : 'gray'} variant="light">
                    {tokenOk && confirmation ? t('warehouse.face_valid_until', { time: formatDate(confirmation.expires_at, locale, 'time') }) : t('warehouse.face_needed')}
                  </Badge>
                  {tokenOk && <Button size="compact-xs" variant="subtle" onClick={() => setConfirmation(null)} data-testid="station-face-forget">{t('warehouse.face_forget')}</Button>}
                </Group>
              </Stack>
            </Paper>
            <Paper withBorder p="md" radius="md">
              <Text fw={600} mb="xs">{t('warehouse.recent')}</Text>
              <Table verticalSpacing={4} data-testid="station-movements">
                <Table.Tbody>
                  {(recent.data?.items ?? []).map((m) => (
                    <Table.Tr key={m.id} data-testid="station-movement-row" data-row-id={m.id} data-type={m.type}>
                      <Table.Td><Text size="xs" c="dimmed">{formatDate(m.created_at, locale, 'time')}</Text></Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}><MovementTypeBadge type={m.type} /></Table.Td>
                      <Table.Td><ProductName id={m.product_id} /></Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}><Text size="sm" fw={600}>{formatQuantity(m.quantity_delta, locale, true)}</Text></Table.Td>
                      <Table.Td><Text size="xs">{m.employee_name ?? ''}</Text></Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {recent.data?.items.length === 0 && <Text c="dimmed" size="sm" ta="center">{t('common.empty')}</Text>}
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
    </Page>
  );
}
