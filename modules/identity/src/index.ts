/**
 * The identity module: people, sign-in (one-time code by SMS or Telegram; username + password for local
 * stations), sessions, API keys, Telegram linking, preferences. See README.md.
 */
import type { Logger } from 'pino';
import type { UserFromGetMe } from 'grammy/types';
import type { Db } from '@chaharsu/db';
import type { Jobs } from '@chaharsu/jobs';
import type { AuditApi } from '@chaharsu/audit';
import type { ModuleDefinition } from '@chaharsu/http';
import type { IdentityApi } from './identity.api.js';
import type { IdentityConfig } from './identity.config.js';
import { registerIdentityRoutes } from './identity.routes.js';
import { createIdentityServices, type IdentityServices } from './identity.services.js';
import { identityMigrations } from './migrations/index.js';
import { normaliseIranianMobile } from './phone.js';
import { createSmsProvider, DevInbox, type SmsProvider } from './sms/index.js';
import { createTelegramBot, type TelegramBot } from './telegram/bot.js';
import { purgeExpired, PURGE_EXPIRED_CRON, PURGE_EXPIRED_JOB } from './retention.js';
import './identity.errors.js';

export * from './identity.api.js';
export { DEFAULT_PREFERENCES, PRIMARY_COLORS } from './identity.contracts.js';
export { IdentityErrors } from './identity.errors.js';
export { identityConfigFrom, type IdentityConfig, type IdentityEnv } from './identity.config.js';
export { normaliseIranianMobile, maskPhone } from './phone.js';
export { SESSION_COOKIE, CSRF_COOKIE } from './identity.routes.js';
export type { SmsProvider, OtpMessage, SmsFailureKind } from './sms/index.js';
export { SmsDeliveryError, createKavenegarProvider, createSmsIrProvider, createDevSmsProvider, DevInbox } from './sms/index.js';
export { parseApiKey } from './api-keys.service.js';
export { purgeExpired, PURGE_EXPIRED_JOB, type PurgeCounts } from './retention.js';
export type { TelegramBot } from './telegram/bot.js';

export interface IdentityModuleDeps {
  db: Db;
  config: IdentityConfig;
  audit: AuditApi;
  logger: Logger;
  /** 32 bytes (apps/server/src/secrets.ts). */
  secret_key: Buffer;
  /** Replaces the configured SMS provider (tests). */
  sms?: SmsProvider;
  /** Presets the bot's identity so it never calls getMe (tests). */
  telegram_bot_info?: UserFromGetMe;
  /** Background jobs: the daily purge of expired sign-in records is scheduled on them (absent in one-off tools). */
  jobs?: Jobs;
}

export interface IdentityModule extends ModuleDefinition {
  api: IdentityApi & { normalisePhone: (input: string) => string | null };
  /** The Telegram bot (start/stop long polling for the composition root); null when TELEGRAM_BOT_TOKEN is not set. */
  telegram: TelegramBot | null;
  /** The dev provider's inbox (null unless SMS_PROVIDER=dev outside production). */
  dev_inbox: DevInbox | null;
  services: IdentityServices;
  /** Registers the daily purge of expired sign-in records (call after jobs.start()). */
  start(): Promise<void>;
}

export function createIdentityModule(deps: IdentityModuleDeps): IdentityModule {
  if (deps.secret_key.length !== 32) throw new Error('identity: secret_key must be 32 bytes');
  const dev_inbox = deps.config.sms.provider === 'dev' && !deps.config.production ? new DevInbox() : null;
  const sms = deps.sms ?? createSmsProvider(deps.config, deps.logger, dev_inbox);
  let bot: TelegramBot | null = null;
  const services = createIdentityServices({ ...deps, sms, dev_inbox, telegram: () => bot });
  const token = deps.config.telegram.bot_token;
  if (token) {
    bot = createTelegramBot({ token, api_root: deps.config.telegram.api_root, links: services.telegramLinks, logger: deps.logger, ...(deps.telegram_bot_info ? { bot_info: deps.telegram_bot_info } : {}) });
  }

  const api: IdentityModule['api'] = {
    resolveSession: services.sessions.resolve,
    resolveApiKey: services.apiKeys.resolve,
    setCurrentOrg: services.sessions.setCurrentOrg,
    findOrCreateUserByPhone: services.users.findOrCreateUserByPhone,
    getUser: services.users.getUser,
    getUsers: services.users.getUsers,
    setPlatformRoles: services.users.setPlatformRoles,
    createApiKey: async (ctx, input) => {
      const created = await services.apiKeys.create(ctx, input);
      return { id: created.id, key: created.key };
    },
    revokeApiKey: services.apiKeys.revoke,
    setPassword: services.password.setPassword,
    normalisePhone: normaliseIranianMobile,
  };

  return {
    name: 'identity',
    migrations: identityMigrations,
    api,
    services,
    dev_inbox,
    telegram: bot,
    routes: (app) => registerIdentityRoutes(app, services, deps.config, dev_inbox),
    async start() {
      if (!deps.jobs) return;
      await deps.jobs.schedule(PURGE_EXPIRED_JOB, PURGE_EXPIRED_CRON, async () => {
        deps.logger.info(await purgeExpired(deps.db), 'expired sign-in records purged');
      }, { tz: 'Asia/Tehran' });
    },
  };
}
