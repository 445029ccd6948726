/**
 * Backups (spec 05 W9): `pg_dump` of the whole database to a plain `.sql` file in the backup folder, on
 * demand and daily. The pg_dump used must have the server's major version (an older pg_dump refuses a
 * newer server; a newer one writes SQL an older server may not accept), so it is looked up among
 * PG_DUMP_PATH, PATH and /usr/lib/postgresql/<major>/bin and checked before each run.
 *
 * Row-level security is FORCEd on tenant tables, so the owner role sees no rows without an organisation;
 * pg_dump runs with row_security=off and then *fails* on such tables rather than dump them partly. The dump
 * therefore connects as the superuser (embedded PostgreSQL) or a dedicated BYPASSRLS, read-only backup
 * role (external PostgreSQL): see docs/warehouse/backups.md.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync, mkdirSync, renameSync, rmSync, chmodSync, createReadStream, type ReadStream } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { AppError } from '@chaharsu/kit';
import './warehouse.errors.js';
import type { BackupDto } from './warehouse.contracts.js';

const run = promisify(execFile);

export interface BackupOptions {
  /** Where the .sql files go (DATA_DIR/backups by default). */
  folder: string;
  /** A connection that reads every row: superuser or a BYPASSRLS role. Null: backups are not configured. */
  database_url: string | null;
  /** An explicit pg_dump binary; otherwise PATH and /usr/lib/postgresql/<major>/bin are searched. */
  pg_dump_path?: string | null;
  /** Daily backups kept (older `-daily` files are deleted after a daily run); manual ones are kept. */
  keep_daily?: number;
  now?: () => Date;
}

export type BackupKind = 'manual' | 'daily';

const FILE_PATTERN = /^chaharsu-(\d{8}T\d{6}Z)(?:-([a-z]+))?\.sql$/;

export interface PgDumpTool { path: string; version: string; major: number }

async function serverVersion(url: string): Promise<{ major: number; text: string }> {
  const client = new pg.Client({ connectionString: url, application_name: 'chaharsu-backup' });
  await client.connect();
  try {
    const { rows } = await client.query<{ num: string; text: string }>("select current_setting('server_version_num') as num, current_setting('server_version') as text");
    const num = Number(rows[0]?.num ?? 0);
    return { major: Math.floor(num / 10000), text: rows[0]?.text ?? '?' };
  } finally {
    await client.end();
  }
}

async function versionOf(binary: string): Promise<PgDumpTool | null> {
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 10_000 });
    const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(stdout);
    if (!match) return null;
    return { path: binary, version: stdout.trim(), major: Number(match[1]) };
  } catch {
    return null;
  }
}

function candidates(major: number, explicit: string | null | undefined, pathVariable: string): string[] {
  const windows = process.platform === 'win32';
  const binary = windows ? 'pg_dump.exe' : 'pg_dump';
  const list: string[] = [];
  if (explicit) list.push(explicit);
  // Debian/Ubuntu's postgresql-client-<major>, and the EDB installer's default folder on Windows.
  list.push(windows ? path.join('C:\\Program Files\\PostgreSQL', String(major), 'bin', binary) : path.join('/usr/lib/postgresql', String(major), 'bin', binary));
  for (const dir of pathVariable.split(path.delimiter).filter(Boolean)) list.push(path.join(dir, binary));
  return [...new Set(list)].filter((p) => existsSync(p));
}

