/**
 * The only place that reads process.env. Validated once at boot; a bad value stops start-up with a
 * message naming the variable.
 */
import { z } from 'zod';
import path from 'node:path';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** External PostgreSQL (the app role; row-level security must apply to it). Unset: embedded PostgreSQL under DATA_DIR. */
  DATABASE_URL: z.url().optional(),
  /** Owner role for migrations on an external PostgreSQL; defaults to DATABASE_URL. */
  DATABASE_MIGRATION_URL: z.url().optional(),
  DATA_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** 32+ bytes, base64: encrypts secrets at rest (agent passwords, provider tokens). Generated into DATA_DIR when unset. */
  SECRET_KEY: z.string().min(32).optional(),
  SEED_DEMO: bool.default(true),
  SMS_PROVIDER: z.enum(['dev', 'kavenegar', 'smsir']).default('dev'),
  KAVENEGAR_API_KEY: z.string().optional(),
  KAVENEGAR_TEMPLATE: z.string().default('chaharsu-otp'),
  KAVENEGAR_BASE_URL: z.url().default('https://api.kavenegar.com'),
  SMSIR_API_KEY: z.string().optional(),
  SMSIR_TEMPLATE_ID: z.coerce.number().int().optional(),
  SMSIR_BASE_URL: z.url().default('https://api.sms.ir'),
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  TELEGRAM_BOT_USERNAME: z.string().default('chaharsu_bot'),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  /** Seconds. Defaults per §P1.2. */
  OTP_TTL_SECONDS: z.coerce.number().int().min(30).max(600).default(120),
  OTP_RESEND_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  OTP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(5),
  OTP_PER_NUMBER_PER_HOUR: z.coerce.number().int().min(1).max(100).default(5),
  OTP_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(10000).default(30),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(60 * 24 * 30).default(60 * 24 * 7),
  RATE_LIMIT_PUBLIC_PER_MINUTE: z.coerce.number().int().min(1).max(100000).default(120),
  WEB_DIST_DIR: z.string().optional(),
  TRUST_PROXY: bool.default(false),
  /** Warehouse backups (docs/warehouse/backups.md): folder (default DATA_DIR/backups), a connection that reads every row
   * despite row-level security (superuser or a BYPASSRLS backup role; the embedded superuser when unset), pg_dump binary. */
  BACKUP_DIR: z.string().optional(),
  BACKUP_DATABASE_URL: z.url().optional(),
  PG_DUMP_PATH: z.string().optional(),
  /** Where pg_dump is searched (besides /usr/lib/postgresql/<major>/bin). */
  PATH: z.string().default('/usr/local/bin:/usr/bin:/bin'),
  BACKUP_DAILY_CRON: z.string().regex(/^\S+( \S+){4,5}$/).default('30 2 * * *'),
  BACKUP_KEEP_DAILY: z.coerce.number().int().min(1).max(3650).default(14),
  /** Backups through the org admin's routes: while the database holds one organisation (default), always, or never (CLI only). */
  WAREHOUSE_ORG_BACKUPS: z.enum(['single_org', 'always', 'never']).default('single_org'),
  /** Background jobs (pg-boss): off only for one-off tools and tests that must not schedule. */
  JOBS_ENABLED: bool.default(true),
  /** Face match threshold (Human faceres similarity); calibrated 0.72 (docs/warehouse/face-id.md). */
  WAREHOUSE_FACE_THRESHOLD: z.coerce.number().min(0.6).max(0.95).default(0.72),
  /** Branch agents: heartbeat interval given to agents, and the command delivery back-off (tests shorten them). */
  BRANCH_SYNC_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  BRANCH_SYNC_RETRY_BASE_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  BRANCH_SYNC_RETRY_CAP_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
}).superRefine((c, issue) => {
  if (c.SMS_PROVIDER === 'kavenegar' && !c.KAVENEGAR_API_KEY) issue.addIssue({ code: 'custom', path: ['KAVENEGAR_API_KEY'], message: 'required when SMS_PROVIDER=kavenegar' });
  if (c.SMS_PROVIDER === 'smsir' && (!c.SMSIR_API_KEY || !c.SMSIR_TEMPLATE_ID)) issue.addIssue({ code: 'custom', path: ['SMSIR_API_KEY'], message: 'SMSIR_API_KEY and SMSIR_TEMPLATE_ID are required when SMS_PROVIDER=smsir' });
  if (c.NODE_ENV === 'production' && c.SMS_PROVIDER === 'dev') issue.addIssue({ code: 'custom', path: ['SMS_PROVIDER'], message: 'the dev SMS provider is disabled in production; choose kavenegar or smsir' });
});

export type Config = z.infer<typeof ConfigSchema> & { root_dir: string };

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env, root_dir = process.cwd()): Config {
  const parsed = ConfigSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, DATA_DIR: path.resolve(root_dir, parsed.data.DATA_DIR), root_dir };
}
