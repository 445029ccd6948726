/**
 * The identity module's public API (contract shared with orgs and the server's composition).
 * Implemented in identity.service.ts.
 */
import type { Ctx } from '@chaharsu/http';

export interface UserDto {
  id: string;
  /** E.164, e.g. +989121234567 */
  phone: string;
  display_name: string | null;
  is_platform_admin: boolean;
  is_support_partner: boolean;
  active: boolean;
  created_at: string;
}

export interface Preferences {
  color_scheme: 'light' | 'dark' | 'auto';
  primary_color: string;
  font_size: 'sm' | 'md' | 'lg' | 'xl';
  font_family: 'vazirmatn' | 'system';
  locale: 'fa' | 'en' | 'ar' | 'uz';
  money_unit: 'rial' | 'toman';
}

export interface SessionRecord {
  user_id: string;
  session_id: string;
  is_platform_admin: boolean;
  is_support_partner: boolean;
  current_org_id: string | null;
  csrf_token: string;
  locale: string;
}

export interface IdentityApi {
  /**
   * The live session behind a cookie token, or null when unknown, revoked or idle too long.
   * `idleMinutesFor(org_id)` gives the organisation's idle timeout (null: the platform default).
   * Touches last_seen_at (at most once a minute).
   */
  resolveSession(token: string, request: { ip: string; user_agent: string | null }, idleMinutesFor: (org_id: string) => Promise<number | null>): Promise<SessionRecord | null>;
  /** A machine client's key (`Authorization: Bearer <key>`), or null when unknown or revoked. */
  resolveApiKey(token: string): Promise<{ api_key_id: string; org_id: string; scopes: string[]; subject_id: string | null } | null>;
  /** Records the organisation the session works in (the caller has checked the membership). */
  setCurrentOrg(ctx: Ctx, session_id: string, org_id: string | null): Promise<void>;
  /** Finds by phone (any accepted format) or creates the account (used by sign-in, staff invitations, seeds). */
  findOrCreateUserByPhone(ctx: Ctx, phone: string, display_name?: string | null): Promise<UserDto>;
  getUser(ctx: Ctx, user_id: string): Promise<UserDto | null>;
  getUsers(ctx: Ctx, user_ids: string[]): Promise<UserDto[]>;
  /** Platform roles (seeds and the platform admin's screens). */
  setPlatformRoles(ctx: Ctx, user_id: string, roles: { is_platform_admin?: boolean; is_support_partner?: boolean }): Promise<UserDto>;
  /** Creates an API key for a machine client of an organisation; returns the secret once. */
  createApiKey(ctx: Ctx, input: { org_id: string; name: string; scopes: string[]; subject_id?: string | null }): Promise<{ id: string; key: string }>;
  revokeApiKey(ctx: Ctx, api_key_id: string): Promise<void>;
  /** Username + password sign-in for local deployments (warehouse station without SMS/Telegram). */
  setPassword(ctx: Ctx, user_id: string, username: string, password: string): Promise<void>;
}

/** Normalises an Iranian mobile number to E.164 (+989xxxxxxxxx), or null when it is not one. */
export type NormalisePhone = (input: string) => string | null;
