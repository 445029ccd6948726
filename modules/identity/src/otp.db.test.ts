import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'kysely';
import { createHarness, errorOf, testIdentityConfig, type Harness } from './testing/harness.js';
import { SmsDeliveryError } from './sms/sms.provider.js';

let h: Harness;
let phoneCounter = 0;
/** A fresh number per test, so tests do not share limits. */
function nextPhone(): string {
  phoneCounter += 1;
  return `+98912${String(1000000 + phoneCounter).slice(-7)}`;
}
function nextIp(): string {
  return `10.1.${Math.floor(phoneCounter / 200)}.${(phoneCounter % 200) + 1}`;
}
/** Moves a number's codes into the past (as if the time had passed). */
async function age(phone: string, seconds: number): Promise<void> {
  await sql`update identity.otp_challenges set created_at = created_at - make_interval(secs => ${seconds}), expires_at = expires_at - make_interval(secs => ${seconds}) where phone = ${phone}`.execute(h.owner);
}

beforeAll(async () => { h = await createHarness(testIdentityConfig({ per_number_per_hour: 3, per_ip_per_hour: 1000 })); });
afterAll(async () => { await h.close(); });

describe('requesting a code', () => {
  it('normalises the number, sends a 6-digit code by SMS and stores only its hash', async () => {
    const result = await h.module.services.otp.request(h.request(), { phone: '۰۹۱۲ ۰۰۰ ۱۱۱۱', channel: 'sms' });
    expect(result).toEqual({ channel: 'sms', expires_in_seconds: 120, resend_in_seconds: 60 });
    const code = h.sms.lastCodeFor('+989120001111');
    expect(code).toMatch(/^\d{6}$/);
    const rows = await sql<{ code_hash: string; expires_in: number }>`select code_hash, extract(epoch from expires_at - created_at)::int as expires_in from identity.otp_challenges where phone = '+989120001111'`.execute(h.owner);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]?.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.rows[0]?.code_hash).not.toContain(code);
    expect(rows.rows[0]?.expires_in).toBe(120);
  });

  it('refuses numbers that are not Iranian mobiles', async () => {
    expect((await errorOf(h.module.services.otp.request(h.request(), { phone: '02112345678', channel: 'sms' }))).code).toBe('identity.phone_invalid');
  });

  it('makes the person wait 60 s before another code, and says how long', async () => {
    const phone = nextPhone();
    await h.module.services.otp.request(h.request(nextIp()), { phone, channel: 'sms' });
    const refused = await errorOf(h.module.services.otp.request(h.request(nextIp()), { phone, channel: 'sms' }));
    expect(refused.code).toBe('identity.otp_resend_too_soon');
    expect(refused.params.retry_after_seconds).toBeGreaterThanOrEqual(59);
    expect(refused.params.retry_after_seconds).toBeLessThanOrEqual(60);
    await age(phone, 45);
    expect((await errorOf(h.module.services.otp.request(h.request(nextIp()), { phone, channel: 'sms' }))).params.retry_after_seconds).toBeLessThanOrEqual(15);
    await age(phone, 16);
    expect((await errorOf(h.module.services.otp.request(h.request(nextIp()), { phone, channel: 'sms' }))).code).toBe('resolved');
  });

  it('a new code replaces the previous one', async () => {
    const phone = nextPhone();
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    const first = h.sms.lastCodeFor(phone);
    await age(phone, 61);
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    const second = h.sms.lastCodeFor(phone);
    if (first !== second) expect((await errorOf(h.module.services.otp.verify(h.request(), { phone, code: first }))).code).toBe('identity.otp_invalid');
    expect((await errorOf(h.module.services.otp.verify(h.request(), { phone, code: second }))).code).toBe('resolved');
  });

  it('limits codes per number per hour', async () => {
    const phone = nextPhone();
    for (let i = 0; i < 3; i++) {
      expect((await errorOf(h.module.services.otp.request(h.request(nextIp()), { phone, channel: 'sms' }))).code).toBe('resolved');
      await age(phone, 61);
    }
    expect((await errorOf(h.module.services.otp.request(h.request(nextIp()), { phone, channel: 'sms' }))).code).toBe('identity.otp_rate_limited');
    await age(phone, 3600);
    expect((await errorOf(h.module.services.otp.request(h.request(nextIp()), { phone, channel: 'sms' }))).code).toBe('resolved');
  });

  it('limits codes per IP per hour, across numbers', async () => {
    const local = await createHarness(testIdentityConfig({ per_ip_per_hour: 2 }));
    try {
      const ip = '192.0.2.7';
      expect((await errorOf(local.module.services.otp.request(local.request(ip), { phone: '+989130000001', channel: 'sms' }))).code).toBe('resolved');
      expect((await errorOf(local.module.services.otp.request(local.request(ip), { phone: '+989130000002', channel: 'sms' }))).code).toBe('resolved');
      expect((await errorOf(local.module.services.otp.request(local.request(ip), { phone: '+989130000003', channel: 'sms' }))).code).toBe('identity.otp_rate_limited');
      expect((await errorOf(local.module.services.otp.request(local.request('192.0.2.8'), { phone: '+989130000003', channel: 'sms' }))).code).toBe('resolved');
    } finally {
      await local.close();
    }
  });

  it('answers the same whether or not the number has an account, and for Telegram without a link', async () => {
    const known = nextPhone();
    const unknown = nextPhone();
    await h.tx((ctx) => h.module.api.findOrCreateUserByPhone(ctx, known));
    const a = await h.module.services.otp.request(h.request(nextIp()), { phone: known, channel: 'sms' });
    const b = await h.module.services.otp.request(h.request(nextIp()), { phone: unknown, channel: 'sms' });
    expect(a).toEqual(b);
    await age(known, 61);
    await age(unknown, 61);
    const c = await h.module.services.otp.request(h.request(nextIp()), { phone: known, channel: 'telegram' });
    const d = await h.module.services.otp.request(h.request(nextIp()), { phone: unknown, channel: 'telegram' });
    expect(c).toEqual(d);
    expect(c.channel).toBe('telegram');
    // Neither has Telegram linked: both codes went by SMS.
    expect(h.sms.sent.filter((m) => m.phone === known)).toHaveLength(2);
    expect(h.sms.sent.filter((m) => m.phone === unknown)).toHaveLength(2);
  });

  it('reports a provider failure, records it, and lets the person retry at once', async () => {
    const phone = nextPhone();
    h.sms.fail_next = new SmsDeliveryError('recording', 'insufficient_credit', 418, 'no credit');
    expect((await errorOf(h.module.services.otp.request(h.request(), { phone, channel: 'sms' }))).code).toBe('identity.otp_delivery_failed');
    const events = await sql<{ kind: string; detail: { kind?: string } }>`select kind, detail from identity.auth_events where phone = ${phone}`.execute(h.owner);
    expect(events.rows.map((e) => e.kind)).toEqual(['otp_delivery_failed']);
    expect(events.rows[0]?.detail.kind).toBe('insufficient_credit');
    expect((await errorOf(h.module.services.otp.request(h.request(), { phone, channel: 'sms' }))).code).toBe('resolved');
  });
});

