/**
 * The bot's handlers, tested the grammY way with no network: a preset botInfo (no getMe), every outgoing
 * API call intercepted by a transformer on bot.api, updates fed with bot.handleUpdate. The database is real.
 */
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { sql } from 'kysely';
import type { Update, UserFromGetMe } from 'grammy/types';
import { createHarness, testIdentityConfig, type Harness } from '../testing/harness.js';
import type { TelegramBot } from './bot.js';

const BOT_INFO = {
  id: 4242, is_bot: true, first_name: 'Chaharsu', username: 'chaharsu_test_bot',
  can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false,
  can_connect_to_business: false, has_main_web_app: false,
} as unknown as UserFromGetMe;

interface Call { method: string; payload: Record<string, unknown> }
let h: Harness;
let bot: TelegramBot;
let calls: Call[] = [];
let blocked = false;
let updateId = 1;

beforeAll(async () => {
  h = await createHarness(testIdentityConfig({}, { telegram: { bot_token: '123456:TEST-TOKEN', bot_username: 'chaharsu_test_bot', api_root: 'http://127.0.0.1:1' } }), { telegram_bot_info: BOT_INFO });
  if (!h.module.telegram) throw new Error('bot not created');
  bot = h.module.telegram;
  bot.bot.api.config.use(async (_prev, method, payload) => {
    calls.push({ method, payload: payload as Record<string, unknown> });
    if (blocked && method === 'sendMessage') return { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } as never;
    return { ok: true, result: { message_id: calls.length, date: 0, chat: { id: 1, type: 'private' } } } as never;
  });
});
afterAll(async () => { await h.close(); });
beforeEach(() => { calls = []; blocked = false; });

const person = (id: number) => ({ id, is_bot: false, first_name: 'Sara', language_code: 'fa' });
function message(from_id: number, extra: Record<string, unknown>): Update {
  return { update_id: updateId++, message: { message_id: updateId, date: 0, chat: { id: from_id, type: 'private', first_name: 'Sara' }, from: person(from_id), ...extra } } as unknown as Update;
}
const start = (from_id: number, nonce: string) => message(from_id, { text: `/start ${nonce}`, entities: [{ type: 'bot_command', offset: 0, length: 6 }] });
const contact = (from_id: number, phone_number: string, user_id: number | undefined) => message(from_id, { contact: { phone_number, first_name: 'Sara', ...(user_id === undefined ? {} : { user_id }) } });
const lastText = () => String(calls.filter((c) => c.method === 'sendMessage').at(-1)?.payload.text ?? '');

async function newLink(phone: string): Promise<{ user_id: string; nonce: string }> {
  const user = await h.tx((ctx) => h.module.api.findOrCreateUserByPhone(ctx, phone));
  const link = await h.tx((ctx) => h.module.services.telegramLinks.createLink(ctx, user.id));
  const url = new URL(link.url);
  expect(`${url.origin}${url.pathname}`).toBe('https://t.me/chaharsu_test_bot');
  return { user_id: user.id, nonce: url.searchParams.get('start') ?? '' };
}
async function linkedChat(user_id: string): Promise<string | null> {
  const rows = await sql<{ chat_id: string }>`select chat_id::text from identity.telegram_accounts where user_id = ${user_id}`.execute(h.owner);
  return rows.rows[0]?.chat_id ?? null;
}

