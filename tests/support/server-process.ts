/**
 * The real server (apps/server/src/main.ts) as a separate OS process on a test database, so a test can
 * SIGKILL it mid-protocol and start it again on the same port, data dir and secret key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestDatabase } from '@chaharsu/db/testing';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  base_url: string;
  start(): Promise<void>;
  /** SIGKILL: no graceful close, sockets drop, in-flight transactions roll back. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  recentOutput(): string;
}

export function serverProcess(database: TestDatabase, port: number, env: Record<string, string> = {}): ServerProcess {
  const data_dir = mkdtempSync(path.join(tmpdir(), 'chaharsu-server-'));
  const base_url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let log = '';

  async function ready(): Promise<void> {
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      if (child?.exitCode !== null && child?.exitCode !== undefined) throw new Error(`server exited (${child.exitCode}): ${log.slice(-3000)}`);
      try {
        if ((await fetch(`${base_url}/readyz`)).status === 200) return;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not become ready: ${log.slice(-3000)}`);
  }

  async function end(signal: NodeJS.Signals): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => { running.once('exit', () => resolve()); running.kill(signal); });
  }

  return {
    base_url,
    async start() {
      child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'apps/server/src/main.ts')], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: data_dir, LOG_LEVEL: 'warn', SMS_PROVIDER: 'dev',
          DATABASE_URL: database.app_url, DATABASE_MIGRATION_URL: database.owner_url, ...env,
        },
      });
      child.stdout?.on('data', (c: Buffer) => { log = (log + c.toString()).slice(-20_000); });
      child.stderr?.on('data', (c: Buffer) => { log = (log + c.toString()).slice(-20_000); });
      await ready();
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    recentOutput: () => log,
  };
}
