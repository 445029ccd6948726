import { defineErrorCodes } from '@chaharsu/kit';

export const CreditSalesErrors = defineErrorCodes({
  'credit_sales.insufficient_credit': 409,
  'credit_sales.idempotency_key_reused': 422,
  'credit_sales.idempotency_key_invalid': 422,
  'credit_sales.invalid_phone': 422,
  'credit_sales.invalid_amount': 422,
  'credit_sales.seller_not_found': 404,
  'credit_sales.seller_suspended': 403,
  'credit_sales.seller_name_taken': 409,
  'credit_sales.not_a_seller_user': 403,
  'credit_sales.user_already_linked': 409,
  'credit_sales.request_not_found': 404,
  'credit_sales.request_already_decided': 409,
  'credit_sales.receipt_not_found': 404,
  'credit_sales.receipt_invalid': 422,
  'credit_sales.api_key_not_found': 404,
  'credit_sales.correction_would_go_negative': 409,
  /** The charge queue of this server is full: retry shortly with the same Idempotency-Key. */
  'credit_sales.busy': 429,
});
