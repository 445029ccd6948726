/**
 * Amounts as people type them: in their money unit (Toman or Rial), with Persian or Latin digits and
 * any thousands separators; the server receives integer Rial. Toman → Rial is ×10 (exact).
 */
import { toLatinDigits, type MoneyUnit } from '../../lib/format';

/** `'۱۲٬۵۰۰'` in Toman → 125000 (Rial); null when it is not a whole positive amount. */
export function parseAmountToRial(input: string, unit: MoneyUnit): number | null {
  const digits = toLatinDigits(input).replace(/[\s,٬،_.]/g, '');
  if (!/^\d{1,15}$/.test(digits)) return null;
  const value = Number(digits) * (unit === 'toman' ? 10 : 1);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** A day typed in the reader's calendar → the ISO instants of its start and end (local time). */
export function dayStartIso(date: Date | null): string | undefined {
  return date ? new Date(date.getFullYear(), date.getMonth(), date.getDate()).toISOString() : undefined;
}
export function dayEndIso(date: Date | null): string | undefined {
  return date ? new Date(date.getFullYear(), date.getMonth(), date.getDate(), 23, 59, 59, 999).toISOString() : undefined;
}

/** A fresh idempotency key for one form opening: a retried submit of the same form moves nothing twice. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

export const RECEIPT_TYPES = ['image/png', 'image/jpeg', 'application/pdf'] as const;
export const MAX_RECEIPT_BYTES = 2 * 1024 * 1024;
