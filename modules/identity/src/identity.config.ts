/**
 * What the identity module needs from the server's configuration. The composition root builds it with
 * `identityConfigFrom(config)` (the server's Config fits the structural type below), so this module never
 * imports the server.
 */
export interface IdentityConfig {
  production: boolean;
  otp: {
    code_length: 5 | 6;
    ttl_seconds: number;
    resend_seconds: number;
    max_attempts: number;
    per_number_per_hour: number;
    per_ip_per_hour: number;
  };
  session: { idle_minutes: number; max_age_days: number };
  password: { failures_per_username_per_hour: number; failures_per_ip_per_hour: number };
  sms: {
    provider: 'dev' | 'kavenegar' | 'smsir';
    timeout_ms: number;
    kavenegar: { api_key: string | null; template: string; base_url: string };
    smsir: { api_key: string | null; template_id: number | null; base_url: string };
  };
  telegram: { bot_token: string | null; bot_username: string; api_root: string };
}

/** The server configuration's fields this module reads (names as in apps/server/src/config.ts). */
export interface IdentityEnv {
  NODE_ENV: string;
  OTP_TTL_SECONDS: number;
  OTP_RESEND_SECONDS: number;
  OTP_MAX_ATTEMPTS: number;
  OTP_PER_NUMBER_PER_HOUR: number;
  OTP_PER_IP_PER_HOUR: number;
  SESSION_IDLE_MINUTES: number;
  SMS_PROVIDER: 'dev' | 'kavenegar' | 'smsir';
  KAVENEGAR_API_KEY?: string | undefined;
  KAVENEGAR_TEMPLATE: string;
  KAVENEGAR_BASE_URL: string;
  SMSIR_API_KEY?: string | undefined;
  SMSIR_TEMPLATE_ID?: number | undefined;
  SMSIR_BASE_URL: string;
  TELEGRAM_BOT_TOKEN?: string | undefined;
  TELEGRAM_BOT_USERNAME: string;
  TELEGRAM_API_ROOT: string;
}

export function identityConfigFrom(env: IdentityEnv): IdentityConfig {
  return {
    production: env.NODE_ENV === 'production',
    otp: {
      code_length: 6,
      ttl_seconds: env.OTP_TTL_SECONDS,
      resend_seconds: env.OTP_RESEND_SECONDS,
      max_attempts: env.OTP_MAX_ATTEMPTS,
      per_number_per_hour: env.OTP_PER_NUMBER_PER_HOUR,
      per_ip_per_hour: env.OTP_PER_IP_PER_HOUR,
    },
    session: { idle_minutes: env.SESSION_IDLE_MINUTES, max_age_days: 30 },
    // Password sign-in is for local stations: a few typos are normal, a guessing run is not.
    password: { failures_per_username_per_hour: 10, failures_per_ip_per_hour: 50 },
    sms: {
      provider: env.SMS_PROVIDER,
      timeout_ms: 10_000,
      kavenegar: { api_key: env.KAVENEGAR_API_KEY ?? null, template: env.KAVENEGAR_TEMPLATE, base_url: env.KAVENEGAR_BASE_URL },
      smsir: { api_key: env.SMSIR_API_KEY ?? null, template_id: env.SMSIR_TEMPLATE_ID ?? null, base_url: env.SMSIR_BASE_URL },
    },
    telegram: { bot_token: env.TELEGRAM_BOT_TOKEN ?? null, bot_username: env.TELEGRAM_BOT_USERNAME, api_root: env.TELEGRAM_API_ROOT },
  };
}
