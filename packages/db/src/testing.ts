/**
 * Test databases: one real PostgreSQL per test run (started by the global setup), a template database
 * migrated once, and a fresh clone per test file (`CREATE DATABASE … TEMPLATE`), so tests never see
 * each other's rows and never pay for migrations twice.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createDb, type Db } from './database.js';
import { ensureDatabase, roleUrl, OWNER_ROLE } from './provision.js';
import { APP_ROLE } from './migrations.js';

export interface TestCluster {
  superuser_url: string;
  owner_password: string;
  app_password: string;
  template: string;
}

export interface TestDatabase {
  name: string;
  /** The role the server uses (row-level security applies). */
  app_url: string;
  /** The owner role (migrations, test assertions that must see every organisation). */
  owner_url: string;
  /** Superuser connection (for checks that must see everything, like the reconcile of all orgs). */
  superuser_url: string;
  drop: () => Promise<void>;
}

export function testClusterFromEnv(): TestCluster {
  const raw = process.env.CHARSU_TEST_CLUSTER;
  if (!raw) throw new Error('CHARSU_TEST_CLUSTER is not set: run tests through `npm test` (vitest global setup starts PostgreSQL)');
  return JSON.parse(raw) as TestCluster;
}

export async function createTestDatabase(cluster: TestCluster = testClusterFromEnv()): Promise<TestDatabase> {
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureDatabase(cluster.superuser_url, name, cluster.template);
      break;
    } catch (error) {
      // Another clone of the same template at the same instant can be refused; try again briefly.
      if (attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
  const superuser_url = roleUrl(cluster.superuser_url, 'postgres', new URL(cluster.superuser_url).password, name);
  return {
    name,
    app_url: roleUrl(cluster.superuser_url, APP_ROLE, cluster.app_password, name),
    owner_url: roleUrl(cluster.superuser_url, OWNER_ROLE, cluster.owner_password, name),
    superuser_url,
    drop: async () => {
      const client = new pg.Client({ connectionString: cluster.superuser_url });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A Kysely handle on a test database as the app role, closed by the returned function. */
export function openTestDb(url: string, max_connections = 5): { db: Db; close: () => Promise<void> } {
  const { db } = createDb({ url, max_connections, application_name: 'chaharsu-test' });
  return { db, close: () => db.destroy() };
}
