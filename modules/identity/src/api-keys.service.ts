/**
 * API keys of machine clients (sellers of 03, agents of 01). A key reads `csk_<ids>_<secret>`: `<ids>` is
 * base64url of the organisation's and the key's uuid bytes (43 characters), `<secret>` 32 random bytes
 * (43 characters). The organisation is read from the key itself, so the lookup runs inside that
 * organisation's row-level-security scope (never around it); only sha256(secret) is stored and compared in
 * constant time.
 */
import { AppError, constantTimeEqual, newId, randomToken, sha256Hex, assert, isUuid } from '@chaharsu/kit';
import { inTransaction } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import type { ApiKeyItem } from './identity.contracts.js';
import { API_KEY_SCOPE } from './identity.contracts.js';
import type { ServiceDeps } from './identity.deps.js';
import * as keys from './api-keys.repository.js';

const TOKEN = /^csk_([A-Za-z0-9_-]{43})_([A-Za-z0-9_-]{43})$/;

function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function formatApiKey(org_id: string, key_id: string, secret: string): string {
  return `csk_${Buffer.concat([uuidToBytes(org_id), uuidToBytes(key_id)]).toString('base64url')}_${secret}`;
}

export function parseApiKey(token: string): { org_id: string; key_id: string; secret: string } | null {
  const match = TOKEN.exec(token);
  if (!match) return null;
  const ids = Buffer.from(match[1] ?? '', 'base64url');
  if (ids.length !== 32) return null;
  const org_id = bytesToUuid(ids.subarray(0, 16));
  const key_id = bytesToUuid(ids.subarray(16, 32));
  if (!isUuid(org_id) || !isUuid(key_id)) return null;
  return { org_id, key_id, secret: match[2] ?? '' };
}

function toItem(row: keys.ApiKeyRow): ApiKeyItem {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    created_at: new Date(row.created_at).toISOString(),
    last_used_at: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
    revoked_at: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  };
}

export function createApiKeysService(deps: Pick<ServiceDeps, 'db' | 'audit'>) {
  const { db, audit } = deps;

  async function create(ctx: Ctx, input: { org_id: string; name: string; scopes: string[]; subject_id?: string | null }): Promise<{ id: string; key: string; name: string; scopes: string[] }> {
    assert(ctx.org_id === input.org_id, 'an API key is created inside the organisation it belongs to');
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0 || scopes.length > 50 || scopes.some((s) => !API_KEY_SCOPE.test(s) || s.length > 100)) throw new AppError('identity.scope_invalid');
    const name = input.name.trim().slice(0, 100);
    const id = newId();
    const secret = randomToken(32);
    const row = await keys.insertApiKey(ctx.db, {
      org_id: input.org_id, id, name, prefix: `csk_${secret.slice(0, 8)}`, key_hash: sha256Hex(secret), scopes,
      subject_id: input.subject_id ?? null, created_by: ctx.actor.kind === 'user' ? ctx.actor.user_id : null,
    });
    await audit.record(ctx, { action: 'identity.api_key.created', entity_type: 'identity.api_key', entity_id: id, after: { ...toItem(row), subject_id: row.subject_id } });
    return { id, key: formatApiKey(input.org_id, id, secret), name, scopes };
  }

  async function list(ctx: Ctx): Promise<ApiKeyItem[]> {
    assert(ctx.org_id, 'listing API keys needs an organisation');
    return (await keys.listApiKeys(ctx.db, ctx.org_id)).map(toItem);
  }

  async function revoke(ctx: Ctx, id: string): Promise<void> {
    assert(ctx.org_id, 'revoking an API key needs an organisation');
    const row = await keys.revokeApiKey(ctx.db, ctx.org_id, id);
    if (!row) throw new AppError('identity.api_key_not_found');
    await audit.record(ctx, { action: 'identity.api_key.revoked', entity_type: 'identity.api_key', entity_id: id, before: { revoked_at: null }, after: { revoked_at: toItem(row).revoked_at } });
  }

  async function resolve(token: string): Promise<{ api_key_id: string; org_id: string; scopes: string[]; subject_id: string | null } | null> {
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    return inTransaction(db, { org_id: parsed.org_id, user_id: null }, async (tx) => {
      const row = await keys.findApiKey(tx, parsed.org_id, parsed.key_id);
      if (!row || row.revoked_at || !constantTimeEqual(sha256Hex(parsed.secret), row.key_hash)) return null;
      await keys.touchApiKey(tx, row.org_id, row.id);
      return { api_key_id: row.id, org_id: row.org_id, scopes: row.scopes, subject_id: row.subject_id };
    });
  }

  return { create, list, revoke, resolve };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
