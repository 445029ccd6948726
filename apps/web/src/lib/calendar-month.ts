/**
 * One month of the reader's calendar for the date picker: Jalali for Persian (weeks from Saturday), Gregorian
 * otherwise (weeks from Saturday in Arabic, Sunday in English, Monday in Uzbek). Pure, so it is tested in Node.
 */
import { addMonths as addJalaliMonths, format as formatJalali, getDaysInMonth as jalaliDaysInMonth, startOfMonth as startOfJalaliMonth } from 'date-fns-jalali';
import { faIR } from 'date-fns-jalali/locale';
import type { Locale } from '@chaharsu/i18n/messages';
import { formatNumber, intlLocale, localiseDigits } from './format';

/** Day of the week a week starts on (0 = Sunday … 6 = Saturday). */
const WEEK_START: Record<Locale, number> = { fa: 6, ar: 6, en: 0, uz: 1 };

export interface CalendarMonth {
  /** The month's first day (local midnight). */
  first: Date;
  /** "فروردین ۱۴۰۴", "April 2025". */
  label: string;
  /** Narrow weekday names in display order. */
  weekdays: string[];
  /** Weeks of seven cells; null before the first and after the last day. */
  weeks: Array<Array<Date | null>>;
}

export function usesJalali(locale: Locale): boolean {
  return locale === 'fa';
}

/** The first day of the month that holds `date`, in the reader's calendar. */
export function monthOf(date: Date, locale: Locale): Date {
  return usesJalali(locale) ? startOfJalaliMonth(date) : new Date(date.getFullYear(), date.getMonth(), 1);
}

/** The first day of the month `delta` months from the month starting on `first`. */
export function shiftMonth(first: Date, delta: number, locale: Locale): Date {
  return usesJalali(locale) ? startOfJalaliMonth(addJalaliMonths(first, delta)) : new Date(first.getFullYear(), first.getMonth() + delta, 1);
}

export function calendarMonth(first: Date, locale: Locale): CalendarMonth {
  const jalali = usesJalali(locale);
  const days = jalali ? jalaliDaysInMonth(first) : new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
  const start = WEEK_START[locale];
  const lead = (first.getDay() - start + 7) % 7;
  const cells: Array<Date | null> = Array.from({ length: lead }, () => null);
  for (let day = 0; day < days; day++) cells.push(new Date(first.getFullYear(), first.getMonth(), first.getDate() + day));
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: Array<Array<Date | null>> = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  const weekdayName = new Intl.DateTimeFormat(intlLocale(locale), { weekday: 'narrow' });
  // 2024-01-07 was a Sunday: day n of the week is 2024-01-(7 + n).
  const weekdays = Array.from({ length: 7 }, (_, i) => weekdayName.format(new Date(2024, 0, 7 + ((start + i) % 7))));
  const label = jalali
    ? localiseDigits(formatJalali(first, 'MMMM yyyy', { locale: faIR }), locale)
    : new Intl.DateTimeFormat(intlLocale(locale), { month: 'long', year: 'numeric' }).format(first);
  return { first, label, weekdays, weeks };
}

/** A picked day as the date field writes it: Jalali `۱۴۰۴/۰۱/۱۵` in Persian, ISO `2025-04-04` otherwise. */
export function dayText(date: Date, locale: Locale): string {
  if (usesJalali(locale)) return localiseDigits(formatJalali(date, 'yyyy/MM/dd'), locale);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The day's number in the reader's calendar and digits. */
export function dayNumber(date: Date, locale: Locale): string {
  return usesJalali(locale) ? localiseDigits(formatJalali(date, 'd'), locale) : formatNumber(date.getDate(), locale);
}
