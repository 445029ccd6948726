/**
 * Iranian mobile numbers: normalisation (any of 09…, 9…, +989…, 00989…, 989…, Persian/Arabic digits,
 * spaces and dashes) to the national form `09xxxxxxxxx`, and the operator from the longest matching
 * prefix. Prefix assignments from the numbering plan as published (libphonenumber carrier data for +98
 * and the operators' own lists); a number whose prefix no operator holds is refused.
 */
import { toLatinDigits } from '@chaharsu/kit';

export const OPERATORS = ['mci', 'irancell', 'rightel', 'shatel', 'taliya', 'telekish', 'mtce'] as const;
export type Operator = (typeof OPERATORS)[number];

const PREFIXES: Array<[string, Operator]> = [
  ...['0910', '0911', '0912', '0913', '0914', '0915', '0916', '0917', '0918', '0919', '0990', '0991', '0992', '0993', '0994', '0996', '099902'].map((p) => [p, 'mci'] as [string, Operator]),
  ...['0900', '0901', '0902', '0903', '0904', '0905', '0930', '0933', '0935', '0936', '0937', '0938', '0939', '0941', '09991'].map((p) => [p, 'irancell'] as [string, Operator]),
  ...['0920', '0921', '0922', '0923', '099998', '099996', '099997', '099999'].map((p) => [p, 'rightel'] as [string, Operator]),
  ['09981', 'shatel'], ['09982', 'shatel'],
  ['0932', 'taliya'], ['0934', 'telekish'], ['0931', 'mtce'],
];
// Longest prefix first, so 099902 (MCI) wins over a shorter one.
PREFIXES.sort((a, b) => b[0].length - a[0].length);

/** `09xxxxxxxxx`, or null when the text is not an Iranian mobile number. */
export function normaliseMobile(input: string): string | null {
  if (input.length > 32) return null;
  const digits = toLatinDigits(input).replace(/[\s\-().]/g, '');
  const match = /^(?:\+98|0098|98|0)?(9\d{9})$/.exec(digits);
  return match ? `0${match[1]}` : null;
}

export function operatorOf(national: string): Operator | null {
  for (const [prefix, operator] of PREFIXES) if (national.startsWith(prefix)) return operator;
  return null;
}

/** Normalised number and its operator, or null: not a mobile number, or a prefix no operator holds. */
export function parseMobile(input: string): { phone: string; operator: Operator } | null {
  const phone = normaliseMobile(input);
  if (!phone) return null;
  const operator = operatorOf(phone);
  return operator ? { phone, operator } : null;
}
