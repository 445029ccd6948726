/** Kysely queries of the warehouse schema: typed input, rows out, no rules. */
import { sql } from 'kysely';
import { prepared, type Tx } from '@chaharsu/db';

export interface EmployeeRow {
  org_id: string;
  id: string;
  full_name: string;
  personnel_code: string | null;
  phone: string | null;
  is_active: boolean;
  face_template_encrypted: string | null;
  face_frames: number | null;
  face_enrolled_at: Date | null;
  face_enrolled_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ChallengeRow {
  org_id: string;
  id: string;
  employee_id: string;
  kind: 'blink' | 'turn_left' | 'turn_right';
  user_id: string;
  session_id: string | null;
  issued_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export const employees = {
  async insert(db: Tx, row: Pick<EmployeeRow, 'org_id' | 'id' | 'full_name' | 'personnel_code' | 'phone'>): Promise<EmployeeRow> {
    return db.insertInto('warehouse.employee').values(row).returningAll().executeTakeFirstOrThrow() as Promise<EmployeeRow>;
  },
  async get(db: Tx, org_id: string, id: string, lock = false): Promise<EmployeeRow | undefined> {
    if (lock) {
      return db.selectFrom('warehouse.employee').selectAll().where('org_id', '=', org_id).where('id', '=', id).forUpdate()
        .executeTakeFirst() as Promise<EmployeeRow | undefined>;
    }
    // Every station movement starts with this read: prepared, so it travels with begin and the scope (decision 0011).
    const result = await sql<EmployeeRow>`${prepared('warehouse_employee')}
      select org_id, id, full_name, personnel_code, phone, is_active, face_template_encrypted, face_frames, face_enrolled_at,
        face_enrolled_by, created_at, updated_at
      from warehouse.employee where org_id = ${org_id}::uuid and id = ${id}::uuid`.execute(db);
    return result.rows[0];
  },
  /** Which of these employees exist and whether each is active, without reading the (encrypted) face templates: every batch of station movements asks. */
  async activeStates(db: Tx, org_id: string, ids: string[]): Promise<Map<string, boolean>> {
    const result = await sql<{ id: string; is_active: boolean }>`${prepared('warehouse_employees_active')}
      select id, is_active from warehouse.employee where org_id = ${org_id}::uuid and id = any(${`{${ids.join(',')}}`}::uuid[])`.execute(db);
    return new Map(result.rows.map((r) => [r.id, r.is_active]));
  },
  async update(db: Tx, org_id: string, id: string, patch: Partial<EmployeeRow>): Promise<EmployeeRow> {
    return db.updateTable('warehouse.employee').set({ ...patch, updated_at: sql`now()` }).where('org_id', '=', org_id).where('id', '=', id)
      .returningAll().executeTakeFirstOrThrow() as Promise<EmployeeRow>;
  },
  async list(db: Tx, org_id: string, query: { q?: string; active?: boolean; limit: number; offset: number }): Promise<{ rows: EmployeeRow[]; total: number }> {
    let q = db.selectFrom('warehouse.employee').where('org_id', '=', org_id);
    if (query.active !== undefined) q = q.where('is_active', '=', query.active);
    if (query.q) {
      const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('full_name', 'ilike', like), eb('personnel_code', 'ilike', like)]));
    }
    const counted = await q.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow() as { total: string | bigint };
    const rows = await q.selectAll().orderBy('full_name').orderBy('id').limit(query.limit).offset(query.offset).execute() as EmployeeRow[];
    return { rows, total: Number(counted.total) };
  },
};

export async function employeeNames(db: Tx, org_id: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('warehouse.employee').select(['id', 'full_name']).where('org_id', '=', org_id).where('id', 'in', ids).execute() as Array<{ id: string; full_name: string }>;
  return new Map(rows.map((r) => [r.id, r.full_name]));
}

export const challenges = {
  async insert(db: Tx, row: Omit<ChallengeRow, 'issued_at' | 'used_at'>): Promise<ChallengeRow> {
    return db.insertInto('warehouse.face_challenge').values(row).returningAll().executeTakeFirstOrThrow() as Promise<ChallengeRow>;
  },
  async getForUpdate(db: Tx, org_id: string, id: string): Promise<ChallengeRow | undefined> {
    return db.selectFrom('warehouse.face_challenge').selectAll().where('org_id', '=', org_id).where('id', '=', id).forUpdate()
      .executeTakeFirst() as Promise<ChallengeRow | undefined>;
  },
  async markUsed(db: Tx, org_id: string, id: string, at: Date): Promise<void> {
    await db.updateTable('warehouse.face_challenge').set({ used_at: at }).where('org_id', '=', org_id).where('id', '=', id).execute();
  },
};

export const confirmations = {
  async insert(db: Tx, row: {
    org_id: string; id: string; employee_id: string; challenge_id: string; user_id: string; session_id: string | null;
    similarity: number; threshold: number; accepted: boolean; liveness: unknown; created_at: Date;
  }): Promise<void> {
    await db.insertInto('warehouse.face_confirmation').values({ ...row, liveness: JSON.stringify(row.liveness) }).execute();
  },
  async refusedSince(db: Tx, org_id: string, employee_id: string, since: Date): Promise<number> {
    const row = await db.selectFrom('warehouse.face_confirmation').select(sql<string>`count(*)`.as('n'))
      .where('org_id', '=', org_id).where('employee_id', '=', employee_id).where('accepted', '=', false).where('created_at', '>=', since)
      .executeTakeFirstOrThrow() as { n: string | bigint };
    return Number(row.n);
  },
  /** Deferred: nothing reads its result, so it goes with the commit (decision 0011). */
  async linkMovement(db: Tx, row: { org_id: string; movement_id: string; confirmation_id: string; employee_id: string }): Promise<void> {
    await sql`${prepared('warehouse_link_movement', { deferred: true })}
      insert into warehouse.movement_confirmation (org_id, movement_id, confirmation_id, employee_id)
      values (${row.org_id}::uuid, ${row.movement_id}::uuid, ${row.confirmation_id}::uuid, ${row.employee_id}::uuid)
      on conflict do nothing`.execute(db);
  },
};
