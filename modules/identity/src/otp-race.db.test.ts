/** Concurrency of verification, proven with several OS processes against one database. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createHarness, type Harness } from './testing/harness.js';

const WORKER = fileURLToPath(new URL('./testing/otp-verify.worker.ts', import.meta.url));

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

/** Starts one process per code, releases them together, and collects what each was told. */
async function race(phone: string, codes: string[], mode: 'verify' | 'request' = 'verify'): Promise<string[]> {
  const children: ChildProcess[] = codes.map((code) => fork(WORKER, [h.database.app_url, h.secret_key.toString('hex'), phone, code, mode], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  await Promise.all(children.map((child) => new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (exitCode) => reject(new Error(`worker exited early (${exitCode})`)));
  })));
  const outcomes = children.map((child) => new Promise<string>((resolve) => child.once('message', (m) => resolve(String(m)))));
  for (const child of children) child.send('go');
  const results = await Promise.all(outcomes);
  await Promise.all(children.map((child) => (child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve)))));
  return results;
}

describe('requests under concurrency (separate OS processes)', () => {
  it('four processes asking for a code for one number at once: one code is sent, the others wait for the cool-down', async () => {
    const phone = '+989150000003';
    const outcomes = await race(phone, ['', '', '', ''], 'request');
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'identity.otp_resend_too_soon')).toHaveLength(3);
    const codes = await sql<{ n: number }>`select count(*)::int as n from identity.otp_challenges where phone = ${phone}`.execute(h.owner);
    expect(codes.rows[0]?.n).toBe(1);
  });
});

describe('verification under concurrency (separate OS processes)', () => {
  it('four processes sending the right code at once: exactly one signs in', async () => {
    const phone = '+989150000001';
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    const code = h.sms.lastCodeFor(phone);
    const outcomes = await race(phone, Array.from({ length: 4 }, () => code));
    expect(outcomes.filter((o) => o === 'signed_in')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'signed_in').every((o) => o === 'identity.otp_expired' || o === 'identity.otp_too_many_attempts')).toBe(true);
    const sessions = await sql<{ n: number }>`select count(*)::int as n from identity.sessions s join identity.users u on u.id = s.user_id where u.phone = ${phone}`.execute(h.owner);
    expect(sessions.rows[0]?.n).toBe(1);
  });

  it('seven processes guessing at once: only five guesses are ever compared, then the code is dead', async () => {
    const phone = '+989150000002';
    await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
    const code = h.sms.lastCodeFor(phone);
    const wrong = Array.from({ length: 7 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const outcomes = await race(phone, wrong);
    expect(outcomes.filter((o) => o === 'identity.otp_invalid')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'identity.otp_too_many_attempts')).toHaveLength(2);
    const row = await sql<{ attempts: number }>`select attempts from identity.otp_challenges where phone = ${phone}`.execute(h.owner);
    expect(row.rows[0]?.attempts).toBe(5);
    expect((await h.module.services.otp.verify(h.request(), { phone, code }).catch((e: { code: string }) => e.code))).toBe('identity.otp_too_many_attempts');
  });
});
