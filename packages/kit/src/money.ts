import { assert } from './errors.js';

/** Money is integer Rial. In JSON it travels as a number while it is a safe integer (it always is for Rial amounts we accept). */
export const MAX_AMOUNT_RIAL = 10n ** 15n;

export function rialFromDb(value: string | number | bigint): bigint {
  const amount = BigInt(value);
  return amount;
}

export function rialToJson(amount: bigint): number {
  assert(amount <= BigInt(Number.MAX_SAFE_INTEGER) && amount >= BigInt(Number.MIN_SAFE_INTEGER), 'amount exceeds safe integer range');
  return Number(amount);
}