/** The pg_dump whose major version is the server's, or a clear refusal naming what was found. */
export async function findPgDump(major: number, explicit: string | null | undefined, pathVariable: string): Promise<PgDumpTool> {
  const found: PgDumpTool[] = [];
  for (const candidate of candidates(major, explicit, pathVariable)) {
    const tool = await versionOf(candidate);
    if (!tool) continue;
    if (tool.major === major) return tool;
    found.push(tool);
  }
  throw new AppError('warehouse.backup_tool_mismatch', {
    server_major: major,
    found: found.map((t) => `${t.path}: ${t.version}`).join('; ') || 'none',
  });
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export interface Backups {
  create(kind: BackupKind): Promise<BackupDto & { pg_dump: string; server_version: string }>;
  /** The pg_dump that would be used now (throws warehouse.backup_tool_mismatch / backup_not_configured). */
  tool(): Promise<PgDumpTool & { server_version: string }>;
  list(): BackupDto[];
  /** A stream of one backup file (the name is checked against the pattern first). */
  open(file_name: string): { stream: ReadStream; size_bytes: number };
  folder: string;
}

export function createBackups(options: BackupOptions, pathVariable = ''): Backups {
  const now = options.now ?? (() => new Date());
  const keepDaily = options.keep_daily ?? 14;
  let running = false;

  const list = (): BackupDto[] => {
    if (!existsSync(options.folder)) return [];
    return readdirSync(options.folder)
      .filter((name) => FILE_PATTERN.test(name))
      .map((name) => {
        const stat = statSync(path.join(options.folder, name));
        return { file_name: name, size_bytes: stat.size, created_at: stat.mtime.toISOString() };
      })
      .sort((a, b) => b.file_name.localeCompare(a.file_name));
  };

  const pruneDaily = (): void => {
    const daily = list().filter((b) => b.file_name.endsWith('-daily.sql'));
    for (const old of daily.slice(keepDaily)) rmSync(path.join(options.folder, old.file_name), { force: true });
  };

  const dump = async (url: string, kind: BackupKind) => {
    const server = await serverVersion(url);
    const tool = await findPgDump(server.major, options.pg_dump_path, pathVariable);
    mkdirSync(options.folder, { recursive: true, mode: 0o700 });
    const file_name = `chaharsu-${stamp(now())}-${kind}.sql`;
    const target = path.join(options.folder, file_name);
    const partial = `${target}.partial`;
    // The password goes through the environment, not the command line (visible in `ps`).
    const parsed = new URL(url);
    const password = decodeURIComponent(parsed.password);
    parsed.password = '';
    try {
      await run(tool.path, ['--dbname', parsed.toString(), '--file', partial, '--format=plain', '--encoding=UTF8', '--quote-all-identifiers'], {
        env: { PATH: pathVariable, PGPASSWORD: password, PGAPPNAME: 'chaharsu-backup', PGCONNECT_TIMEOUT: '10' },
        timeout: 6 * 60 * 60 * 1000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      rmSync(partial, { force: true });
      const stderr = (error as { stderr?: string }).stderr ?? (error instanceof Error ? error.message : String(error));
      throw new AppError('warehouse.backup_failed', { detail: stderr.replace(/password[^\s]*/gi, '[redacted]').slice(0, 500) });
    }
    chmodSync(partial, 0o600); // it holds every organisation's data
    renameSync(partial, target);
    const stat = statSync(target);
    return { file_name, size_bytes: stat.size, created_at: stat.mtime.toISOString(), pg_dump: tool.version, server_version: server.text };
  };

  return {
    folder: options.folder,
    list,
    async tool() {
      if (!options.database_url) throw new AppError('warehouse.backup_not_configured');
      const server = await serverVersion(options.database_url);
      return { ...(await findPgDump(server.major, options.pg_dump_path, pathVariable)), server_version: server.text };
    },
    async create(kind) {
      if (!options.database_url) throw new AppError('warehouse.backup_not_configured');
      if (running) throw new AppError('warehouse.backup_in_progress');
      running = true;
      try {
        const result = await dump(options.database_url, kind);
        if (kind === 'daily') pruneDaily();
        return result;
      } finally {
        running = false;
      }
    },
    open(file_name) {
      if (!FILE_PATTERN.test(file_name)) throw new AppError('warehouse.backup_not_found');
      const full = path.join(options.folder, file_name);
      if (!existsSync(full)) throw new AppError('warehouse.backup_not_found');
      return { stream: createReadStream(full), size_bytes: statSync(full).size };
    },
  };
}
