/** Kysely/SQL only: typed input, rows out, no rules. Every query names the organisation (RLS is the second wall). */
import { sql } from 'kysely';
import { prepared, type Tx } from '@chaharsu/db';

export interface SellerRow {
  id: string; name: string; contact_phone: string | null; status: 'active' | 'suspended';
  credit_account_id: string; sales_account_id: string; created_at: Date;
}
export interface CreditRequestRow {
  id: string; seller_id: string; seller_name: string; amount_rial: bigint; note: string | null; status: 'pending' | 'approved' | 'rejected';
  has_receipt: boolean; created_at: Date; decided_at: Date | null; decision_note: string | null; transfer_id: string | null;
}
export interface CorrectionRow {
  id: string; seller_id: string; direction: 'increase' | 'decrease'; amount_rial: bigint; reason: string; transfer_id: string;
  idempotency_key: string; created_at: Date;
}
export interface ChargeRow {
  id: string; seller_id: string; idempotency_key: string; phone: string; operator: string; amount_rial: bigint;
  status: 'accepted' | 'refused'; refusal_code: string | null; balance_after_rial: bigint | null; transfer_id: string | null; created_at: Date;
}
/** A charge handed to `chargeBatch`: the seller's accounts, the request, and the ids its rows get if it is new. */
export interface BatchCharge {
  seller_id: string; credit_account_id: string; sales_account_id: string; idempotency_key: string; phone: string; operator: string;
  amount_rial: bigint; api_key_id: string | null; id: string; transfer_id: string;
}
/** `replayed`: the key's stored answer (from an earlier batch, or the same key earlier in this one); `key_reused`: the key belongs to another request. */
export type BatchChargeAnswer =
  | { status: 'accepted' | 'refused'; replayed: boolean; id: string; balance_after_rial: bigint | null; created_at: Date }
  | { status: 'key_reused'; replayed: boolean; id: null; balance_after_rial: null; created_at: null };
export interface ApiKeyRow { api_key_id: string; seller_id: string; name: string; key_prefix: string; created_at: Date; revoked_at: Date | null }

const REQUEST_COLUMNS = sql`r.id, r.seller_id, s.name as seller_name, r.amount_rial, r.note, r.status, r.has_receipt, r.created_at, r.decided_at, r.decision_note, r.transfer_id`;

