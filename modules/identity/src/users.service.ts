/** People: find-or-create by phone, profile, platform roles, preferences. */
import { AppError, newId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import type { Preferences, UserDto } from './identity.api.js';
import { DEFAULT_PREFERENCES, Preferences as PreferencesSchema, type PreferencesInput } from './identity.contracts.js';
import type { ServiceDeps } from './identity.deps.js';
import { normaliseIranianMobile } from './phone.js';
import * as users from './users.repository.js';

export function toUserDto(row: users.UserRow): UserDto {
  return {
    id: row.id,
    phone: row.phone,
    display_name: row.display_name,
    is_platform_admin: row.is_platform_admin,
    is_support_partner: row.is_support_partner,
    active: row.active,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** Stored preferences over the defaults, field by field: a value that is no longer allowed falls back to its default. */
export function preferencesOf(stored: Record<string, unknown> | null | undefined): PreferencesInput {
  const out: Record<string, unknown> = { ...DEFAULT_PREFERENCES };
  for (const [key, schema] of Object.entries(PreferencesSchema.shape)) {
    const parsed = schema.safeParse(stored?.[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as PreferencesInput;
}

export function createUsersService(deps: Pick<ServiceDeps, 'audit'>) {
  const { audit } = deps;

  async function findOrCreateUserByPhone(ctx: Ctx, phone: string, display_name: string | null = null): Promise<UserDto> {
    const normalised = normaliseIranianMobile(phone);
    if (!normalised) throw new AppError('identity.phone_invalid');
    const created = await users.insertUserIfAbsent(ctx.db, { id: newId(), phone: normalised, display_name: display_name?.trim() || null });
    if (created) {
      await audit.record(ctx, { action: 'identity.user.created', entity_type: 'identity.user', entity_id: created.id, after: toUserDto(created), org_id: null });
      return toUserDto(created);
    }
    const existing = await users.findUserByPhone(ctx.db, normalised);
    if (!existing) throw new Error('user vanished between insert and select');
    return toUserDto(existing);
  }

  async function getUser(ctx: Ctx, user_id: string): Promise<UserDto | null> {
    const row = await users.findUserById(ctx.db, user_id);
    return row ? toUserDto(row) : null;
  }

  async function getUsers(ctx: Ctx, user_ids: string[]): Promise<UserDto[]> {
    return (await users.findUsersByIds(ctx.db, [...new Set(user_ids)])).map(toUserDto);
  }

  async function setPlatformRoles(ctx: Ctx, user_id: string, roles: { is_platform_admin?: boolean; is_support_partner?: boolean }): Promise<UserDto> {
    const before = await users.findUserById(ctx.db, user_id);
    if (!before) throw new AppError('identity.user_not_found');
    const after = await users.updateUser(ctx.db, user_id, {
      ...(roles.is_platform_admin === undefined ? {} : { is_platform_admin: roles.is_platform_admin }),
      ...(roles.is_support_partner === undefined ? {} : { is_support_partner: roles.is_support_partner }),
    });
    if (!after) throw new AppError('identity.user_not_found');
    await audit.record(ctx, { action: 'identity.user.platform_roles_set', entity_type: 'identity.user', entity_id: user_id, before: toUserDto(before), after: toUserDto(after), org_id: null });
    return toUserDto(after);
  }

  async function updateDisplayName(ctx: Ctx, user_id: string, display_name: string | null): Promise<UserDto> {
    const before = await users.findUserById(ctx.db, user_id);
    if (!before) throw new AppError('identity.user_not_found');
    const after = await users.updateUser(ctx.db, user_id, { display_name });
    if (!after) throw new AppError('identity.user_not_found');
    await audit.record(ctx, { action: 'identity.user.profile_updated', entity_type: 'identity.user', entity_id: user_id, before: { display_name: before.display_name }, after: { display_name: after.display_name }, org_id: null });
    return toUserDto(after);
  }

  async function setPreferences(ctx: Ctx, user_id: string, preferences: Preferences): Promise<PreferencesInput> {
    const before = await users.findUserById(ctx.db, user_id);
    if (!before) throw new AppError('identity.user_not_found');
    const next = preferencesOf(preferences as unknown as Record<string, unknown>);
    await users.updateUser(ctx.db, user_id, { preferences: JSON.stringify(next) });
    await audit.record(ctx, { action: 'identity.user.preferences_set', entity_type: 'identity.user', entity_id: user_id, before: preferencesOf(before.preferences), after: next, org_id: null });
    return next;
  }

  return { findOrCreateUserByPhone, getUser, getUsers, setPlatformRoles, updateDisplayName, setPreferences };
}

export type UsersService = ReturnType<typeof createUsersService>;
