/** Credit-increase requests: the form that files one (amount, note, optional receipt), and a request list. */
import { useMemo, useState } from 'react';
import { Anchor, Button, FileInput, Group, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import type { ColumnDef, PaginationState } from '@tanstack/react-table';
import { IconPaperclip } from '@tabler/icons-react';
import { DataTable } from '../../lib/data-table';
import { Money } from '../../lib/money';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatNumber } from '../../lib/format';
import { fieldErrors, problemMessage, useNotifySaved } from '../../lib/errors';
import { receiptUrl, useFileRequest, usePortalRequests, type CreditRequestDto, type CreditRequestStatus, type SellerScope } from './credit-sales.api';
import { AmountInput, RequestStatusBadge, useAmountField, useSingleFlight } from './common';
import { fileToBase64 } from '../../lib/file';
import { MAX_RECEIPT_BYTES, RECEIPT_TYPES } from './amount';

function receiptProblem(file: File | null): string | null {
  if (!file) return null;
  if (!(RECEIPT_TYPES as readonly string[]).includes(file.type)) return 'credit_sales.receipt_type';
  return file.size > MAX_RECEIPT_BYTES ? 'credit_sales.receipt_too_large' : null;
}

export function FileRequestForm({ scope, onDone }: { scope: SellerScope; onDone: () => void }) {
  const { t, locale } = useLocale();
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [receipt, setReceipt] = useState<File | null>(null);
  const [reading, setReading] = useState(false);
  const { rial } = useAmountField(amount);
  const file = useFileRequest(scope);
  const flight = useSingleFlight();
  const notifySaved = useNotifySaved();
  const errors = fieldErrors(file.error, t);
  const receiptError = receiptProblem(receipt);
  const submit = async () => {
    if (rial === null || receiptError || !flight.start()) return;
    setReading(true);
    try {
      const data_base64 = receipt ? await fileToBase64(receipt) : null;
      file.mutate(
        { amount_rial: rial, note: note.trim() || null, receipt: receipt && data_base64 ? { content_type: receipt.type as (typeof RECEIPT_TYPES)[number], data_base64 } : null },
        { onSuccess: () => { notifySaved('credit_sales.request_filed'); onDone(); }, onSettled: flight.done },
      );
    } catch {
      flight.done();
    } finally {
      setReading(false);
    }
  };
  return (
    <form onSubmit={(e) => { e.preventDefault(); void submit(); }} data-testid="cs-request-form">
      <Stack>
        <AmountInput labelKey="credit_sales.amount" value={amount} onChange={setAmount} testId="cs-request-amount" error={errors.amount_rial} />
        <Textarea label={t('credit_sales.note')} description={t('credit_sales.note_hint')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} autosize minRows={2} data-testid="cs-request-note" />
        <FileInput
          label={t('credit_sales.receipt')}
          description={t('credit_sales.receipt_hint', { size: formatNumber(2, locale) })}
          placeholder={t('credit_sales.receipt_pick')}
          accept={RECEIPT_TYPES.join(',')}
          value={receipt}
          onChange={setReceipt}
          clearable
          leftSection={<IconPaperclip size={16} />}
          error={receiptError ? t(receiptError) : undefined}
          data-testid="cs-request-receipt"
        />
        {file.error && <Text c="red" size="sm" data-testid="cs-request-error">{problemMessage(file.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>{t('common.cancel')}</Button>
          <Button type="submit" loading={file.isPending || reading} disabled={rial === null || Boolean(receiptError)} data-testid="cs-request-submit">{t('credit_sales.request_submit')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

type StatusFilter = 'all' | CreditRequestStatus;

/** The seller's own requests, newest first, with their status and the admin's answer. */
export function PortalRequestsList() {
  const { t, locale } = useLocale();
  const [status, setStatus] = useState<StatusFilter>('all');
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: 25 });
  const requests = usePortalRequests({ status: status === 'all' ? undefined : status, limit: pagination.pageSize, offset: pagination.pageIndex * pagination.pageSize });
  const columns = useMemo<ColumnDef<CreditRequestDto, unknown>[]>(() => [
    { id: 'created_at', header: () => t('credit_sales.when'), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDate(row.original.created_at, locale)}</Text> },
    { id: 'amount', header: () => t('credit_sales.amount'), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }} data-testid="cs-request-amount-cell"><Money rial={row.original.amount_rial} /></Text> },
    { id: 'status', header: () => t('credit_sales.status'), cell: ({ row }) => <RequestStatusBadge status={row.original.status} /> },
    { id: 'note', header: () => t('credit_sales.note'), cell: ({ row }) => <Text size="sm">{row.original.note ?? ''}</Text> },
    {
      id: 'decision', header: () => t('credit_sales.decision_note'),
      cell: ({ row }) => <Text size="sm" c="dimmed">{[row.original.decided_at ? formatDate(row.original.decided_at, locale) : null, row.original.decision_note].filter(Boolean).join(' · ')}</Text>,
    },
    {
      id: 'receipt', header: () => t('credit_sales.receipt'),
      cell: ({ row }) => (row.original.has_receipt ? <Anchor size="sm" href={receiptUrl(row.original.id, true)} target="_blank" rel="noopener">{t('credit_sales.receipt_open')}</Anchor> : null),
    },
  ], [t, locale]);
  return (
    <Stack data-testid="cs-requests">
      <SegmentedControl
        value={status}
        onChange={(v) => { setStatus(v as StatusFilter); setPagination((p) => ({ ...p, pageIndex: 0 })); }}
        data={(['all', 'pending', 'approved', 'rejected'] as const).map((s) => ({ value: s, label: t(`credit_sales.request_filter.${s}`) }))}
        w="fit-content"
        data-testid="cs-requests-filter"
      />
      {requests.error && <Text c="red">{problemMessage(requests.error, t, locale)}</Text>}
      <DataTable
        testId="cs-requests-table"
        data={requests.data?.items ?? []}
        columns={columns}
        getRowId={(r) => r.id}
        loading={requests.isFetching && !requests.data}
        paging={{ total: requests.data?.total ?? 0, state: pagination, onChange: setPagination }}
      />
    </Stack>
  );
}
