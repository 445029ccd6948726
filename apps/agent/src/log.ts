/**
 * Local, rotated logs (JSON lines under `<data dir>/logs/`): `agent.log` grows to `max_bytes`, then
 * becomes `agent.1.log` … `agent.<keep>.log`. Warnings and errors are also queued (bounded) for
 * shipping to the server, which shows them per branch in the panel.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export interface ShippedLogEntry { level: 'warn' | 'error' | 'fatal'; at: string; message: string; detail: string | null }

export interface AgentLog {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
  /** Takes up to `max` queued warnings/errors for shipping (returns them, removing them from the queue). */
  takeShippable(max: number): ShippedLogEntry[];
  /** Puts entries back when shipping failed. */
  requeue(entries: ShippedLogEntry[]): void;
}

const SHIP_QUEUE_MAX = 500;

function detailText(detail: unknown): string | null {
  if (detail === undefined || detail === null) return null;
  if (detail instanceof Error) return `${detail.name}: ${detail.message}`;
  try { return JSON.stringify(detail).slice(0, 8000); } catch { return String(detail).slice(0, 8000); }
}

export function createAgentLog(options: { dir: string; max_bytes?: number; keep?: number; echo?: boolean }): AgentLog {
  const max_bytes = options.max_bytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 5;
  mkdirSync(options.dir, { recursive: true });
  const file = path.join(options.dir, 'agent.log');
  const queue: ShippedLogEntry[] = [];

  function rotate(): void {
    if (!existsSync(file) || statSync(file).size < max_bytes) return;
    rmSync(path.join(options.dir, `agent.${keep}.log`), { force: true });
    for (let n = keep - 1; n >= 1; n--) {
      const from = path.join(options.dir, `agent.${n}.log`);
      if (existsSync(from)) renameSync(from, path.join(options.dir, `agent.${n + 1}.log`));
    }
    renameSync(file, path.join(options.dir, 'agent.1.log'));
  }

  function write(level: LogLevel, message: string, detail: unknown): void {
    const at = new Date().toISOString();
    const text = detailText(detail);
    const line = JSON.stringify({ at, level, pid: process.pid, message, detail: text }) + '\n';
    try {
      rotate();
      appendFileSync(file, line);
    } catch { /* a full disk must not stop the agent; the heartbeat reports disk space */ }
    if (options.echo) process.stderr.write(line);
    if (level === 'warn' || level === 'error' || level === 'fatal') {
      if (queue.length >= SHIP_QUEUE_MAX) queue.shift();
      queue.push({ level, at, message: message.slice(0, 2000), detail: text });
    }
  }

  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
    takeShippable: (max) => queue.splice(0, max),
    requeue: (entries) => { queue.unshift(...entries.slice(0, SHIP_QUEUE_MAX - queue.length)); },
  };
}
