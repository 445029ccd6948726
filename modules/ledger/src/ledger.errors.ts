import { defineErrorCodes } from '@chaharsu/kit';

export const LedgerErrors = defineErrorCodes({
  /** The source account may not go negative and holds less than the amount. Nothing moved. */
  'ledger.insufficient_funds': 409,
  /** The idempotency key was already used for a different transfer. */
  'ledger.idempotency_key_reused': 422,
  'ledger.account_not_found': 404,
  /** Same account on both sides, or a non-positive amount. */
  'ledger.invalid_transfer': 422,
});
