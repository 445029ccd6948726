import { defineErrorCodes } from '@chaharsu/kit';

export const IdentityErrors = defineErrorCodes({
  'identity.phone_invalid': 422,
  'identity.otp_resend_too_soon': 429,
  'identity.otp_rate_limited': 429,
  'identity.otp_invalid': 400,
  'identity.otp_expired': 400,
  'identity.otp_too_many_attempts': 429,
  /** The SMS provider (and Telegram) could not deliver the code; the person may try again at once. */
  'identity.otp_delivery_failed': 424,
  'identity.credentials_invalid': 401,
  'identity.password_rate_limited': 429,
  'identity.account_disabled': 403,
  'identity.session_not_found': 404,
  'identity.user_not_found': 404,
  'identity.username_taken': 409,
  'identity.username_invalid': 422,
  'identity.password_too_weak': 422,
  'identity.api_key_not_found': 404,
  'identity.scope_invalid': 422,
});
