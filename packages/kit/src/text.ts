/**
 * Persian/Arabic text normalisation shared by search, imports, phone numbers and the Holoo adapter.
 * Holoo (and many Arabic-locale systems) store ي/ك; Persian keyboards type ی/ک. Digits arrive in
 * three scripts. Compare and index the normalised form; store what the user typed.
 */
const persianDigits = '۰۱۲۳۴۵۶۷۸۹';
const arabicDigits = '٠١٢٣٤٥٦٧٨٩';

export function toLatinDigits(input: string): string {
  let out = '';
  for (const ch of input) {
    const p = persianDigits.indexOf(ch);
    if (p >= 0) { out += String(p); continue; }
    const a = arabicDigits.indexOf(ch);
    if (a >= 0) { out += String(a); continue; }
    out += ch;
  }
  return out;
}

export function toPersianDigits(input: string): string {
  return input.replace(/[0-9]/g, (d) => persianDigits[Number(d)] ?? d);
}

/** Arabic letter forms to their Persian equivalents (ي ى → ی, ك → ک, ة → ه, أ إ → ا), no digits touched. */
export function toPersianLetters(input: string): string {
  return input
    .replace(/[يى]/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/ة/g, 'ه')
    .replace(/[أإٱ]/g, 'ا')
    .replace(/ؤ/g, 'و');
}

/** Persian letter forms back to the Arabic code page forms Holoo stores (ی → ي, ک → ك). */
export function toArabicLetters(input: string): string {
  return input.replace(/ی/g, 'ي').replace(/ک/g, 'ك');
}

const zeroWidth = /\u200c|\u200d|[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const harakat = /[\u064b-\u065f\u0670]/g;
const tatweel = /\u0640/g;

/** The search key: Persian letters, Latin digits, no diacritics/ZWNJ/tatweel, lower case, single spaces. */
export function normaliseForSearch(input: string): string {
  return toLatinDigits(toPersianLetters(input))
    .replace(zeroWidth, ' ')
    .replace(harakat, '')
    .replace(tatweel, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
