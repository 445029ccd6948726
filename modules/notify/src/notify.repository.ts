import { sql } from 'kysely';
import { prepared, type Tx } from '@chaharsu/db';

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
  /**
   * One notification to several people (one row each), skipping recipients who still have an unread one with the
   * same dedupe key; returns the ids written. Prepared (fixed text, recipients as arrays): the low-stock alert
   * sends it from inside stock movements, where planning it every time cost ~0.1 ms.
   */
  async insertForRecipients(db: Tx, n: Omit<NewNotificationRow, 'id' | 'user_id'>, recipients: Array<{ id: string; user_id: string }>): Promise<string[]> {
    if (recipients.length === 0) return [];
    const result = await sql<{ id: string }>`${prepared('notify_insert_for_recipients')}
      insert into notify.notification (org_id, id, user_id, kind, title_key, params, link, entity_type, entity_id, dedupe_key)
      select ${n.org_id}::uuid, r.id, r.user_id, ${n.kind}::text, ${n.title_key}::text, ${JSON.stringify(n.params)}::jsonb, ${n.link}::text,
        ${n.entity_type}::text, ${n.entity_id}::text, ${n.dedupe_key}::text
      from unnest(${recipients.map((r) => r.id)}::uuid[], ${recipients.map((r) => r.user_id)}::uuid[]) as r (id, user_id)
      on conflict (org_id, user_id, dedupe_key) where read_at is null and dedupe_key is not null do nothing
      returning id`.execute(db);
    return result.rows.map((r) => r.id);
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
