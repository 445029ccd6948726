/**
 * A short-lived in-process cache in front of the identity module's API-key lookup, so a seller's
 * charge does not pay a database round trip to authenticate. A key revoked through this process is
 * dropped at once; on other server instances it stops working within `ttl_ms` (5 s by default) —
 * the documented bound. Unknown keys are cached too (briefly), so a flood of bad keys does not reach
 * the database either. Bounded: the oldest entries go first when it is full.
 */
import { createHash } from 'node:crypto';

export interface ResolvedApiKey { api_key_id: string; org_id: string; scopes: string[]; subject_id: string | null }

export interface ApiKeyCache {
  resolve(token: string): Promise<ResolvedApiKey | null>;
  /** Forget a key now (after revoking it). */
  invalidate(api_key_id: string): void;
}

export function createApiKeyCache(
  lookup: (token: string) => Promise<ResolvedApiKey | null>,
  options: { ttl_ms?: number; negative_ttl_ms?: number; max_entries?: number; now?: () => number } = {},
): ApiKeyCache {
  const ttl = options.ttl_ms ?? 5_000;
  const negativeTtl = options.negative_ttl_ms ?? 1_000;
  const max = options.max_entries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: ResolvedApiKey | null; expires_at: number }>();
  const inFlight = new Map<string, Promise<ResolvedApiKey | null>>();
  const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

  return {
    async resolve(token) {
      const id = digest(token);
      const hit = entries.get(id);
      if (hit && hit.expires_at > now()) return hit.value;
      const pending = inFlight.get(id);
      if (pending) return pending;
      const loading = lookup(token).then((value) => {
        if (entries.size >= max) entries.delete(entries.keys().next().value as string);
        entries.set(id, { value, expires_at: now() + (value ? ttl : negativeTtl) });
        return value;
      }).finally(() => inFlight.delete(id));
      inFlight.set(id, loading);
      return loading;
    },
    invalidate(api_key_id) {
      for (const [id, entry] of entries) if (entry.value?.api_key_id === api_key_id) entries.delete(id);
    },
  };
}
