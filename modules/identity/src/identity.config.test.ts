import { describe, it, expect } from 'vitest';
import { loadConfig } from '../../../apps/server/src/config.js';
import { identityConfigFrom } from './identity.config.js';

describe('identityConfigFrom', () => {
  it('maps the server configuration (the composition root passes its Config as is)', () => {
    const config = identityConfigFrom(loadConfig({ NODE_ENV: 'production', SMS_PROVIDER: 'smsir', SMSIR_API_KEY: 'k', SMSIR_TEMPLATE_ID: '42', TELEGRAM_BOT_TOKEN: '1:x', OTP_TTL_SECONDS: '90' }));
    expect(config.production).toBe(true);
    expect(config.otp).toMatchObject({ ttl_seconds: 90, resend_seconds: 60, max_attempts: 5, per_number_per_hour: 5, per_ip_per_hour: 30 });
    expect(config.sms).toMatchObject({ provider: 'smsir', smsir: { api_key: 'k', template_id: 42, base_url: 'https://api.sms.ir' } });
    expect(config.telegram).toMatchObject({ bot_token: '1:x', bot_username: 'chaharsu_bot' });
    expect(config.session.idle_minutes).toBe(60 * 24 * 7);
  });
});
