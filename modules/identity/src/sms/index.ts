import type { Logger } from 'pino';
import { assert } from '@chaharsu/kit';
import type { IdentityConfig } from '../identity.config.js';
import { createDevSmsProvider, type DevInbox } from './dev.js';
import { createKavenegarProvider } from './kavenegar.js';
import { createSmsIrProvider } from './smsir.js';
import type { SmsProvider } from './sms.provider.js';

export * from './sms.provider.js';
export { DevInbox, createDevSmsProvider, type DevInboxItem } from './dev.js';
export { createKavenegarProvider } from './kavenegar.js';
export { createSmsIrProvider } from './smsir.js';

/** The provider the configuration names; the server's config has already checked the needed keys are there. */
export function createSmsProvider(config: IdentityConfig, logger: Logger, inbox: DevInbox | null): SmsProvider {
  const { sms } = config;
  switch (sms.provider) {
    case 'kavenegar':
      assert(sms.kavenegar.api_key, 'KAVENEGAR_API_KEY is required when SMS_PROVIDER=kavenegar');
      return createKavenegarProvider({ api_key: sms.kavenegar.api_key, template: sms.kavenegar.template, base_url: sms.kavenegar.base_url, timeout_ms: sms.timeout_ms });
    case 'smsir':
      assert(sms.smsir.api_key && sms.smsir.template_id, 'SMSIR_API_KEY and SMSIR_TEMPLATE_ID are required when SMS_PROVIDER=smsir');
      return createSmsIrProvider({ api_key: sms.smsir.api_key, template_id: sms.smsir.template_id, base_url: sms.smsir.base_url, timeout_ms: sms.timeout_ms });
    case 'dev':
      assert(!config.production && inbox, 'the dev SMS provider is not available in production');
      return createDevSmsProvider(logger, inbox);
  }
}
