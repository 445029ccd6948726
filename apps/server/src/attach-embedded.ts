/**
 * Attaching to the embedded PostgreSQL of a running `npm start` (same DATA_DIR): its pid file names
 * the port, and DATA_DIR holds the passwords. Used by the operator CLI and the benchmark, which must
 * not start a second PostgreSQL on a data folder that is in use.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_ROLE, OWNER_ROLE, roleUrl } from '@chaharsu/db';
import type { Config } from './config.js';
import type { DatabaseUrls } from './database.js';

/** The embedded PostgreSQL of a running `npm start` (its pid file names the port), or null. */
export function runningEmbedded(config: Pick<Config, 'DATA_DIR'>): DatabaseUrls | null {
  const pidFile = path.join(config.DATA_DIR, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pidLine), 0);
  } catch {
    return null;
  }
  const password = readFileSync(path.join(config.DATA_DIR, '.superuser-password'), 'utf8').trim();
  const credentials = JSON.parse(readFileSync(path.join(config.DATA_DIR, 'credentials.json'), 'utf8')) as { owner_password: string; app_password: string };
  const superuser = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${Number(portLine)}/postgres`;
  return {
    app_url: roleUrl(superuser, APP_ROLE, credentials.app_password, 'chaharsu'),
    migration_url: roleUrl(superuser, OWNER_ROLE, credentials.owner_password, 'chaharsu'),
    superuser_url: roleUrl(superuser, 'postgres', password, 'chaharsu'),
    embedded: true,
    stop: async () => {},
  };
}
