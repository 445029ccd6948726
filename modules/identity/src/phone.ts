import { toLatinDigits } from '@chaharsu/kit';

/**
 * An Iranian mobile number in any form people type or systems send — `09121234567`, `9121234567`,
 * `+98 912 123 4567`, `0098-912-…`, `989121234567` (Telegram contacts), Persian or Arabic digits — as
 * E.164 `+989xxxxxxxxx`; null for anything else (landlines, other countries, wrong lengths).
 */
export function normaliseIranianMobile(input: string): string | null {
  if (typeof input !== 'string' || input.length > 40) return null;
  const compact = toLatinDigits(input).replace(/[\s\-().\u200c\u200e\u200f\u202a-\u202e]/g, '');
  let national: string;
  if (/^\+98\d+$/.test(compact)) national = compact.slice(3);
  else if (/^0098\d+$/.test(compact)) national = compact.slice(4);
  else if (/^98\d{10}$/.test(compact)) national = compact.slice(2);
  else if (/^0\d+$/.test(compact)) national = compact.slice(1);
  else if (/^\d+$/.test(compact)) national = compact;
  else return null;
  if (national.startsWith('0')) national = national.slice(1); // +98 0912… as some people type it
  return /^9\d{9}$/.test(national) ? `+98${national}` : null;
}

/** For logs: enough to follow one person's attempts, not enough to harvest numbers. */
export function maskPhone(phone: string): string {
  return phone.length > 7 ? `${phone.slice(0, 6)}***${phone.slice(-3)}` : '***';
}
