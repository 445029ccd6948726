/** A date typed in the reader's calendar (Jalali `1404/01/15` in Persian; ISO `2025-04-04` otherwise). */
import { TextInput } from '@mantine/core';
import { useLocale } from './i18n';
import { parseJalaliDate } from './jalali';
import { toLatinDigits } from './format';

export function parseLocalDate(input: string, jalali: boolean): Date | null {
  if (!input.trim()) return null;
  if (jalali) return parseJalaliDate(input);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(toLatinDigits(input.trim()));
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return date.getDate() === Number(match[3]) ? date : null;
}

export function CalendarDateInput({ labelKey, value, onChange, testId }: { labelKey: string; value: string; onChange: (value: string) => void; testId: string }) {
  const { t, locale } = useLocale();
  const jalali = locale === 'fa';
  const invalid = value.trim() !== '' && parseLocalDate(value, jalali) === null;
  return (
    <TextInput
      label={t(labelKey)}
      placeholder={t(jalali ? 'common.date_placeholder_jalali' : 'common.date_placeholder_iso')}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={invalid ? t('common.date_invalid') : undefined}
      dir="ltr"
      inputMode="numeric"
      data-testid={testId}
      w={170}
    />
  );
}
