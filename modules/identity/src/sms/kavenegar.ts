/**
 * Kavenegar "verify/lookup": sends a pre-approved template with the code as `%token%`.
 * `POST {base}/v1/{API-KEY}/verify/lookup.json` (form-encoded receptor, token, template); the answer is
 * `{ return: { status, message }, entries: [{ messageid, status, … }] }`, and the HTTP status equals
 * `return.status` (200 on success). Statuses from Kavenegar's REST documentation are mapped below.
 */
import { fetchWithTimeout, jsonBody, nationalMobile, SmsDeliveryError, type OtpMessage, type SmsFailureKind, type SmsProvider } from './sms.provider.js';

export interface KavenegarOptions {
  api_key: string;
  template: string;
  base_url: string;
  timeout_ms: number;
}

const KIND_BY_STATUS: Record<number, SmsFailureKind> = {
  401: 'auth', // account disabled
  403: 'auth', // API key not valid
  407: 'auth', // access to this method denied
  416: 'auth', // calling IP does not match the account's allowed IPs
  411: 'invalid_recipient', // receptor is not valid
  418: 'insufficient_credit',
  424: 'template', // template not found or not approved
  426: 'template', // this method needs the advanced plan / template not allowed
  431: 'template', // code (token) structure not valid for the template
  432: 'template', // %token% parameter not found in the template text
  429: 'rate_limited',
  451: 'rate_limited', // too many calls from one IP
};

interface KavenegarAnswer {
  return?: { status?: unknown; message?: unknown };
  entries?: Array<{ messageid?: unknown }>;
}

export function createKavenegarProvider(options: KavenegarOptions): SmsProvider {
  const name = 'kavenegar';
  return {
    name,
    async send(otp: OtpMessage) {
      const url = `${options.base_url.replace(/\/+$/, '')}/v1/${encodeURIComponent(options.api_key)}/verify/lookup.json`;
      const body = new URLSearchParams({ receptor: nationalMobile(otp.phone), token: otp.code, template: otp.template ?? options.template });
      const response = await fetchWithTimeout(name, url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
      }, options.timeout_ms);
      const answer = (await jsonBody(response, options.timeout_ms)) as KavenegarAnswer | null;
      const status = typeof answer?.return?.status === 'number' ? answer.return.status : response.status;
      const message = typeof answer?.return?.message === 'string' ? answer.return.message : response.statusText;
      if (response.ok && status === 200) {
        const id = answer?.entries?.[0]?.messageid;
        return { provider_message_id: id === undefined || id === null ? null : String(id) };
      }
      throw new SmsDeliveryError(name, KIND_BY_STATUS[status] ?? 'provider', status, message || 'refused');
    },
  };
}
