/**
 * The development provider: writes the code to the server log and keeps the last messages in memory for
 * the dev-only inbox page (`GET /api/dev/sms-inbox`). The configuration refuses it in production.
 */
import type { Logger } from 'pino';
import { maskPhone } from '../phone.js';
import type { OtpMessage, SmsProvider } from './sms.provider.js';

export interface DevInboxItem {
  phone: string;
  text: string;
  code: string;
  channel: 'sms' | 'telegram';
  created_at: string;
}

const INBOX_LIMIT = 200;

export class DevInbox {
  private readonly items: DevInboxItem[] = [];
  record(item: Omit<DevInboxItem, 'created_at'>): void {
    this.items.unshift({ ...item, created_at: new Date().toISOString() });
    if (this.items.length > INBOX_LIMIT) this.items.length = INBOX_LIMIT;
  }
  /** Newest first. */
  list(): DevInboxItem[] {
    return [...this.items];
  }
}

export function otpText(code: string): string {
  return `کد ورود شما به چهارسو: ${code}\nChaharsu sign-in code: ${code}`;
}

export function createDevSmsProvider(logger: Logger, inbox: DevInbox): SmsProvider {
  let sequence = 0;
  return {
    name: 'dev',
    async send(otp: OtpMessage) {
      inbox.record({ phone: otp.phone, text: otpText(otp.code), code: otp.code, channel: 'sms' });
      // Development only (refused in production by the configuration), so the code may be logged here.
      logger.info({ phone: maskPhone(otp.phone), code: otp.code, provider: 'dev' }, 'development SMS: one-time code');
      sequence += 1;
      return { provider_message_id: `dev-${sequence}` };
    },
  };
}
