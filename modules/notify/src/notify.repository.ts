import { sql } from 'kysely';
import type { Tx } from '@chaharsu/db';

export interface NotificationRow {
  org_id: string;
  id: string;
  user_id: string;
  kind: string;
  title_key: string;
  params: Record<string, unknown>;
  link: string | null;
  entity_type: string | null;
  entity_id: string | null;
  dedupe_key: string | null;
  created_at: Date;
  read_at: Date | null;
}

export type NewNotificationRow = Omit<NotificationRow, 'created_at' | 'read_at'>;

const TABLE = 'notify.notification';

export const notificationRepository = {
  /** Inserts, skipping recipients who still have an unread notification with the same dedupe key. */
  async insertMany(db: Tx, rows: NewNotificationRow[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const inserted = await db.insertInto(TABLE)
      .values(rows.map((r) => ({ ...r, params: JSON.stringify(r.params) })))
      .onConflict((oc) => oc.columns(['org_id', 'user_id', 'dedupe_key']).where('read_at', 'is', null).where('dedupe_key', 'is not', null).doNothing())
      .returning('id')
      .execute();
    return inserted.map((r) => r.id as string);
  },

  async listForUser(db: Tx, user_id: string, filter: { unread_only: boolean; org_id?: string | undefined; limit: number; offset: number }): Promise<{ rows: NotificationRow[]; total: number; unread: number }> {
    let base = db.selectFrom(TABLE).where('user_id', '=', user_id);
    if (filter.org_id) base = base.where('org_id', '=', filter.org_id);
    const counts = await base
      .select([sql<string>`count(*)`.as('total'), sql<string>`count(*) filter (where read_at is null)`.as('unread')])
      .executeTakeFirstOrThrow();
    const listed = filter.unread_only ? base.where('read_at', 'is', null) : base;
    const rows = await listed.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
    const total = filter.unread_only ? Number(counts.unread) : Number(counts.total);
    return { rows: rows as NotificationRow[], total, unread: Number(counts.unread) };
  },

  async markRead(db: Tx, user_id: string, id: string): Promise<NotificationRow | undefined> {
    const row = await db.updateTable(TABLE)
      .set({ read_at: sql`coalesce(read_at, now())` })
      .where('id', '=', id)
      .where('user_id', '=', user_id)
      .returningAll()
      .executeTakeFirst();
    return row as NotificationRow | undefined;
  },

  async markAllRead(db: Tx, user_id: string, org_id: string | undefined): Promise<number> {
    let q = db.updateTable(TABLE).set({ read_at: sql`now()` }).where('user_id', '=', user_id).where('read_at', 'is', null);
    if (org_id) q = q.where('org_id', '=', org_id);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows);
  },
};
