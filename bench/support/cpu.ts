/**
 * CPU seconds (user + system, plus ended children) of a process and its descendants, split into node and
 * postgres (the benchmarks' PostgreSQL runs as a child). A busy machine stretches latency much more than
 * it changes the CPU each operation costs, so this is the figure to compare across runs. Linux only (/proc).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export function cpuOfTree(root_pid: number): { node_s: number; postgres_s: number; postgres_background_s: number } {
  const stats = new Map<number, { ppid: number; comm: string; seconds: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // utime + stime, plus cutime + cstime: the CPU of children already ended (PostgreSQL backends that closed).
      stats.set(Number(entry), { ppid: Number(fields[1]), comm, seconds: (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100 });
    } catch { /* the process ended meanwhile */ }
  }
  const out = { node_s: 0, postgres_s: 0, postgres_background_s: 0 };
  const walk = (pid: number): void => {
    const s = stats.get(pid);
    if (!s) return;
    if (s.comm.startsWith('postgres')) {
      out.postgres_s += s.seconds;
      if (isBackgroundWorker(pid)) out.postgres_background_s += s.seconds;
    } else {
      out.node_s += s.seconds;
    }
    for (const [child, c] of stats) if (c.ppid === pid) walk(child);
  };
  walk(root_pid);
  return out;
}

/**
 * PostgreSQL's own work beside the sessions' (checkpointer, WAL writer, background writer, autovacuum,
 * statistics): a run it falls in costs more per operation without any change in the code measured.
 */
function isBackgroundWorker(pid: number): boolean {
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return /postgres: (checkpointer|background writer|walwriter|autovacuum|logical replication|archiver|stats)/.test(title);
  } catch {
    return false;
  }
}

/** The p-th percentile of an ascending list (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * A fixed piece of CPU work (hashing and a JS loop), timed: the best of five, in ms. The VM these
 * benchmarks run on varies in speed from one hour to the next (the same code's CPU per operation moves by
 * ±20 %), so each run prints this beside its figures; compare runs made at similar speeds, or interleave
 * A/B runs.
 */
export function speedProbe(): number {
  const block = Buffer.alloc(64 * 1024, 7);
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    let acc = 0;
    for (let i = 0; i < 300; i++) acc ^= createHash('sha256').update(block).digest()[0] ?? 0;
    for (let i = 0; i < 3_000_000; i++) acc = (acc * 31 + i) | 0;
    best = Math.min(best, performance.now() - started);
    if (acc === 42) best += 0; // keeps the loop from being optimised away
  }
  return best;
}
