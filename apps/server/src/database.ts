/**
 * Where the database comes from: an external PostgreSQL (DATABASE_URL), or the embedded one started
 * here with its data under DATA_DIR. Either way, migrations run as the owner role and the server
 * connects as a role that row-level security applies to.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDatabase, ensureRoles, roleUrl, OWNER_ROLE, APP_ROLE } from '@chaharsu/db';
import { startEmbeddedPostgres } from '@chaharsu/db/embedded';
import type { Config } from './config.js';

export interface DatabaseUrls {
  app_url: string;
  migration_url: string;
  /** Superuser URL when embedded (backups, tests); null for an external database. */
  superuser_url: string | null;
  embedded: boolean;
  stop: () => Promise<void>;
}

const DATABASE_NAME = 'chaharsu';

export async function openDatabase(config: Config, log: (message: string) => void): Promise<DatabaseUrls> {
  if (config.DATABASE_URL) {
    await refuseBypassingRole(config.DATABASE_URL);
    return { app_url: config.DATABASE_URL, migration_url: config.DATABASE_MIGRATION_URL ?? config.DATABASE_URL, superuser_url: null, embedded: false, stop: async () => {} };
  }
  mkdirSync(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const credentialsPath = path.join(config.DATA_DIR, 'credentials.json');
  if (!existsSync(credentialsPath)) {
    writeFileSync(credentialsPath, JSON.stringify({ owner_password: randomBytes(18).toString('base64url'), app_password: randomBytes(18).toString('base64url') }), { mode: 0o600 });
  }
  const credentials = JSON.parse(readFileSync(credentialsPath, 'utf8')) as { owner_password: string; app_password: string };
  const embedded = await startEmbeddedPostgres({
    data_dir: path.join(config.DATA_DIR, 'pg'),
    port: config.EMBEDDED_PG_PORT || undefined,
    log: (line) => { if (/FATAL|PANIC|ERROR/.test(line)) log(`postgres: ${line}`); },
  });
  await ensureRoles(embedded.superuser_url(), credentials);
  await ensureDatabase(embedded.superuser_url(), DATABASE_NAME);
  return {
    app_url: roleUrl(embedded.superuser_url(), APP_ROLE, credentials.app_password, DATABASE_NAME),
    migration_url: roleUrl(embedded.superuser_url(), OWNER_ROLE, credentials.owner_password, DATABASE_NAME),
    superuser_url: embedded.superuser_url(DATABASE_NAME),
    embedded: true,
    stop: embedded.stop,
  };
}

/** Row-level security does not apply to superusers or BYPASSRLS roles: refuse to serve through one. */
async function refuseBypassingRole(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolsuper: boolean; rolbypassrls: boolean; rolname: string }>('select rolname, rolsuper, rolbypassrls from pg_roles where rolname = current_user');
    const role = rows[0];
    if (role && (role.rolsuper || role.rolbypassrls)) {
      throw new Error(`DATABASE_URL connects as "${role.rolname}", which bypasses row-level security. Connect as an ordinary role (see docs/operations/database.md) and give the owner role in DATABASE_MIGRATION_URL.`);
    }
  } finally {
    await client.end();
  }
}
