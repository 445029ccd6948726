import { describe, it, expect, afterEach } from 'vitest';
import { createKavenegarProvider } from './kavenegar.js';
import { SmsDeliveryError } from './sms.provider.js';
import { startFakeServer, type FakeHandler } from './fake-server.test-support.js';

const API_KEY = '4F6A2B-test-key';
const TEMPLATE = 'chaharsu-otp';

/** Speaks Kavenegar's verify/lookup: key in the path, form body, HTTP status = return.status. */
const kavenegar: FakeHandler = (request) => {
  const match = /^\/v1\/([^/]+)\/verify\/lookup\.json$/.exec(request.url);
  if (!match) return { status: 404, body: { return: { status: 404, message: 'متد نامعتبر' }, entries: null } };
  if (decodeURIComponent(match[1] ?? '') !== API_KEY) return { status: 403, body: { return: { status: 403, message: 'کد شناسائی API-Key معتبر نمی‌باشد' }, entries: null } };
  const form = new URLSearchParams(request.body);
  if (!/^09\d{9}$/.test(form.get('receptor') ?? '')) return { status: 411, body: { return: { status: 411, message: 'گیرنده نامعتبر است' }, entries: null } };
  if (form.get('template') !== TEMPLATE) return { status: 424, body: { return: { status: 424, message: 'الگو یافت نشد' }, entries: null } };
  if (form.get('receptor') === '09120000418') return { status: 418, body: { return: { status: 418, message: 'اعتبار حساب شما کافی نیست' }, entries: null } };
  if (form.get('receptor') === '09120000000') return 'hang';
  return {
    status: 200,
    body: { return: { status: 200, message: 'تایید شد' }, entries: [{ messageid: 8792343, message: `code ${form.get('token')}`, status: 5, statustext: 'ارسال به مخابرات', sender: '10004346', receptor: form.get('receptor'), date: 1356619709, cost: 120 }] },
  };
};

let close: (() => Promise<void>) | null = null;
afterEach(async () => { await close?.(); close = null; });

async function provider(options: { api_key?: string; timeout_ms?: number; template?: string } = {}) {
  const fake = await startFakeServer(kavenegar);
  close = fake.close;
  return { fake, sms: createKavenegarProvider({ api_key: options.api_key ?? API_KEY, template: options.template ?? TEMPLATE, base_url: fake.base_url, timeout_ms: options.timeout_ms ?? 2000 }) };
}

async function failure(promise: Promise<unknown>): Promise<SmsDeliveryError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SmsDeliveryError);
  return error as SmsDeliveryError;
}

describe('Kavenegar verify/lookup', () => {
  it('sends the code with the template to the national number and returns the message id', async () => {
    const { fake, sms } = await provider();
    const result = await sms.send({ phone: '+989121234567', code: '483920' });
    expect(result.provider_message_id).toBe('8792343');
    const form = new URLSearchParams(fake.requests[0]?.body);
    expect(fake.requests[0]?.method).toBe('POST');
    expect(Object.fromEntries(form)).toEqual({ receptor: '09121234567', token: '483920', template: TEMPLATE });
  });

  it('maps a wrong API key to an auth failure without putting the key in the message', async () => {
    const { sms } = await provider({ api_key: 'wrong-key' });
    const error = await failure(sms.send({ phone: '+989121234567', code: '111111' }));
    expect(error.kind).toBe('auth');
    expect(error.provider_status).toBe(403);
    expect(error.message).not.toContain('wrong-key');
  });

  it('maps documented provider errors: 418 credit, 424 template', async () => {
    const { sms } = await provider();
    expect((await failure(sms.send({ phone: '+989120000418', code: '111111' }))).kind).toBe('insufficient_credit');
    const templateError = await failure(sms.send({ phone: '+989121234567', code: '111111', template: 'missing' }));
    expect([templateError.kind, templateError.provider_status]).toEqual(['template', 424]);
  });

  it('gives up after its timeout when the provider does not answer', async () => {
    const { sms } = await provider({ timeout_ms: 300 });
    const error = await failure(sms.send({ phone: '+989120000000', code: '111111' }));
    expect(error.kind).toBe('timeout');
  });

  it('reports an unreachable provider as a network failure', async () => {
    const sms = createKavenegarProvider({ api_key: API_KEY, template: TEMPLATE, base_url: 'http://127.0.0.1:1', timeout_ms: 2000 });
    const error = await failure(sms.send({ phone: '+989121234567', code: '111111' }));
    expect(error.kind).toBe('network');
    expect(error.message).not.toContain(API_KEY);
  });
});
