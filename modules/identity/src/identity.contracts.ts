/**
 * Request and response shapes of the identity routes (snake_case JSON). No server imports: the web client
 * imports this file too.
 */
import { z } from 'zod';

export const PRIMARY_COLORS = ['blue', 'teal', 'violet', 'grape', 'indigo', 'cyan', 'green', 'orange', 'red', 'pink'] as const;

export const Preferences = z.object({
  color_scheme: z.enum(['light', 'dark', 'auto']),
  primary_color: z.enum(PRIMARY_COLORS),
  font_size: z.enum(['sm', 'md', 'lg', 'xl']),
  font_family: z.enum(['vazirmatn', 'system']),
  locale: z.enum(['fa', 'en', 'ar', 'uz']),
  money_unit: z.enum(['rial', 'toman']),
});
export type PreferencesInput = z.infer<typeof Preferences>;

export const DEFAULT_PREFERENCES: PreferencesInput = {
  color_scheme: 'auto',
  primary_color: 'blue',
  font_size: 'md',
  font_family: 'vazirmatn',
  locale: 'fa',
  money_unit: 'toman',
};

export const UserDto = z.object({
  id: z.string(),
  phone: z.string(),
  display_name: z.string().nullable(),
  is_platform_admin: z.boolean(),
  is_support_partner: z.boolean(),
  active: z.boolean(),
  created_at: z.string(),
});

export const Me = z.object({
  user: UserDto,
  preferences: Preferences,
  telegram_linked: z.boolean(),
  current_org_id: z.string().nullable(),
  csrf_token: z.string(),
});
export type MeDto = z.infer<typeof Me>;

export const OtpChannel = z.enum(['sms', 'telegram']);
export type OtpChannel = z.infer<typeof OtpChannel>;

export const OtpRequestBody = z.object({
  phone: z.string().min(1).max(40),
  channel: OtpChannel.default('sms'),
});
export const OtpRequestResult = z.object({
  /** The channel asked for (see README: Telegram falls back to SMS without saying so). */
  channel: OtpChannel,
  expires_in_seconds: z.number().int(),
  resend_in_seconds: z.number().int(),
});
export type OtpRequestResult = z.infer<typeof OtpRequestResult>;

export const OtpVerifyBody = z.object({
  phone: z.string().min(1).max(40),
  code: z.string().min(1).max(12),
});

export const PasswordSignInBody = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(1024),
});

export const UpdateMeBody = z.object({
  display_name: z.string().trim().min(1).max(200).nullable(),
});

export const SessionItem = z.object({
  id: z.string(),
  created_at: z.string(),
  last_seen_at: z.string(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  current: z.boolean(),
});
export const SessionList = z.object({ items: z.array(SessionItem) });
export type SessionItem = z.infer<typeof SessionItem>;

export const TelegramLink = z.object({ url: z.string(), expires_at: z.string() });

export const API_KEY_SCOPE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
export const ApiKeyItem = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
export type ApiKeyItem = z.infer<typeof ApiKeyItem>;
export const ApiKeyList = z.object({ items: z.array(ApiKeyItem) });
export const CreateApiKeyBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.string().min(1).max(100).regex(API_KEY_SCOPE)).min(1).max(50),
});
export const CreatedApiKey = z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()), key: z.string() });

export const DevInboxList = z.object({
  items: z.array(z.object({ phone: z.string(), text: z.string(), code: z.string(), channel: OtpChannel, created_at: z.string() })),
});
