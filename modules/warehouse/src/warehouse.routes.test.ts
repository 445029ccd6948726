/**
 * The station's API over real HTTP on the real server (demo seed), with people signed in under the three
 * warehouse roles: what each may do, the face-confirmed movement, the refusal without a confirmation,
 * the admin's reversal and backups.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestClient, type TestServer } from '../../../tests/support/server.js';
import { signIn, SIGN_IN_FRIENDLY_ENV } from '../../../tests/support/sign-in.js';
import type { StockPage } from '@chaharsu/inventory';
import type { BackupDto, EmployeeDto, FaceChallengeDto, FaceConfirmResult, MoveResult } from './warehouse.contracts.js';
import { syntheticFrames } from './testing/descriptors.js';

let t: TestServer;
let owner: TestClient;
let admin: TestClient;
let operator: TestClient;
let viewer: TestClient;
let warehouse_id: string;
let item_id: string;
let employee: EmployeeDto;

async function member(phone: string, role: string, org_id: string): Promise<TestClient> {
  const added = await owner.post('/api/org/members', { phone, display_name: role, roles: [role] });
  if (added.status !== 201) throw new Error(`adding ${role}: ${added.status} ${JSON.stringify(added.body)}`);
  const client = t.client();
  await signIn(client, phone, org_id);
  return client;
}

async function confirmFace(client: TestClient, employee_id: string, person: number): Promise<{ status: number; body: FaceConfirmResult & { code?: string } }> {
  const challenge = await client.post<FaceChallengeDto>(`/api/warehouse/employees/${employee_id}/face/challenge`);
  expect(challenge.status).toBe(201);
  return client.post<FaceConfirmResult & { code?: string }>(`/api/warehouse/employees/${employee_id}/face/confirm`, {
    challenge_id: challenge.body.challenge_id,
    descriptor: syntheticFrames(person, 1, 77)[0],
    liveness: { challenge_passed: true, observed_gestures: challenge.body.accepted_gestures, real_score: 0.9, live_score: 0.8 },
  });
}

beforeAll(async () => {
  // The demo seed makes two organisations; a dedicated installation lets its admins take whole-database backups.
  t = await startTestServer({ SEED_DEMO: 'true', WAREHOUSE_ORG_BACKUPS: 'always', ...SIGN_IN_FRIENDLY_ENV });
  const su = new pg.Client({ connectionString: t.database.superuser_url });
  await su.connect();
  const demo = (await su.query<{ org_id: string }>("select org_id from orgs.organisation where slug = 'demo'")).rows[0]?.org_id ?? '';
  await su.end();
  owner = t.client();
  await signIn(owner, '09120000010', demo);
  admin = await member('09120000071', 'warehouse_admin', demo);
  operator = await member('09120000072', 'warehouse_operator', demo);
  viewer = await member('09120000073', 'warehouse_viewer', demo);
  const stock = await owner.get<StockPage>('/api/inventory/stock?limit=1');
  warehouse_id = stock.body.items[0]?.warehouse_id ?? '';
  item_id = stock.body.items[0]?.item_id ?? '';
});
afterAll(async () => {
  await t?.close();
  if (t) rmSync(path.join(t.config.DATA_DIR, 'backups'), { recursive: true, force: true });
});

describe('warehouse roles and the station flow', () => {
  it('lets the admin add and enrol an employee; operator and viewer cannot', async () => {
    const created = await admin.post<EmployeeDto>('/api/warehouse/employees', { full_name: 'Javlon Tursunov', personnel_code: 'W-01' });
    expect(created.status).toBe(201);
    employee = created.body;
    const enrolled = await admin.put<{ employee: EmployeeDto; frames: number }>(`/api/warehouse/employees/${employee.id}/face`, { descriptors: syntheticFrames(11, 20) });
    expect(enrolled).toMatchObject({ status: 200, body: { frames: 20, employee: { face_enrolled: true } } });
    expect((await operator.post('/api/warehouse/employees', { full_name: 'X' })).status).toBe(403);
    expect((await viewer.put(`/api/warehouse/employees/${employee.id}/face`, { descriptors: syntheticFrames(12, 10) })).status).toBe(403);
    expect((await viewer.get<{ items: EmployeeDto[] }>('/api/warehouse/employees')).body.items.map((e) => e.full_name)).toContain('Javlon Tursunov');
  });

  it('saves the operator\'s movement only with a face confirmation of that employee', async () => {
    const body = { type: 'in', item_id, quantity: 4, warehouse_id, employee_id: employee.id };
    expect(await operator.post('/api/warehouse/movements', body)).toMatchObject({ status: 403, body: { code: 'warehouse.face_confirmation_missing' } });
    expect(await confirmFace(operator, employee.id, 12)).toMatchObject({ status: 422, body: { code: 'warehouse.face_mismatch' } });
    const confirmed = await confirmFace(operator, employee.id, 11);
    expect(confirmed.status).toBe(200);
    // Another user at another station cannot use this operator's confirmation.
    expect(await admin.post('/api/warehouse/movements', { ...body, face_confirmation_token: confirmed.body.confirmation_token }))
      .toMatchObject({ status: 403, body: { code: 'warehouse.face_confirmation_wrong_user' } });
    const saved = await operator.post<MoveResult>('/api/warehouse/movements', { ...body, face_confirmation_token: confirmed.body.confirmation_token });
    expect(saved.status).toBe(201);
    expect(saved.body.movements[0]).toMatchObject({ type: 'in', employee_id: employee.id, quantity_delta: 4 });
    const history = await viewer.get<{ items: Array<{ id: string; employee_name: string | null }> }>(`/api/warehouse/movements?employee_id=${employee.id}`);
    expect(history.body.items).toMatchObject([{ id: saved.body.movements[0]?.id, employee_name: 'Javlon Tursunov' }]);
    expect((await viewer.post('/api/warehouse/movements', { ...body, face_confirmation_token: confirmed.body.confirmation_token })).status).toBe(403);
    expect((await viewer.post(`/api/warehouse/employees/${employee.id}/face/challenge`)).status).toBe(403);
  });

  it('reserves reversal to the admin, with a reason', async () => {
    const history = await viewer.get<{ items: Array<{ id: string }> }>(`/api/warehouse/movements?employee_id=${employee.id}&type=in`);
    const id = history.body.items[0]?.id ?? '';
    expect((await operator.post(`/api/warehouse/movements/${id}/reversal`, { reason: 'wrong count' })).status).toBe(403);
    expect((await admin.post(`/api/warehouse/movements/${id}/reversal`, {})).status).toBe(422);
    const reversed = await admin.post<MoveResult>(`/api/warehouse/movements/${id}/reversal`, { reason: 'wrong count' });
    expect(reversed).toMatchObject({ status: 201, body: { movements: [{ type: 'reversal', reverses_movement_id: id }] } });
  });

  it('lets the admin take, list and download a backup; others are refused', async () => {
    expect((await operator.post('/api/warehouse/backups')).status).toBe(403);
    expect((await viewer.get('/api/warehouse/backups')).status).toBe(403);
    const made = await admin.post<BackupDto>('/api/warehouse/backups');
    expect(made.status).toBe(201);
    const list = await admin.get<{ items: BackupDto[] }>('/api/warehouse/backups');
    expect(list.body.items.map((b) => b.file_name)).toContain(made.body.file_name);
    const file = await admin.get<string>(`/api/warehouse/backups/${made.body.file_name}`);
    expect(file.status).toBe(200);
    expect(file.body).toContain('PostgreSQL database dump complete');
    expect((await admin.get('/api/warehouse/backups/..%2F..%2Fetc%2Fpasswd')).status).toBeGreaterThanOrEqual(400);
    // The daily backup is a scheduled job of the server (pg-boss), at 02:30 Tehran time by default.
    const su = new pg.Client({ connectionString: t.database.superuser_url });
    await su.connect();
    const schedules = await su.query<{ name: string; cron: string }>('select name, cron from pgboss.schedule');
    await su.end();
    expect(schedules.rows).toContainEqual({ name: 'warehouse.daily-backup', cron: '30 2 * * *' });
    // Beside it, the server's other daily job: identity's purge of expired sign-in records (modules/identity/src/retention.ts).
    expect(schedules.rows).toContainEqual({ name: 'identity.purge_expired', cron: '15 3 * * *' });
  });

  it('serves the face models and wasm files from our own origin', async () => {
    const model = await operator.get<Record<string, unknown>>('/api/warehouse/face-assets/models/faceres.json');
    expect(model.status).toBe(200);
    const wasm = await operator.get('/api/warehouse/face-assets/wasm/tfjs-backend-wasm-simd.wasm');
    expect(wasm).toMatchObject({ status: 200 });
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
  });
});
