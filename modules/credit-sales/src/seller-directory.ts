/**
 * The sellers the charge path needs (accounts and status), cached in-process for a few seconds so a
 * charge costs no lookup round trip. A change made through this process is seen at once; a change
 * made on another server instance within `ttl_ms`. Suspending a seller also revokes its API keys,
 * so the bound applies to both walls together.
 */
import { inTransaction, type Db } from '@chaharsu/db';
import { creditSalesRepository as repo, type SellerRow } from './credit-sales.repository.js';

export interface SellerRef { id: string; org_id: string; status: SellerRow['status']; credit_account_id: string; sales_account_id: string }

export function createSellerDirectory(db: Db, options: { ttl_ms?: number; max_entries?: number } = {}) {
  const ttl = options.ttl_ms ?? 5_000;
  const max = options.max_entries ?? 50_000;
  const entries = new Map<string, { value: SellerRef | null; expires_at: number }>();
  const key = (org_id: string, seller_id: string) => `${org_id}:${seller_id}`;
  return {
    async get(org_id: string, seller_id: string): Promise<SellerRef | null> {
      const hit = entries.get(key(org_id, seller_id));
      if (hit && hit.expires_at > Date.now()) return hit.value;
      const row = await inTransaction(db, { org_id, user_id: null }, (tx) => repo.findSeller(tx, org_id, seller_id));
      const value = row ? { id: row.id, org_id, status: row.status, credit_account_id: row.credit_account_id, sales_account_id: row.sales_account_id } : null;
      if (entries.size >= max) entries.delete(entries.keys().next().value as string);
      entries.set(key(org_id, seller_id), { value, expires_at: Date.now() + ttl });
      return value;
    },
    forget(org_id: string, seller_id: string): void {
      entries.delete(key(org_id, seller_id));
    },
  };
}
export type SellerDirectory = ReturnType<typeof createSellerDirectory>;
