/**
 * The Arabic/Persian rule. Holoo keeps text in varchar columns under an Arabic collation (code
 * page 1256), with the Arabic letters ي/ك; Persian keyboards type ی/ک, which that code page cannot
 * hold. So: write Arabic forms and Latin digits, read back as Persian letters, compare normalised.
 */
import { normaliseForSearch, toArabicLetters, toLatinDigits, toPersianLetters } from '@chaharsu/kit';

/** The form Holoo stores: Arabic ي/ك, Latin digits, no surrounding spaces. */
export function toHolooText(input: string): string {
  return toArabicLetters(toLatinDigits(input.trim()));
}

/** The form shown to people: Persian ی/ک (trailing spaces of old char columns removed). */
export function fromHolooText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return toPersianLetters(String(value)).trimEnd();
}

/** The key two names are compared by (across branches, in searches). */
export function holooTextKey(value: string | null): string {
  return value === null ? '' : normaliseForSearch(value);
}
