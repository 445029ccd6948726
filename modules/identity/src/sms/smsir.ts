/**
 * SMS.ir "verify" (template) sending: `POST {base}/v1/send/verify` with the `x-api-key` header and
 * `{ mobile, templateId, parameters: [{ name: 'CODE', value }] }`; the answer is
 * `{ status, message, data: { messageId, cost } }` where status 1 is success. The documented statuses
 * are mapped below; the HTTP status (401, 429, …) is used when the body has none.
 */
import { fetchWithTimeout, jsonBody, nationalMobile, SmsDeliveryError, type OtpMessage, type SmsFailureKind, type SmsProvider } from './sms.provider.js';

export interface SmsIrOptions {
  api_key: string;
  template_id: number;
  base_url: string;
  timeout_ms: number;
  /** The template's parameter name for the code (as defined in the SMS.ir panel). */
  code_parameter?: string;
}

const KIND_BY_STATUS: Record<number, SmsFailureKind> = {
  10: 'auth', // API key not valid
  11: 'auth', // API key disabled
  12: 'auth', // API key restricted to other IPs
  13: 'auth', // account disabled
  14: 'auth', // account suspended
  15: 'template', // plan does not allow the web service
  20: 'rate_limited', // too many requests
  102: 'insufficient_credit',
  104: 'invalid_recipient', // mobile number not valid
  115: 'invalid_recipient', // number on the blacklist
  113: 'template', // template not found
  114: 'template', // parameter value too long
  116: 'template', // a template parameter has no value
  119: 'template', // personalised templates need a higher plan
};

const KIND_BY_HTTP: Record<number, SmsFailureKind> = { 401: 'auth', 403: 'auth', 429: 'rate_limited' };

interface SmsIrAnswer {
  status?: unknown;
  message?: unknown;
  data?: { messageId?: unknown } | null;
}

export function createSmsIrProvider(options: SmsIrOptions): SmsProvider {
  const name = 'smsir';
  return {
    name,
    async send(otp: OtpMessage) {
      const templateId = otp.template === undefined ? options.template_id : Number(otp.template);
      const response = await fetchWithTimeout(name, `${options.base_url.replace(/\/+$/, '')}/v1/send/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': options.api_key },
        body: JSON.stringify({
          mobile: nationalMobile(otp.phone),
          templateId,
          parameters: [{ name: options.code_parameter ?? 'CODE', value: otp.code }],
        }),
      }, options.timeout_ms);
      const answer = (await jsonBody(response, options.timeout_ms)) as SmsIrAnswer | null;
      const status = typeof answer?.status === 'number' ? answer.status : null;
      const message = typeof answer?.message === 'string' ? answer.message : response.statusText;
      if (response.ok && status === 1) {
        const id = answer?.data?.messageId;
        return { provider_message_id: id === undefined || id === null ? null : String(id) };
      }
      const kind = (status !== null ? KIND_BY_STATUS[status] : undefined) ?? KIND_BY_HTTP[response.status] ?? 'provider';
      throw new SmsDeliveryError(name, kind, status ?? response.status, message || 'refused');
    },
  };
}
