/** What the HTTP layer needs from the identity and orgs modules to build each request's context. */
export interface SessionInfo {
  user_id: string;
  session_id: string;
  is_platform_admin: boolean;
  is_support_partner: boolean;
  current_org_id: string | null;
  csrf_token: string;
  locale: string;
}

export interface ApiKeyInfo {
  api_key_id: string;
  org_id: string;
  scopes: string[];
  subject_id: string | null;
}

export interface AuthPorts {
  /** The live session behind a cookie token (idle timeout enforced, last-seen touched), or null. */
  resolveSession(token: string, request: { ip: string; user_agent: string | null }): Promise<SessionInfo | null>;
  resolveApiKey(token: string): Promise<ApiKeyInfo | null>;
  /** The permissions a person holds in an organisation (membership roles, or support partner/admin rights), or null: no access. */
  permissionsInOrg(session: SessionInfo, org_id: string): Promise<ReadonlySet<string> | null>;
  /** Platform-level permissions (platform admin, support partner). */
  platformPermissions(session: SessionInfo): ReadonlySet<string>;
}

export const SESSION_COOKIE = 'chaharsu_session';
export const CSRF_COOKIE = 'chaharsu_csrf';
export const CSRF_HEADER = 'x-csrf-token';
