/**
 * An admin correction of a seller's credit (increase or decrease, with a reason). The form makes an
 * idempotency key per content (same direction, amount and reason → same key), so a retried submit adds or
 * takes nothing twice while a changed form is a new correction; a decrease below zero
 * is refused by the server (credit_sales.correction_would_go_negative) and shown as it says.
 */
import { useRef, useState } from 'react';
import { Button, Group, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { Money } from '../../lib/money';
import { useLocale } from '../../lib/i18n';
import { fieldErrors, problemMessage, useNotifySaved } from '../../lib/errors';
import { useCreateCorrection, type SellerDto } from './credit-sales.api';
import { AmountInput, useAmountField, useSingleFlight } from './common';
import { newIdempotencyKey } from './amount';

export function CorrectionForm({ seller, onDone }: { seller: SellerDto; onDone: () => void }) {
  const { t, locale } = useLocale();
  const [direction, setDirection] = useState<'increase' | 'decrease'>('increase');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const keys = useRef(new Map<string, string>());
  const { rial } = useAmountField(amount);
  const correct = useCreateCorrection(seller.id);
  const flight = useSingleFlight();
  const notifySaved = useNotifySaved();
  const errors = fieldErrors(correct.error, t);
  const reasonOk = reason.trim().length >= 3;
  const submit = () => {
    if (rial === null || !reasonOk || !flight.start()) return;
    const body = { direction, amount_rial: rial, reason: reason.trim() };
    const content = JSON.stringify(body);
    const idempotency_key = keys.current.get(content) ?? newIdempotencyKey();
    keys.current.set(content, idempotency_key);
    correct.mutate({ ...body, idempotency_key }, { onSuccess: () => { notifySaved('credit_sales.correction_saved'); onDone(); }, onSettled: flight.done });
  };
  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }} data-testid="cs-correction-form">
      <Stack>
        <Text size="sm">{t('credit_sales.balance')}: <b><Money rial={seller.balance_rial} /></b></Text>
        <SegmentedControl
          value={direction}
          onChange={(v) => setDirection(v as 'increase' | 'decrease')}
          data={[{ value: 'increase', label: t('credit_sales.direction.increase') }, { value: 'decrease', label: t('credit_sales.direction.decrease') }]}
          color={direction === 'increase' ? 'teal' : 'red'}
          data-testid="cs-correction-direction"
        />
        <AmountInput labelKey="credit_sales.amount" value={amount} onChange={setAmount} testId="cs-correction-amount" error={errors.amount_rial} />
        <Textarea label={t('credit_sales.reason')} description={t('credit_sales.reason_hint')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required maxLength={1000} autosize minRows={2} error={errors.reason} data-testid="cs-correction-reason" />
        {correct.error && <Text c="red" size="sm" data-testid="cs-correction-error">{problemMessage(correct.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>{t('common.cancel')}</Button>
          <Button type="submit" color={direction === 'increase' ? 'teal' : 'red'} loading={correct.isPending} disabled={rial === null || !reasonOk} data-testid="cs-correction-submit">{t('credit_sales.correction_submit')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
