import { toLatinDigits, toPersianLetters } from '@chaharsu/kit';

// Control characters (scanner prefixes/suffixes, CR/LF/Tab) and invisible direction marks.
// eslint-disable-next-line no-control-regex
const invisible = /[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * The comparable form of a product code, SKU or scanned barcode/QR value: Latin digits, Persian letter
 * forms, no control or invisible characters (scanners add prefixes/suffixes), trimmed, upper case
 * (a scanner typing with Caps Lock on must still match).
 */
export function normaliseCode(input: string): string {
  return toPersianLetters(toLatinDigits(input)).replace(invisible, '').trim().toUpperCase();
}
