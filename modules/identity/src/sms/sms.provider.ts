/** One interface for every SMS provider; which one is live is configuration (SMS_PROVIDER). */
export interface OtpMessage {
  /** E.164, +989xxxxxxxxx */
  phone: string;
  code: string;
  /** Provider template name/id, when it differs from the configured one. */
  template?: string;
}

export interface SmsProvider {
  readonly name: string;
  /** Delivers the code or throws SmsDeliveryError. Never logs the code or the provider credentials. */
  send(otp: OtpMessage): Promise<{ provider_message_id: string | null }>;
}

export type SmsFailureKind =
  | 'auth' // API key wrong, disabled, or calling IP not allowed
  | 'invalid_recipient'
  | 'insufficient_credit'
  | 'template' // template missing or not matching the parameters: configuration to fix in the provider's panel
  | 'rate_limited'
  | 'timeout'
  | 'network'
  | 'provider'; // any other refusal or a broken answer

export class SmsDeliveryError extends Error {
  constructor(
    readonly provider: string,
    readonly kind: SmsFailureKind,
    /** The provider's own status code, when it gave one. */
    readonly provider_status: number | null,
    message: string,
  ) {
    super(`${provider}: ${kind}${provider_status === null ? '' : ` (status ${provider_status})`}: ${message}`);
    this.name = 'SmsDeliveryError';
  }
}

/** Iranian providers take the national form 09xxxxxxxxx. */
export function nationalMobile(e164: string): string {
  return e164.startsWith('+98') ? `0${e164.slice(3)}` : e164;
}

/** fetch with a deadline; network failures and timeouts become SmsDeliveryError. */
export async function fetchWithTimeout(provider: string, url: string, init: RequestInit, timeout_ms: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeout_ms), redirect: 'error' });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') throw new SmsDeliveryError(provider, 'timeout', null, `no answer within ${timeout_ms} ms`);
    // The URL may carry the API key (Kavenegar puts it in the path): never include it in the message.
    throw new SmsDeliveryError(provider, 'network', null, 'could not reach the provider');
  }
}

/** The body as JSON, or null when it is not JSON (a proxy's HTML error page, an empty body). */
export async function jsonBody(response: Response, timeout_ms: number): Promise<unknown> {
  const text = await Promise.race([
    response.text(),
    new Promise<string>((_, reject) => setTimeout(() => reject(new Error('body timeout')), timeout_ms).unref()),
  ]).catch(() => '');
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}