describe('verifying a code', () => {
  it('signs in, creating the account on first sign-in and reusing it after', async () => {
    const phone = nextPhone();
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    const first = await h.module.services.otp.verify(h.request(), { phone: phone.replace('+98', '0'), code: h.sms.lastCodeFor(phone) });
    expect(first.user.phone).toBe(phone);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await age(phone, 61);
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    const second = await h.module.services.otp.verify(h.request(), { phone, code: h.sms.lastCodeFor(phone) });
    expect(second.user.id).toBe(first.user.id);
    expect(second.session_id).not.toBe(first.session_id);
    const audit = await sql<{ action: string }>`select action from audit.audit_log where entity_id in (${first.user.id}, ${first.session_id}, ${second.session_id}) order by created_at`.execute(h.su);
    expect(audit.rows.map((r) => r.action)).toEqual(['identity.user.created', 'identity.signed_in', 'identity.signed_in']);
  });

  it('accepts Persian digits in the code', async () => {
    const phone = nextPhone();
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    const persian = h.sms.lastCodeFor(phone).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)] ?? d);
    expect((await errorOf(h.module.services.otp.verify(h.request(), { phone, code: persian }))).code).toBe('resolved');
  });

  it('a code works once', async () => {
    const phone = nextPhone();
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    const code = h.sms.lastCodeFor(phone);
    await h.module.services.otp.verify(h.request(), { phone, code });
    expect((await errorOf(h.module.services.otp.verify(h.request(), { phone, code }))).code).toBe('identity.otp_expired');
  });

  it('a code is dead after 2 minutes', async () => {
    const phone = nextPhone();
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    await age(phone, 121);
    expect((await errorOf(h.module.services.otp.verify(h.request(), { phone, code: h.sms.lastCodeFor(phone) }))).code).toBe('identity.otp_expired');
  });

  it('allows 5 wrong tries, counting down, then the code is dead even for the right code', async () => {
    const phone = nextPhone();
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    const code = h.sms.lastCodeFor(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    const left: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const error = await errorOf(h.module.services.otp.verify(h.request(), { phone, code: wrong }));
      expect(error.code).toBe('identity.otp_invalid');
      left.push(error.params.attempts_left);
    }
    expect(left).toEqual([4, 3, 2, 1, 0]);
    expect((await errorOf(h.module.services.otp.verify(h.request(), { phone, code }))).code).toBe('identity.otp_too_many_attempts');
    const failures = await sql<{ n: number }>`select count(*)::int as n from identity.auth_events where phone = ${phone} and kind = 'otp_failed'`.execute(h.owner);
    expect(failures.rows[0]?.n).toBe(5);
  });

  it('says "expired" when no code was asked for (same as for an unknown number)', async () => {
    expect((await errorOf(h.module.services.otp.verify(h.request(), { phone: nextPhone(), code: '123456' }))).code).toBe('identity.otp_expired');
  });

  it('refuses a disabled account even with the right code', async () => {
    const phone = nextPhone();
    const user = await h.tx((ctx) => h.module.api.findOrCreateUserByPhone(ctx, phone));
    await sql`update identity.users set active = false where id = ${user.id}`.execute(h.owner);
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    expect((await errorOf(h.module.services.otp.verify(h.request(), { phone, code: h.sms.lastCodeFor(phone) }))).code).toBe('identity.account_disabled');
  });
});

describe('logging', () => {
  it('logs every send and failure as structured lines, never the code', async () => {
    const phone = nextPhone();
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    const code = h.sms.lastCodeFor(phone);
    await errorOf(h.module.services.otp.verify(h.request(), { phone, code: code === '999999' ? '888888' : '999999' }));
    await h.module.services.otp.verify(h.request(), { phone, code });
    const lines = h.logs.map((l) => JSON.parse(l) as { event?: string; phone?: string });
    const mine = lines.filter((l) => l.phone === '+98912***' + phone.slice(-3));
    expect(mine.map((l) => l.event)).toEqual(expect.arrayContaining(['otp_sent', 'otp_failed']));
    expect(h.logs.join('\n')).not.toContain(code);
    expect(h.logs.join('\n')).not.toContain(phone);
  });
});
