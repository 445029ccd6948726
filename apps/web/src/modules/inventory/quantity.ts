/** Quantities (up to three decimals: grams of a kilogram) in the reader's digits, and typed ones back. */
import type { Locale } from '@chaharsu/i18n/messages';
import { intlLocale, toLatinDigits } from '../../lib/format';

export function formatQuantity(value: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 3 }).format(value);
}

/** A minimum typed by a person: Persian digits and decimal separator accepted; '' → null; undefined when invalid. */
export function parseMinimum(input: string): number | null | undefined {
  const text = toLatinDigits(input).replace(/[\s,٬]/g, '').replace('٫', '.');
  if (text === '') return null;
  if (!/^\d{1,10}(\.\d{1,3})?$/.test(text)) return undefined;
  return Number(text);
}
