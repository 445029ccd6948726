/**
 * The admins' queue of credit-increase requests: pending first (oldest first, as the server orders
 * them), then the decided ones. Approving or rejecting opens a dialog whose button stays disabled
 * while the answer is on its way (a double click sends one request; the server credits once anyway),
 * and the server's answer is shown: the decided request, or why it was refused (e.g. already decided).
 */
import { useMemo, useState } from 'react';
import { Alert, Anchor, Button, Group, Modal, SegmentedControl, SimpleGrid, Stack, Text, Textarea } from '@mantine/core';
import type { ColumnDef, PaginationState } from '@tanstack/react-table';
import { IconCheck, IconX } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { DataTable } from '../../lib/data-table';
import { Money } from '../../lib/money';
import { useLocale } from '../../lib/i18n';
import { formatDate } from '../../lib/format';
import { problemMessage } from '../../lib/errors';
import { usePermissions } from '../../app/permissions';
import { receiptUrl, useDecideRequest, useRequestsQueue, type CreditRequestDto, type CreditRequestStatus } from './credit-sales.api';
import { RequestStatusBadge, useSingleFlight } from './common';
import { CreditSalesPermission } from './permissions';

type Decision = 'approve' | 'reject';

function DecisionDialog({ request, decision, onClose }: { request: CreditRequestDto; decision: Decision; onClose: () => void }) {
  const { t, locale } = useLocale();
  const [note, setNote] = useState('');
  const decide = useDecideRequest();
  const flight = useSingleFlight();
  const needsReason = decision === 'reject';
  const answer = decide.data;
  const submit = () => {
    if (answer || (needsReason && note.trim().length === 0) || !flight.start()) return;
    decide.mutate({ id: request.id, decision, note: note.trim() || null }, { onSettled: flight.done });
  };
  return (
    <Stack data-testid="cs-decision-dialog" data-decision={decision}>
      <SimpleGrid cols={2} spacing="xs">
        <Text size="sm" c="dimmed">{t('credit_sales.seller')}</Text><Text size="sm" fw={600}>{request.seller_name}</Text>
        <Text size="sm" c="dimmed">{t('credit_sales.amount')}</Text><Text size="sm" fw={600}><Money rial={request.amount_rial} /></Text>
        <Text size="sm" c="dimmed">{t('credit_sales.when')}</Text><Text size="sm">{formatDate(request.created_at, locale)}</Text>
        {request.note && <><Text size="sm" c="dimmed">{t('credit_sales.note')}</Text><Text size="sm">{request.note}</Text></>}
      </SimpleGrid>
      {answer ? (
        <Alert color={answer.status === 'approved' ? 'teal' : 'orange'} data-testid="cs-decision-answer" data-status={answer.status}>
          {t(answer.status === 'approved' ? 'credit_sales.decision_approved' : 'credit_sales.decision_rejected')}
        </Alert>
      ) : (
        <Textarea
          label={t(needsReason ? 'credit_sales.reject_reason' : 'credit_sales.approve_note')}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          required={needsReason}
          maxLength={1000}
          autosize
          minRows={2}
          data-autofocus
          data-testid="cs-decision-note"
        />
      )}
      {decide.error && <Alert color="red" data-testid="cs-decision-error">{problemMessage(decide.error, t, locale)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} data-testid="cs-decision-close">{t(answer || decide.error ? 'common.close' : 'common.cancel')}</Button>
        {!answer && !decide.error && (
          <Button
            color={decision === 'approve' ? 'teal' : 'red'}
            loading={decide.isPending}
            disabled={decide.isPending || (needsReason && note.trim().length === 0)}
            onClick={submit}
            data-testid="cs-decision-confirm"
          >
            {t(decision === 'approve' ? 'credit_sales.approve' : 'credit_sales.reject')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

type StatusFilter = 'all' | CreditRequestStatus;

export function RequestsQueue({ seller_id }: { seller_id?: string }) {
  const { t, locale } = useLocale();
  const canReview = usePermissions().has(CreditSalesPermission.review);
  const [status, setStatus] = useState<StatusFilter>('pending');
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: 25 });
  const [open, setOpen] = useState<{ request: CreditRequestDto; decision: Decision } | null>(null);
  const queue = useRequestsQueue({ status: status === 'all' ? undefined : status, seller_id, limit: pagination.pageSize, offset: pagination.pageIndex * pagination.pageSize });
  const columns = useMemo<ColumnDef<CreditRequestDto, unknown>[]>(() => [
    { id: 'created_at', header: () => t('credit_sales.when'), cell: ({ row }) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatDate(row.original.created_at, locale)}</Text> },
    ...(seller_id ? [] : [{
      id: 'seller', header: () => t('credit_sales.seller'),
      cell: ({ row }: { row: { original: CreditRequestDto } }) => <Anchor component={Link} to={`/credit-sales/sellers/${row.original.seller_id}`} size="sm">{row.original.seller_name}</Anchor>,
    }]),
    { id: 'amount', header: () => t('credit_sales.amount'), cell: ({ row }) => <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}><Money rial={row.original.amount_rial} /></Text> },
    { id: 'status', header: () => t('credit_sales.status'), cell: ({ row }) => <RequestStatusBadge status={row.original.status} /> },
    { id: 'note', header: () => t('credit_sales.note'), cell: ({ row }) => <Text size="sm" lineClamp={2}>{row.original.note ?? ''}</Text> },
    {
      id: 'receipt', header: () => t('credit_sales.receipt'),
      cell: ({ row }) => (row.original.has_receipt ? <Anchor size="sm" href={receiptUrl(row.original.id, false)} target="_blank" rel="noopener" data-testid="cs-request-receipt-link">{t('credit_sales.receipt_open')}</Anchor> : null),
    },
    {
      id: 'actions', header: () => '',
      cell: ({ row }) => row.original.status === 'pending' && canReview ? (
        <Group gap={4} wrap="nowrap">
          <Button size="compact-sm" color="teal" variant="light" leftSection={<IconCheck size={14} />} onClick={() => setOpen({ request: row.original, decision: 'approve' })} data-testid="cs-request-approve">{t('credit_sales.approve')}</Button>
          <Button size="compact-sm" color="red" variant="light" leftSection={<IconX size={14} />} onClick={() => setOpen({ request: row.original, decision: 'reject' })} data-testid="cs-request-reject">{t('credit_sales.reject')}</Button>
        </Group>
      ) : (
        <Text size="xs" c="dimmed">{[row.original.decided_at ? formatDate(row.original.decided_at, locale) : null, row.original.decision_note].filter(Boolean).join(' · ')}</Text>
      ),
    },
  ], [t, locale, seller_id, canReview]);
  return (
    <Stack data-testid="cs-queue">
      <SegmentedControl
        value={status}
        onChange={(v) => { setStatus(v as StatusFilter); setPagination((p) => ({ ...p, pageIndex: 0 })); }}
        data={(['pending', 'approved', 'rejected', 'all'] as const).map((s) => ({ value: s, label: t(`credit_sales.request_filter.${s}`) }))}
        w="fit-content"
        data-testid="cs-queue-filter"
      />
      {queue.error && <Text c="red">{problemMessage(queue.error, t, locale)}</Text>}
      <DataTable
        testId="cs-queue-table"
        data={queue.data?.items ?? []}
        columns={columns}
        getRowId={(r) => r.id}
        loading={queue.isFetching && !queue.data}
        onOpenRow={(r) => r.status === 'pending' && canReview && setOpen({ request: r, decision: 'approve' })}
        paging={{ total: queue.data?.total ?? 0, state: pagination, onChange: setPagination }}
      />
      <Modal
        opened={open !== null}
        onClose={() => setOpen(null)}
        title={t(open?.decision === 'reject' ? 'credit_sales.reject_title' : 'credit_sales.approve_title')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {open && <DecisionDialog request={open.request} decision={open.decision} onClose={() => setOpen(null)} />}
      </Modal>
    </Stack>
  );
}
