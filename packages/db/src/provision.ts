/**
 * Creates the two roles the product uses and its database, as a superuser:
 * - chaharsu_owner: owns the schemas and runs migrations;
 * - chaharsu_app: what the server connects as; not an owner, not superuser, NOBYPASSRLS, so
 *   row-level security always applies to it.
 */
import pg from 'pg';
import { APP_ROLE } from './migrations.js';

export const OWNER_ROLE = 'chaharsu_owner';

export interface Credentials { owner_password: string; app_password: string }

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${name}`);
  return `"${name}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export async function ensureRoles(superuserUrl: string, credentials: Credentials): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    for (const [role, password] of [[OWNER_ROLE, credentials.owner_password], [APP_ROLE, credentials.app_password]] as const) {
      const exists = await client.query('select 1 from pg_roles where rolname = $1', [role]);
      const verb = exists.rowCount ? 'alter' : 'create';
      await client.query(`${verb} role ${ident(role)} with login nosuperuser nocreaterole nobypassrls password ${literal(password)}`);
    }
    await client.query(`alter role ${ident(OWNER_ROLE)} createdb`);
  } finally {
    await client.end();
  }
}

export async function ensureDatabase(superuserUrl: string, name: string, template?: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) return false;
    await client.query(`create database ${ident(name)} owner ${ident(OWNER_ROLE)}${template ? ` template ${ident(template)}` : ''}`);
    await client.query(`revoke all on database ${ident(name)} from public`);
    await client.query(`grant connect on database ${ident(name)} to ${ident(APP_ROLE)}`);
    return true;
  } finally {
    await client.end();
  }
}

export function roleUrl(superuserUrl: string, role: string, password: string, database: string): string {
  const url = new URL(superuserUrl);
  url.username = role;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
}
