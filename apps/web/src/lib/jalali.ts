/** Parsing dates typed in the Jalali calendar (`1404/01/15`, Persian or Latin digits). */
import { isValid, newDate, endOfDay, startOfDay, format } from 'date-fns-jalali';
import { toLatinDigits } from './format';

export function parseJalaliDate(input: string): Date | null {
  const match = /^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$/.exec(toLatinDigits(input.trim()));
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = newDate(year, month - 1, day);
  // newDate rolls 1403/12/31 over into the next month: reject days the month does not have.
  if (!isValid(date) || format(date, 'yyyy/M/d') !== `${year}/${month}/${day}`) return null;
  return date;
}

/** The first and last instants of a Jalali day, as ISO strings with offset (what the audit API filters by). */
export function jalaliDayStartIso(input: string): string | null {
  const date = parseJalaliDate(input);
  return date ? startOfDay(date).toISOString() : null;
}

export function jalaliDayEndIso(input: string): string | null {
  const date = parseJalaliDate(input);
  return date ? endOfDay(date).toISOString() : null;
}
