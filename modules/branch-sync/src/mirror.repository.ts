/** Kysely queries of the per-branch catalog mirror. */
import { sql } from 'kysely';
import type { Tx } from '@chaharsu/db';
import type { MirrorBatch, MirrorEntity } from './protocol.js';

const CHUNK = 500;

export const mirrorRepository = {
  async applyBatch(db: Tx, org_id: string, branch_id: string, batch: MirrorBatch): Promise<void> {
    const base = { org_id, branch_id, company_database: batch.company_database, entity: batch.entity };
    for (let i = 0; i < batch.upserts.length; i += CHUNK) {
      const rows = batch.upserts.slice(i, i + CHUNK).map((r) => ({ ...base, key: r.key, row_hash: r.row_hash, data: JSON.stringify(r.data), scan_id: batch.scan_id }));
      await db.insertInto('branch_sync.mirror_row').values(rows)
        .onConflict((c) => c.columns(['org_id', 'branch_id', 'company_database', 'entity', 'key']).doUpdateSet({
          row_hash: sql`excluded.row_hash`, data: sql`excluded.data`, scan_id: sql`excluded.scan_id`,
          updated_at: sql`case when branch_sync.mirror_row.row_hash = excluded.row_hash then branch_sync.mirror_row.updated_at else now() end`,
        })).execute();
    }
    for (let i = 0; i < batch.deletes.length; i += CHUNK) {
      await db.deleteFrom('branch_sync.mirror_row').where('org_id', '=', org_id).where('branch_id', '=', branch_id)
        .where('company_database', '=', batch.company_database).where('entity', '=', batch.entity).where('key', 'in', batch.deletes.slice(i, i + CHUNK)).execute();
    }
    if (batch.full && batch.last) {
      // The end of a full scan: whatever the scan did not send no longer exists in the branch.
      await db.deleteFrom('branch_sync.mirror_row').where('org_id', '=', org_id).where('branch_id', '=', branch_id)
        .where('company_database', '=', batch.company_database).where('entity', '=', batch.entity).where('scan_id', '<>', batch.scan_id).execute();
    }
  },

  touchCheckpoint: (db: Tx, org_id: string, branch_id: string, company_database: string, input: { rows: number; bytes: number; full_done: boolean }) =>
    db.insertInto('branch_sync.mirror_checkpoint')
      .values({ org_id, branch_id, company_database, last_batch_at: sql`now()`, last_full_at: input.full_done ? sql`now()` : null, rows_received: input.rows, bytes_received: input.bytes })
      .onConflict((c) => c.columns(['org_id', 'branch_id', 'company_database']).doUpdateSet({
        last_batch_at: sql`now()`,
        last_full_at: input.full_done ? sql`now()` : sql`branch_sync.mirror_checkpoint.last_full_at`,
        rows_received: sql`branch_sync.mirror_checkpoint.rows_received + ${input.rows}`,
        bytes_received: sql`branch_sync.mirror_checkpoint.bytes_received + ${input.bytes}`,
      })).execute(),

  requestResync: (db: Tx, org_id: string, branch_id: string, company_databases: readonly string[]) =>
    company_databases.length === 0 ? Promise.resolve() : db.insertInto('branch_sync.mirror_checkpoint')
      .values(company_databases.map((company_database) => ({ org_id, branch_id, company_database, resync_requested_at: sql`now()` })))
      .onConflict((c) => c.columns(['org_id', 'branch_id', 'company_database']).doUpdateSet({ resync_requested_at: sql`now()` })).execute(),

  /** Company databases whose requested resync has not completed yet. */
  pendingResyncs: async (db: Tx, org_id: string, branch_id: string): Promise<string[]> =>
    (await db.selectFrom('branch_sync.mirror_checkpoint').select('company_database').where('org_id', '=', org_id).where('branch_id', '=', branch_id)
      .where('resync_requested_at', 'is not', null).where(sql<boolean>`(last_full_at is null or last_full_at < resync_requested_at)`).execute()).map((r) => r.company_database as string),

  checkpoints: (db: Tx, org_id: string, branch_id: string) =>
    db.selectFrom('branch_sync.mirror_checkpoint').selectAll().where('org_id', '=', org_id).where('branch_id', '=', branch_id).orderBy('company_database').execute(),

  counts: (db: Tx, org_id: string, branch_id: string) =>
    db.selectFrom('branch_sync.mirror_row').select(['company_database', 'entity', sql<string>`count(*)`.as('rows')]).where('org_id', '=', org_id).where('branch_id', '=', branch_id)
      .groupBy(['company_database', 'entity']).execute(),

  page: (db: Tx, org_id: string, branch_id: string, input: { company_database: string; entity: MirrorEntity; after_key: string | null; limit: number }) => {
    let query = db.selectFrom('branch_sync.mirror_row').select(['key', 'row_hash', 'data', 'updated_at']).where('org_id', '=', org_id).where('branch_id', '=', branch_id)
      .where('company_database', '=', input.company_database).where('entity', '=', input.entity);
    if (input.after_key) query = query.where('key', '>', input.after_key);
    return query.orderBy('key').limit(input.limit).execute();
  },
};
