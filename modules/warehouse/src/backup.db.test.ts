/**
 * A backup is restored into a fresh database and compared with the original: same tables, same row
 * counts, same content checksum for every table of every schema the product owns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { AppError, newId } from '@chaharsu/kit';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import type { Db } from '@chaharsu/db';
import { createAuditApi } from '@chaharsu/audit';
import { asUser, createStockModules } from '@chaharsu/inventory/testing';
import { createWarehouseService } from './warehouse.service.js';
import { createBackups, findPgDump } from './backup.js';
import { syntheticFrames } from './testing/descriptors.js';

const PATH = process.env.PATH ?? '';

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** schema.table → "rows:md5 of all rows in a stable order", read as the superuser (row-level security does not hide rows). */
async function fingerprint(url: string): Promise<Record<string, string>> {
  const tables = await query<{ name: string }>(url, `
    select format('%I.%I', schemaname, tablename) as name from pg_tables
    where schemaname not in ('pg_catalog', 'information_schema') order by 1`);
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await query<{ n: string; sum: string | null }>(url, `select count(*) as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as sum from ${name} t`);
    out[name] = `${row?.n}:${row?.sum}`;
  }
  return out;
}

function psql(): string {
  const major = '15';
  const candidates = [path.join('/usr/lib/postgresql', major, 'bin', 'psql'), ...PATH.split(path.delimiter).map((d) => path.join(d, 'psql'))];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('psql 15 is needed to restore (postgresql-client-15)');
  return found;
}

let database: TestDatabase;
let restored: TestDatabase | null = null;
let db: Db;
let close: () => Promise<void>;
let folder: string;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ db, close } = openTestDb(database.app_url));
  folder = mkdtempSync(path.join(tmpdir(), 'chaharsu-backups-'));
  // Some rows in tenant tables of two organisations (row-level security is FORCEd on them).
  const stock = createStockModules();
  const warehouse = createWarehouseService({ audit: createAuditApi(), inventory: stock.inventory, catalog: stock.catalog, secret_key: Buffer.alloc(32, 5) });
  for (const org of [newId(), newId()]) {
    const warehouseId = stock.orgs.addWarehouse(org);
    await asUser(db, org, newId(), async (ctx) => {
      const employee = await warehouse.employees.create(ctx, { full_name: 'کارمند انبار', personnel_code: null, phone: null });
      await warehouse.employees.enrolFace(ctx, employee.id, syntheticFrames(4, 10));
      const product = await stock.catalog.createProduct(ctx, { code: 'B-1', name: 'کالای پشتیبان', unit: 'عدد' });
      await stock.inventory.move(ctx, { type: 'in', warehouse_id: warehouseId, item_id: product.id, quantity: 5 }, { employee_id: employee.id });
    });
  }
});
afterAll(async () => {
  await close();
  await database.drop();
  await restored?.drop();
  rmSync(folder, { recursive: true, force: true });
});

describe('backups with pg_dump', () => {
  it('use a pg_dump of the server\'s major version, and refuse clearly when there is none', async () => {
    const [{ v } = { v: '0' }] = await query<{ v: string }>(database.superuser_url, "select current_setting('server_version_num') as v");
    const major = Math.floor(Number(v) / 10000);
    expect((await findPgDump(major, null, PATH)).major).toBe(major);
    const refusal = await findPgDump(major + 1, null, PATH).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('warehouse.backup_tool_mismatch');
  });

  it('cannot be taken as the owner role: FORCEd row-level security makes pg_dump refuse', async () => {
    const backups = createBackups({ folder, database_url: database.owner_url }, PATH);
    const error = await backups.create('manual').catch((e: unknown) => e);
    expect((error as AppError).code).toBe('warehouse.backup_failed');
    expect(String((error as AppError).params.detail)).toMatch(/row-level security|row security/i);
    expect(backups.list()).toEqual([]);
  });

  it('writes a .sql file that restores into a fresh database identical to the original', async () => {
    const backups = createBackups({ folder, database_url: database.superuser_url }, PATH);
    const made = await backups.create('manual');
    expect(made.file_name).toMatch(/^chaharsu-\d{8}T\d{6}Z-manual\.sql$/);
    expect(backups.list().map((b) => b.file_name)).toEqual([made.file_name]);
    expect(readFileSync(path.join(folder, made.file_name), 'utf8')).toContain('PostgreSQL database dump complete');

    restored = await createEmptyDatabase(database);
    execFileSync(psql(), ['--dbname', restored.superuser_url, '--set', 'ON_ERROR_STOP=1', '--quiet', '--file', path.join(folder, made.file_name)], { stdio: 'pipe' });
    const original = await fingerprint(database.superuser_url);
    expect(Object.keys(original)).toContain('warehouse.employee');
    expect(original['warehouse.employee']?.startsWith('2:')).toBe(true);
    expect(await fingerprint(restored.superuser_url)).toEqual(original);
  });
});

/** A database with nothing in it (not a clone of the migrated template), dropped with the test. */
async function createEmptyDatabase(like: TestDatabase): Promise<TestDatabase> {
  const name = `${like.name}_restore`;
  const admin = new URL(like.superuser_url);
  admin.pathname = '/postgres';
  await query(admin.toString(), `create database "${name}" template template0`);
  const url = new URL(like.superuser_url);
  url.pathname = `/${name}`;
  return {
    name, app_url: '', owner_url: '', superuser_url: url.toString(),
    drop: async () => { await query(admin.toString(), `drop database if exists "${name}" with (force)`); },
  };
}
