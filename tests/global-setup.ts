/**
 * Starts one real PostgreSQL for the whole test run (throwaway data folder, durability off for speed),
 * creates the product's roles, and migrates a template database that every test file clones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres } from '@chaharsu/db/embedded';
import { createDb, ensureDatabase, ensureRoles, migrateToLatest, roleUrl, OWNER_ROLE } from '@chaharsu/db';
import { allMigrations } from '../apps/server/src/migrations.js';

export default async function setup(): Promise<() => Promise<void>> {
  const base = mkdtempSync(path.join(tmpdir(), 'chaharsu-test-'));
  const pg = await startEmbeddedPostgres({ data_dir: path.join(base, 'pg'), fast_unsafe: true });
  const credentials = { owner_password: randomBytes(12).toString('hex'), app_password: randomBytes(12).toString('hex') };
  await ensureRoles(pg.superuser_url(), credentials);
  const template = 'chaharsu_template';
  await ensureDatabase(pg.superuser_url(), template);
  const { db } = createDb({ url: roleUrl(pg.superuser_url(), OWNER_ROLE, credentials.owner_password, template), max_connections: 1 });
  await migrateToLatest(db, allMigrations());
  await db.destroy();
  process.env.CHARSU_TEST_CLUSTER = JSON.stringify({ superuser_url: pg.superuser_url(), ...credentials, template });
  return async () => {
    await pg.stop();
    rmSync(base, { recursive: true, force: true });
  };
}
