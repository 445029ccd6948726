/**
 * Price levels as people type them: in their money unit (Toman or Rial), Persian, Arabic or Latin digits,
 * any thousands separators; the server stores integer Rial. Toman → Rial is ×10, exact. A price of zero is
 * allowed (free items); an empty box means "no price at this level".
 */
import { toLatinDigits, type MoneyUnit } from '../../lib/format';
import type { PriceLevelDto } from './catalog.api';

export const PRICE_LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

/** `'۱۲٬۵۰۰'` in Toman → 125000; `''` → null (no price); `undefined` when the text is not a whole amount. */
export function parsePriceToRial(input: string, unit: MoneyUnit): number | null | undefined {
  const digits = toLatinDigits(input).replace(/[\s,٬،_]/g, '');
  if (digits === '') return null;
  if (!/^\d{1,15}$/.test(digits)) return undefined;
  const value = Number(digits) * (unit === 'toman' ? 10 : 1);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Rial → the text in the person's unit for an input box (Latin digits; a Toman amount with an odd Rial keeps the Rial out). */
export function rialToInput(amount_rial: number, unit: MoneyUnit): string {
  return String(unit === 'toman' ? Math.floor(amount_rial / 10) : amount_rial);
}

/** The ten level boxes → the levels given, or the first level whose text is not an amount. */
export function pricesFromInputs(inputs: Record<number, string>, unit: MoneyUnit): { prices: PriceLevelDto[]; invalid_level: number | null } {
  const prices: PriceLevelDto[] = [];
  for (const level of PRICE_LEVELS) {
    const amount = parsePriceToRial(inputs[level] ?? '', unit);
    if (amount === undefined) return { prices, invalid_level: level };
    if (amount !== null) prices.push({ level, amount_rial: amount });
  }
  return { prices, invalid_level: null };
}

export function inputsFromPrices(prices: PriceLevelDto[], unit: MoneyUnit): Record<number, string> {
  return Object.fromEntries(prices.map((p) => [p.level, rialToInput(p.amount_rial, unit)]));
}

/** Barcodes typed one per line or separated by commas (Persian comma too), blanks dropped, duplicates once. */
export function parseBarcodes(text: string): string[] {
  return [...new Set(text.split(/[\n,،;]+/).map((b) => b.trim()).filter(Boolean))];
}

/** A quantity (minimum stock): Persian digits and the Persian decimal separator accepted; '' → null; undefined if invalid. */
export function parseQuantity(input: string): number | null | undefined {
  const text = toLatinDigits(input).replace(/[\s,٬]/g, '').replace('٫', '.');
  if (text === '') return null;
  if (!/^\d{1,10}(\.\d{1,3})?$/.test(text)) return undefined;
  return Number(text);
}