export const creditSalesRepository = {
  async findOrgAccount(db: Tx, org_id: string): Promise<string | undefined> {
    const row = await db.selectFrom('credit_sales.org_account').select('account_id').where('org_id', '=', org_id).where('kind', '=', 'credit_funding').executeTakeFirst();
    return row?.account_id as string | undefined;
  },
  /** Claims the organisation's funding account id; false when another transaction already did. */
  async claimOrgAccount(db: Tx, org_id: string, account_id: string): Promise<boolean> {
    const result = await sql`insert into credit_sales.org_account (org_id, kind, account_id) values (${org_id}, 'credit_funding', ${account_id})
      on conflict do nothing returning account_id`.execute(db);
    return result.rows.length === 1;
  },

  async insertSeller(db: Tx, org_id: string, row: Omit<SellerRow, 'created_at' | 'status'>): Promise<SellerRow> {
    return (await db.insertInto('credit_sales.seller').values({ org_id, ...row })
      .returning(['id', 'name', 'contact_phone', 'status', 'credit_account_id', 'sales_account_id', 'created_at']).executeTakeFirstOrThrow()) as SellerRow;
  },
  async updateSeller(db: Tx, org_id: string, id: string, patch: Partial<Pick<SellerRow, 'name' | 'contact_phone' | 'status'>>): Promise<SellerRow | undefined> {
    return (await db.updateTable('credit_sales.seller').set({ ...patch, updated_at: sql`now()` }).where('org_id', '=', org_id).where('id', '=', id)
      .returning(['id', 'name', 'contact_phone', 'status', 'credit_account_id', 'sales_account_id', 'created_at']).executeTakeFirst()) as SellerRow | undefined;
  },
  async findSeller(db: Tx, org_id: string, id: string): Promise<SellerRow | undefined> {
    return (await db.selectFrom('credit_sales.seller').select(['id', 'name', 'contact_phone', 'status', 'credit_account_id', 'sales_account_id', 'created_at'])
      .where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst()) as SellerRow | undefined;
  },
  async findSellerByName(db: Tx, org_id: string, name: string): Promise<SellerRow | undefined> {
    return (await db.selectFrom('credit_sales.seller').select(['id', 'name', 'contact_phone', 'status', 'credit_account_id', 'sales_account_id', 'created_at'])
      .where('org_id', '=', org_id).where(sql`lower(name)`, '=', name.toLowerCase()).executeTakeFirst()) as SellerRow | undefined;
  },
  async listSellers(db: Tx, org_id: string, q: { search?: string; status?: string; limit: number; offset: number }): Promise<{ rows: SellerRow[]; total: number }> {
    let query = db.selectFrom('credit_sales.seller').where('org_id', '=', org_id);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.search) query = query.where('name', 'ilike', `%${q.search.replace(/[%_\\]/g, '')}%`);
    const { total } = await query.select(sql<bigint>`count(*)`.as('total')).executeTakeFirstOrThrow();
    const rows = await query.select(['id', 'name', 'contact_phone', 'status', 'credit_account_id', 'sales_account_id', 'created_at'])
      .orderBy('name').orderBy('id').limit(q.limit).offset(q.offset).execute();
    return { rows: rows as SellerRow[], total: Number(total) };
  },

  async sellerIdOfUser(db: Tx, org_id: string, user_id: string): Promise<string | undefined> {
    const row = await db.selectFrom('credit_sales.seller_user').select('seller_id').where('org_id', '=', org_id).where('user_id', '=', user_id).executeTakeFirst();
    return row?.seller_id as string | undefined;
  },
  async linkUser(db: Tx, org_id: string, seller_id: string, user_id: string): Promise<{ created_at: Date } | undefined> {
    const result = await sql<{ created_at: Date }>`insert into credit_sales.seller_user (org_id, user_id, seller_id) values (${org_id}, ${user_id}, ${seller_id})
      on conflict do nothing returning created_at`.execute(db);
    return result.rows[0];
  },
  async unlinkUser(db: Tx, org_id: string, seller_id: string, user_id: string): Promise<boolean> {
    const result = await db.deleteFrom('credit_sales.seller_user').where('org_id', '=', org_id).where('seller_id', '=', seller_id).where('user_id', '=', user_id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  },
  async usersOfSeller(db: Tx, org_id: string, seller_id: string): Promise<Array<{ user_id: string; seller_id: string; created_at: Date }>> {
    return (await db.selectFrom('credit_sales.seller_user').select(['user_id', 'seller_id', 'created_at']).where('org_id', '=', org_id).where('seller_id', '=', seller_id)
      .orderBy('created_at').execute()) as Array<{ user_id: string; seller_id: string; created_at: Date }>;
  },

  async insertApiKey(db: Tx, org_id: string, row: Omit<ApiKeyRow, 'created_at' | 'revoked_at'>): Promise<ApiKeyRow> {
    return (await db.insertInto('credit_sales.seller_api_key').values({ org_id, ...row }).returningAll().executeTakeFirstOrThrow()) as ApiKeyRow;
  },
  async listApiKeys(db: Tx, org_id: string, seller_id: string): Promise<ApiKeyRow[]> {
    return (await db.selectFrom('credit_sales.seller_api_key').selectAll().where('org_id', '=', org_id).where('seller_id', '=', seller_id)
      .orderBy('created_at', 'desc').limit(500).execute()) as ApiKeyRow[];
  },
  async revokeApiKey(db: Tx, org_id: string, seller_id: string, api_key_id: string): Promise<ApiKeyRow | undefined> {
    return (await db.updateTable('credit_sales.seller_api_key').set({ revoked_at: sql`coalesce(revoked_at, now())` })
      .where('org_id', '=', org_id).where('seller_id', '=', seller_id).where('api_key_id', '=', api_key_id).returningAll().executeTakeFirst()) as ApiKeyRow | undefined;
  },
  async activeApiKeyIds(db: Tx, org_id: string, seller_id: string): Promise<string[]> {
    const rows = await db.selectFrom('credit_sales.seller_api_key').select('api_key_id').where('org_id', '=', org_id).where('seller_id', '=', seller_id).where('revoked_at', 'is', null).execute();
    return rows.map((r) => r.api_key_id as string);
  },

  async insertRequest(db: Tx, org_id: string, row: { id: string; seller_id: string; amount_rial: bigint; note: string | null; has_receipt: boolean; created_by: string | null }): Promise<void> {
    await db.insertInto('credit_sales.credit_request').values({ org_id, ...row }).execute();
  },
  async insertReceipt(db: Tx, org_id: string, row: { request_id: string; content_type: string; byte_size: number; sha256: string; bytes: Buffer }): Promise<void> {
    await db.insertInto('credit_sales.credit_request_receipt').values({ org_id, ...row }).execute();
  },
  async findReceipt(db: Tx, org_id: string, request_id: string): Promise<{ content_type: string; bytes: Buffer; sha256: string } | undefined> {
    return (await db.selectFrom('credit_sales.credit_request_receipt').select(['content_type', 'bytes', 'sha256']).where('org_id', '=', org_id).where('request_id', '=', request_id).executeTakeFirst()) as { content_type: string; bytes: Buffer; sha256: string } | undefined;
  },
  async findRequest(db: Tx, org_id: string, id: string): Promise<CreditRequestRow | undefined> {
    const result = await sql<CreditRequestRow>`select ${REQUEST_COLUMNS} from credit_sales.credit_request r
      join credit_sales.seller s on s.org_id = r.org_id and s.id = r.seller_id where r.org_id = ${org_id} and r.id = ${id}`.execute(db);
    return result.rows[0];
  },
  async listRequests(db: Tx, org_id: string, q: { status?: string; seller_id?: string; limit: number; offset: number }): Promise<{ rows: CreditRequestRow[]; total: number }> {
    const where = sql`r.org_id = ${org_id} and (${q.status ?? null}::text is null or r.status = ${q.status ?? null}) and (${q.seller_id ?? null}::uuid is null or r.seller_id = ${q.seller_id ?? null})`;
    const counted = await sql<{ total: number }>`select count(*)::int as total from credit_sales.credit_request r where ${where}`.execute(db);
    // The queue reads oldest first while pending; history newest first.
    const order = q.status === 'pending' ? sql`r.created_at asc, r.id asc` : sql`r.created_at desc, r.id desc`;
    const rows = await sql<CreditRequestRow>`select ${REQUEST_COLUMNS} from credit_sales.credit_request r
      join credit_sales.seller s on s.org_id = r.org_id and s.id = r.seller_id where ${where} order by ${order} limit ${q.limit} offset ${q.offset}`.execute(db);
    return { rows: rows.rows, total: counted.rows[0]?.total ?? 0 };
  },
  /**
   * The decision: only a pending request changes, in one guarded statement. Two admins deciding at
   * once: the second waits for the first's row lock, re-reads the row, finds it decided, changes nothing.
   */
  async decideRequest(db: Tx, org_id: string, id: string, decision: { status: 'approved' | 'rejected'; decided_by: string | null; decision_note: string | null; transfer_id: string | null }): Promise<{ seller_id: string; amount_rial: bigint } | undefined> {
    return (await db.updateTable('credit_sales.credit_request').set({ ...decision, decided_at: sql`now()` })
      .where('org_id', '=', org_id).where('id', '=', id).where('status', '=', 'pending')
      .returning(['seller_id', 'amount_rial']).executeTakeFirst()) as { seller_id: string; amount_rial: bigint } | undefined;
  },
  async lockPendingRequest(db: Tx, org_id: string, id: string): Promise<{ seller_id: string; amount_rial: bigint; status: string } | undefined> {
    const result = await sql<{ seller_id: string; amount_rial: bigint; status: string }>`select seller_id, amount_rial, status from credit_sales.credit_request
      where org_id = ${org_id} and id = ${id} for update`.execute(db);
    return result.rows[0];
  },

  async findCorrectionByKey(db: Tx, org_id: string, key: string): Promise<CorrectionRow | undefined> {
    return (await db.selectFrom('credit_sales.correction').selectAll().where('org_id', '=', org_id).where('idempotency_key', '=', key).executeTakeFirst()) as CorrectionRow | undefined;
  },
  async insertCorrection(db: Tx, org_id: string, row: Omit<CorrectionRow, 'created_at'> & { created_by: string | null }): Promise<CorrectionRow> {
    return (await db.insertInto('credit_sales.correction').values({ org_id, ...row }).returningAll().executeTakeFirstOrThrow()) as CorrectionRow;
  },
  async listCorrections(db: Tx, org_id: string, seller_id: string | undefined, limit: number, offset: number): Promise<{ rows: CorrectionRow[]; total: number }> {
    let q = db.selectFrom('credit_sales.correction').where('org_id', '=', org_id);
    if (seller_id) q = q.where('seller_id', '=', seller_id);
    const { total } = await q.select(sql<bigint>`count(*)`.as('total')).executeTakeFirstOrThrow();
    const rows = await q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return { rows: rows as CorrectionRow[], total: Number(total) };
  },

  /**
   * Decides and records a batch of charges in one call of `credit_sales.charge_batch`, the transaction's last
   * statement: it travels with begin and commit, and answers once the batch is durable. One answer per charge, in order.
   */
  async chargeBatch(db: Tx, org_id: string, charges: BatchCharge[]): Promise<BatchChargeAnswer[]> {
    const col = <K extends keyof BatchCharge>(k: K) => charges.map((c) => (typeof c[k] === 'bigint' ? String(c[k]) : c[k]));
    const result = await sql<BatchChargeAnswer>`${prepared('credit_sales_charge_batch', { commits: true })}
      select o_status as status, o_replayed as replayed, o_id as id, o_balance_after_rial as balance_after_rial, o_created_at as created_at
      from credit_sales.charge_batch(${org_id}::uuid, ${col('seller_id')}::uuid[], ${col('credit_account_id')}::uuid[], ${col('sales_account_id')}::uuid[],
        ${col('idempotency_key')}::text[], ${col('phone')}::text[], ${col('operator')}::text[], ${col('amount_rial')}::bigint[],
        ${col('api_key_id')}::text[], ${col('id')}::uuid[], ${col('transfer_id')}::uuid[])`.execute(db);
    return result.rows;
  },
  async listCharges(db: Tx, org_id: string, seller_id: string, q: { phone?: string; status?: string; from?: Date; to?: Date; limit: number; offset: number }): Promise<{ rows: ChargeRow[]; total: number }> {
    // `created_at is not null` (true of every row) lets this use the partial seller-history index, which the key probe cannot.
    let query = db.selectFrom('credit_sales.charge').where('org_id', '=', org_id).where('seller_id', '=', seller_id).where('created_at', 'is not', null);
    if (q.phone) query = query.where('phone', '=', q.phone);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.from) query = query.where('created_at', '>=', q.from);
    if (q.to) query = query.where('created_at', '<', q.to);
    const { total } = await query.select(sql<bigint>`count(*)`.as('total')).executeTakeFirstOrThrow();
    const rows = await query.select(['id', 'seller_id', 'idempotency_key', 'phone', 'operator', 'amount_rial', 'status', 'refusal_code', 'balance_after_rial', 'transfer_id', 'created_at'])
      .orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
    return { rows: rows as ChargeRow[], total: Number(total) };
  },
  async chargeTotals(db: Tx, org_id: string, seller_id: string): Promise<{ accepted: number; accepted_rial: bigint; refused: number }> {
    const result = await sql<{ accepted: number; accepted_rial: bigint; refused: number }>`
      select count(*) filter (where status = 'accepted')::int as accepted, coalesce(sum(amount_rial) filter (where status = 'accepted'), 0)::bigint as accepted_rial,
             count(*) filter (where status = 'refused')::int as refused
      from credit_sales.charge where org_id = ${org_id} and seller_id = ${seller_id}`.execute(db);
    return result.rows[0] ?? { accepted: 0, accepted_rial: 0n, refused: 0 };
  },
};
