/** Small pieces the credit-sales screens share: amount input in the person's unit, date range, balance card, badges. */
import { useMemo, useRef } from 'react';
import { Badge, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { Money } from '../../lib/money';
import { useLocale } from '../../lib/i18n';
import { CalendarDateInput, parseLocalDate } from '../../lib/jalali-input';
import { usePreferences } from '../../app/preferences';
import { parseAmountToRial, dayEndIso, dayStartIso } from './amount';
import type { CreditRequestStatus, SellerDto } from './credit-sales.api';

/**
 * One submit at a time: a double click fires two events before React re-renders (so `isPending` is
 * still false for the second); this guard drops the second one. `done()` after the answer arrives.
 */
export function useSingleFlight(): { start: () => boolean; done: () => void } {
  const busy = useRef(false);
  return useMemo(() => ({
    start: () => {
      if (busy.current) return false;
      busy.current = true;
      return true;
    },
    done: () => { busy.current = false; },
  }), []);
}

/** The amount typed in the person's unit; `rial` is what goes to the server (null: not a valid amount). */
export function useAmountField(text: string): { rial: number | null; unitKey: string } {
  const unit = usePreferences().effective.money_unit;
  return { rial: parseAmountToRial(text, unit), unitKey: unit === 'toman' ? 'money.toman' : 'money.rial' };
}

export function AmountInput({ value, onChange, labelKey, testId, error }: { value: string; onChange: (value: string) => void; labelKey: string; testId: string; error?: string }) {
  const { t } = useLocale();
  const { rial, unitKey } = useAmountField(value);
  const invalid = value.trim() !== '' && rial === null;
  return (
    <TextInput
      label={`${t(labelKey)} (${t(unitKey)})`}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      inputMode="numeric"
      dir="ltr"
      required
      error={invalid ? t('credit_sales.amount_invalid') : error}
      description={rial !== null ? <Money rial={rial} /> : t('credit_sales.amount_hint')}
      data-testid={testId}
    />
  );
}

export interface RangeForm { from: string; to: string }
export const EMPTY_RANGE: RangeForm = { from: '', to: '' };

/** The typed days as ISO instants: the whole of the first and the last day. */
export function useRange(form: RangeForm): { from?: string; to?: string } {
  const { locale } = useLocale();
  return useMemo(() => {
    const jalali = locale === 'fa';
    return { from: dayStartIso(parseLocalDate(form.from, jalali)), to: dayEndIso(parseLocalDate(form.to, jalali)) };
  }, [form.from, form.to, locale]);
}

export function RangeInputs({ value, onChange, testPrefix }: { value: RangeForm; onChange: (value: RangeForm) => void; testPrefix: string }) {
  return (
    <>
      <CalendarDateInput labelKey="credit_sales.date_from" value={value.from} onChange={(from) => onChange({ ...value, from })} testId={`${testPrefix}-from`} />
      <CalendarDateInput labelKey="credit_sales.date_to" value={value.to} onChange={(to) => onChange({ ...value, to })} testId={`${testPrefix}-to`} />
    </>
  );
}

const REQUEST_COLORS: Record<CreditRequestStatus, string> = { pending: 'yellow', approved: 'teal', rejected: 'red' };

export function RequestStatusBadge({ status }: { status: CreditRequestStatus }) {
  const { t } = useLocale();
  return <Badge color={REQUEST_COLORS[status]} variant="light" data-testid="cs-request-status" data-status={status}>{t(`credit_sales.request_status.${status}`)}</Badge>;
}

export function SellerStatusBadge({ status }: { status: SellerDto['status'] }) {
  const { t } = useLocale();
  return <Badge color={status === 'active' ? 'teal' : 'gray'} variant="light">{t(`credit_sales.seller_status.${status}`)}</Badge>;
}

/** The seller's credit: what it may still sell. */
export function BalanceCard({ seller }: { seller: SellerDto }) {
  const { t } = useLocale();
  return (
    <Paper withBorder p="md" data-testid="cs-balance-card">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Text size="sm" c="dimmed">{t('credit_sales.balance')}</Text>
          <Text size="xl" fw={700} data-testid="cs-balance" data-rial={seller.balance_rial}><Money rial={seller.balance_rial} /></Text>
        </Stack>
        <Stack gap={4} align="flex-end">
          <Text fw={600}>{seller.name}</Text>
          <SellerStatusBadge status={seller.status} />
        </Stack>
      </Group>
    </Paper>
  );
}

/** A statement line's kind in words (`credit_sales.charge` → «فروش شارژ»). */
export function kindKey(kind: string): string {
  return `credit_sales.kinds.${kind.replace(/^credit_sales\./, '').replace(/[^a-z0-9_]/g, '_')}`;
}