describe('linking Telegram', () => {
  it('asks for the contact after a valid deep link, and links when the person shares their own number', async () => {
    const { user_id, nonce } = await newLink('+989190000001');
    await bot.bot.handleUpdate(start(7001, nonce));
    const keyboard = calls[0]?.payload.reply_markup as { keyboard: Array<Array<{ request_contact?: boolean }>> };
    expect(keyboard.keyboard[0]?.[0]?.request_contact).toBe(true);
    await bot.bot.handleUpdate(contact(7001, '989190000001', 7001));
    expect(lastText()).toContain('وصل شد');
    expect(await linkedChat(user_id)).toBe('7001');
    const audit = await sql<{ action: string }>`select action from audit.audit_log where entity_id = ${user_id} order by created_at`.execute(h.su);
    expect(audit.rows.map((r) => r.action)).toEqual(['identity.user.created', 'identity.telegram.link_requested', 'identity.telegram.linked']);
  });

  it('refuses someone else\'s contact, a different number, and a used or unknown link', async () => {
    const { user_id, nonce } = await newLink('+989190000002');
    await bot.bot.handleUpdate(start(7002, nonce));
    await bot.bot.handleUpdate(contact(7002, '+989190000002', 9999));
    expect(lastText()).toContain('شماره خودتان');
    await bot.bot.handleUpdate(contact(7002, '+989190000002', undefined));
    await bot.bot.handleUpdate(contact(7002, '+989190000099', 7002));
    expect(lastText()).toContain('یکی نیست');
    expect(await linkedChat(user_id)).toBeNull();
    // Another Telegram user cannot complete a link someone else opened.
    await bot.bot.handleUpdate(contact(7003, '+989190000002', 7003));
    expect(lastText()).toContain('ابتدا');
    await bot.bot.handleUpdate(start(7002, 'unknown-nonce'));
    expect(lastText()).toContain('منقضی');
    await bot.bot.handleUpdate(contact(7002, '09190000002', 7002));
    expect(await linkedChat(user_id)).toBe('7002');
    await bot.bot.handleUpdate(start(7002, nonce));
    expect(lastText()).toContain('منقضی');
  });

  it('refuses an expired link', async () => {
    const { user_id, nonce } = await newLink('+989190000003');
    await sql`update identity.telegram_link_nonces set expires_at = now() - interval '1 second' where user_id = ${user_id}`.execute(h.owner);
    await bot.bot.handleUpdate(start(7004, nonce));
    expect(lastText()).toContain('منقضی');
  });
});

describe('codes by Telegram', () => {
  it('sends the code to the linked chat when Telegram is chosen, and signs in with it', async () => {
    const { user_id, nonce } = await newLink('+989190000010');
    await bot.bot.handleUpdate(start(7010, nonce));
    await bot.bot.handleUpdate(contact(7010, '+989190000010', 7010));
    calls = [];
    const smsBefore = h.sms.sent.length;
    const result = await h.module.services.otp.request(h.request(), { phone: '+989190000010', channel: 'telegram' });
    expect(result.channel).toBe('telegram');
    expect(h.sms.sent.length).toBe(smsBefore);
    const sent = calls.find((c) => c.method === 'sendMessage');
    expect(sent?.payload.chat_id).toBe(7010);
    const code = /(\d{6})/.exec(String(sent?.payload.text))?.[1] ?? '';
    const signedIn = await h.module.services.otp.verify(h.request(), { phone: '+989190000010', code });
    expect(signedIn.user.id).toBe(user_id);
  });

  it('falls back to SMS when the bot cannot reach the chat, with the same answer', async () => {
    const { nonce } = await newLink('+989190000011');
    await bot.bot.handleUpdate(start(7011, nonce));
    await bot.bot.handleUpdate(contact(7011, '+989190000011', 7011));
    blocked = true;
    const result = await h.module.services.otp.request(h.request(), { phone: '+989190000011', channel: 'telegram' });
    expect(result.channel).toBe('telegram');
    const code = h.sms.lastCodeFor('+989190000011');
    expect((await h.module.services.otp.verify(h.request(), { phone: '+989190000011', code })).user.phone).toBe('+989190000011');
  });

  it('unlinking stops Telegram delivery', async () => {
    const { user_id, nonce } = await newLink('+989190000012');
    await bot.bot.handleUpdate(start(7012, nonce));
    await bot.bot.handleUpdate(contact(7012, '+989190000012', 7012));
    await h.tx((ctx) => h.module.services.telegramLinks.unlink(ctx, user_id));
    calls = [];
    await h.module.services.otp.request(h.request(), { phone: '+989190000012', channel: 'telegram' });
    expect(calls.filter((c) => c.method === 'sendMessage')).toHaveLength(0);
    expect(h.sms.lastCodeFor('+989190000012')).toMatch(/^\d{6}$/);
  });
});
