/**
 * Formatting used everywhere on screen: digits in the reader's script, amounts (stored as integer Rial)
 * in Toman or Rial, dates in the Jalali calendar for Persian and the Gregorian one otherwise.
 */
import { format as formatJalali } from 'date-fns-jalali';
import type { Locale } from '@chaharsu/i18n/messages';

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';

/** Persian (۰-۹) and Arabic (٠-٩) digits to ASCII: every number a person types goes through this. */
export function toLatinDigits(input: string): string {
  return input.replace(/[۰-۹٠-٩]/g, (ch) => {
    const persian = PERSIAN_DIGITS.indexOf(ch);
    return String(persian >= 0 ? persian : ARABIC_DIGITS.indexOf(ch));
  });
}

/** ASCII digits in the script the language expects (Persian for fa, Arabic-Indic for ar, Latin otherwise). */
export function localiseDigits(input: string, locale: Locale): string {
  const digits = locale === 'fa' ? PERSIAN_DIGITS : locale === 'ar' ? ARABIC_DIGITS : null;
  return digits ? input.replace(/[0-9]/g, (d) => digits[Number(d)] ?? d) : input;
}

const INTL_LOCALE: Record<Locale, string> = { fa: 'fa-IR', en: 'en-US', ar: 'ar-IQ-u-nu-arab', uz: 'uz-Latn-UZ' };

export function intlLocale(locale: Locale): string {
  return INTL_LOCALE[locale];
}

const numberFormats = new Map<Locale, Intl.NumberFormat>();

export function formatNumber(value: number | bigint, locale: Locale): string {
  let formatter = numberFormats.get(locale);
  if (!formatter) {
    formatter = new Intl.NumberFormat(INTL_LOCALE[locale], { maximumFractionDigits: 0 });
    numberFormats.set(locale, formatter);
  }
  return formatter.format(value);
}

export type MoneyUnit = 'rial' | 'toman';

/**
 * The number part of an amount: Rial as is, Toman = Rial / 10 in integer arithmetic (an odd Rial
 * remainder shows as one decimal, never as a floating-point artefact).
 */
export function moneyNumber(amount_rial: number | bigint, unit: MoneyUnit, locale: Locale): string {
  const rial = BigInt(amount_rial);
  if (unit === 'rial') return formatNumber(rial, locale);
  const negative = rial < 0n;
  const absolute = negative ? -rial : rial;
  const whole = formatNumber(absolute / 10n, locale);
  const tenth = absolute % 10n;
  const decimalSeparator = new Intl.NumberFormat(INTL_LOCALE[locale]).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  const text = tenth === 0n ? whole : `${whole}${decimalSeparator}${localiseDigits(String(tenth), locale)}`;
  return negative ? `${minusOf(locale)}${text}` : text;
}

const minusSigns = new Map<Locale, string>();

/** The locale's minus as Intl writes it, with its direction mark (fa: LRM + U+2212, so it stays left of the digits in RTL text). */
function minusOf(locale: Locale): string {
  let sign = minusSigns.get(locale);
  if (sign === undefined) {
    const parts = new Intl.NumberFormat(INTL_LOCALE[locale]).formatToParts(-1);
    sign = parts.slice(0, parts.findIndex((p) => p.type === 'integer')).map((p) => p.value).join('');
    minusSigns.set(locale, sign);
  }
  return sign;
}

function toDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

export type DateStyle = 'date' | 'datetime' | 'time';

/** A moment in the reader's calendar: Jalali (yyyy/MM/dd) for Persian, the locale's Gregorian form otherwise. */
export function formatDate(value: string | Date | null | undefined, locale: Locale, style: DateStyle = 'datetime'): string {
  if (value === null || value === undefined || value === '') return '';
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return '';
  if (locale === 'fa') {
    const pattern = style === 'date' ? 'yyyy/MM/dd' : style === 'time' ? 'HH:mm' : 'yyyy/MM/dd HH:mm';
    return localiseDigits(formatJalali(date, pattern), locale);
  }
  // English reads "Mar 21, 2025"; Arabic and Uzbek read numeric dates more easily than ICU's abbreviated months.
  const day: Intl.DateTimeFormatOptions = locale === 'en' ? { dateStyle: 'medium' } : { year: 'numeric', month: '2-digit', day: '2-digit' };
  const time: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: locale === 'en' };
  const options: Intl.DateTimeFormatOptions =
    style === 'date' ? day : style === 'time' ? time : locale === 'en' ? { dateStyle: 'medium', timeStyle: 'short' } : { ...day, ...time };
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], options).format(date);
}

/** Iranian mobile number as a person types it → `09xxxxxxxxx` when it is one, else null (the server validates too). */
export function normaliseIranianMobile(input: string): string | null {
  let digits = toLatinDigits(input).replace(/[\s\-()]/g, '');
  if (digits.startsWith('+98')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('0098')) digits = `0${digits.slice(4)}`;
  else if (digits.startsWith('98') && digits.length === 12) digits = `0${digits.slice(2)}`;
  else if (digits.startsWith('9') && digits.length === 10) digits = `0${digits}`;
  return /^09\d{9}$/.test(digits) ? digits : null;
}

/**
 * `+989121234567` → `0912 123 4567` in the reader's digits (display only), isolated left-to-right
 * (U+2066…U+2069) so its groups keep their order inside right-to-left text.
 */
export function formatPhone(phone: string | null | undefined, locale: Locale): string {
  if (!phone) return '';
  const local = normaliseIranianMobile(phone);
  const text = local ? `${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}` : phone;
  return `\u2066${localiseDigits(text, locale)}\u2069`;
}
