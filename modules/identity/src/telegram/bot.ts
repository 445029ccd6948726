/**
 * The Telegram bot (grammY). Long polling only, started by the composition root when TELEGRAM_BOT_TOKEN is
 * set. It links accounts (deep link + own contact) and sends one-time codes to linked chats.
 */
import { Bot, Keyboard, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import type { TelegramCodeSender } from '../otp.service.js';
import { botText } from './messages.js';
import type { TelegramLinkService } from './telegram-link.service.js';

export interface TelegramBotOptions {
  token: string;
  api_root: string;
  links: TelegramLinkService;
  logger: Logger;
  /** Tests preset it so the bot never calls getMe. */
  bot_info?: UserFromGetMe;
}

export interface TelegramBot extends TelegramCodeSender {
  bot: Bot;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function languageOf(ctx: Context): string | null {
  return ctx.from?.language_code ?? null;
}

export function createTelegramBot(options: TelegramBotOptions): TelegramBot {
  const { links, logger } = options;
  const bot = new Bot(options.token, { client: { apiRoot: options.api_root }, ...(options.bot_info ? { botInfo: options.bot_info } : {}) });

  bot.command('start', async (ctx) => {
    const lang = languageOf(ctx);
    if (ctx.chat.type !== 'private' || !ctx.from) return void (await ctx.reply(botText(lang, 'private_only')));
    const nonce = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (!nonce) return void (await ctx.reply(botText(lang, 'welcome')));
    const claimed = await links.claim(nonce, BigInt(ctx.from.id), BigInt(ctx.chat.id));
    if (!claimed) return void (await ctx.reply(botText(lang, 'link_expired')));
    const keyboard = new Keyboard().requestContact(botText(lang, 'share_button')).resized().oneTime();
    await ctx.reply(botText(lang, 'share_contact'), { reply_markup: keyboard });
  });

  bot.on('message:contact', async (ctx) => {
    const lang = languageOf(ctx);
    if (ctx.chat.type !== 'private') return void (await ctx.reply(botText(lang, 'private_only')));
    const contact = ctx.message.contact;
    const outcome = await links.complete({
      from_id: BigInt(ctx.from.id),
      chat_id: BigInt(ctx.chat.id),
      contact_user_id: contact.user_id === undefined ? null : BigInt(contact.user_id),
      contact_phone: contact.phone_number,
      update_id: ctx.update.update_id,
    });
    logger.info({ event: 'telegram_link', outcome, telegram_user_id: ctx.from.id }, 'Telegram contact received');
    const key = outcome === 'linked' ? 'linked' : outcome;
    await ctx.reply(botText(lang, key), outcome === 'linked' || outcome === 'phone_mismatch' ? { reply_markup: { remove_keyboard: true } } : {});
  });

  bot.on('message', async (ctx) => {
    if (ctx.chat.type === 'private') await ctx.reply(botText(languageOf(ctx), 'welcome'));
  });

  bot.catch((error) => {
    logger.error({ err: error.error instanceof Error ? error.error.message : String(error.error), update_id: error.ctx.update.update_id }, 'Telegram bot handler failed');
  });

  let running: Promise<void> | null = null;

  return {
    bot,
    async sendCode(chat_id, code, locale) {
      await bot.api.sendMessage(Number(chat_id), botText(locale, 'code', { code }), { protect_content: true });
    },
    async start() {
      if (running) return;
      // bot.start() resolves only when polling stops: keep it in the background and report its failure.
      running = bot.start({
        drop_pending_updates: false,
        allowed_updates: ['message'],
        onStart: (info) => logger.info({ bot: info.username }, 'Telegram bot polling'),
      }).catch((error: unknown) => {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'Telegram bot stopped with an error');
      });
    },
    async stop() {
      if (!running) return;
      if (bot.isRunning()) await bot.stop();
      await running;
      running = null;
    },
  };
}
