/** Builds every identity service from the module's dependencies (one place, used by the module and its tests). */
import type { RequestContext } from '@chaharsu/kit';
import { inTransaction } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import { AppError } from '@chaharsu/kit';
import type { MeDto } from './identity.contracts.js';
import { withTx, type ServiceDeps } from './identity.deps.js';
import { createApiKeysService } from './api-keys.service.js';
import { createOtpService, type TelegramCodeSender } from './otp.service.js';
import { createPasswordService } from './password.service.js';
import { createSessionsService } from './sessions.service.js';
import { createUsersService, preferencesOf, toUserDto } from './users.service.js';
import { createTelegramLinkService } from './telegram/telegram-link.service.js';
import * as usersRepo from './users.repository.js';
import type { SmsProvider } from './sms/sms.provider.js';
import type { DevInbox } from './sms/dev.js';
import { createApiKeyCache } from './api-key-cache.js';

export function createIdentityServices(deps: ServiceDeps & { sms: SmsProvider; dev_inbox: DevInbox | null; telegram: () => TelegramCodeSender | null }) {
  const users = createUsersService(deps);
  const sessions = createSessionsService(deps);
  const otp = createOtpService({ ...deps, sessions, users });
  const password = createPasswordService({ ...deps, sessions });
  // Machine clients authenticate on every request: resolved keys are cached briefly in-process, and this
  // process forgets a key the moment it is revoked here (other instances within the cache's lifetime).
  const uncachedApiKeys = createApiKeysService(deps);
  const apiKeyCache = createApiKeyCache((token) => uncachedApiKeys.resolve(token));
  const apiKeys = {
    ...uncachedApiKeys,
    resolve: (token: string) => apiKeyCache.resolve(token),
    async revoke(ctx: Ctx, id: string): Promise<void> {
      await uncachedApiKeys.revoke(ctx, id);
      apiKeyCache.invalidate(id);
    },
  };
  const telegramLinks = createTelegramLinkService(deps);

  /** The signed-in person's own view (GET /api/me), inside the caller's transaction. */
  async function meIn(ctx: Ctx, user_id: string, session_id: string, token: string): Promise<MeDto> {
    const row = await usersRepo.findUserById(ctx.db, user_id);
    if (!row) throw new AppError('common.unauthenticated');
    return {
      user: toUserDto(row),
      preferences: preferencesOf(row.preferences),
      telegram_linked: await telegramLinks.isLinked(ctx, user_id),
      current_org_id: await sessions.currentOrgOf(ctx, session_id),
      csrf_token: sessions.csrfFor(token),
    };
  }

  /** Same, in a transaction of its own (right after sign-in). */
  function me(ctx: RequestContext, user_id: string, session_id: string, token: string): Promise<MeDto> {
    return inTransaction(deps.db, { org_id: null, user_id }, (tx) => meIn(withTx(ctx, tx), user_id, session_id, token));
  }

  return { users, sessions, otp, password, apiKeys, telegramLinks, me, meIn };
}

export type IdentityServices = ReturnType<typeof createIdentityServices>;
