/**
 * The watchdog's evidence (spec E5 "restarts itself if it stops"): a running agent rewrites
 * `<data dir>/agent.alive` ({ pid, beat }) every few seconds from a timer on its event loop, so a hung
 * process (a busy loop, a deadlocked native call) stops beating even though it has not exited. The
 * supervisor watches the beat counter with its own monotonic clock (immune to wall-clock jumps) and
 * kills and restarts a version whose beat stopped. The watch starts at a version's first beat, so an
 * older version that does not beat is never killed for it. Network loss does not stop the beat: a
 * version that cannot reach the server is alive and keeps retrying on its own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AgentPlatform } from '../platform.js';

export const livenessFile = (data_dir: string): string => path.join(data_dir, 'agent.alive');
export const LivenessBeat = z.object({ pid: z.number().int(), beat: z.number().int().nonnegative() });
export type LivenessBeat = z.infer<typeof LivenessBeat>;

export const DEFAULT_BEAT_INTERVAL_MS = 5_000;

export function readLiveness(data_dir: string): LivenessBeat | null {
  try { return LivenessBeat.parse(JSON.parse(readFileSync(livenessFile(data_dir), 'utf8'))); } catch { return null; }
}

/** Starts beating for this process; returns the function that stops it. */
export function startLivenessBeat(platform: AgentPlatform, data_dir: string, interval_ms = DEFAULT_BEAT_INTERVAL_MS, onError: (error: unknown) => void = () => undefined): () => void {
  let beat = 0;
  const write = (): void => {
    beat += 1;
    try { platform.writeFileAtomic(livenessFile(data_dir), JSON.stringify({ pid: process.pid, beat })); } catch (error) { onError(error); }
  };
  write();
  const timer = setInterval(write, interval_ms);
  timer.unref();
  return () => clearInterval(timer);
}

export interface HangWatch {
  /** True when `pid` beat at least once and its beat has not changed for `hang_timeout_ms`. */
  hung(pid: number, now_ms: number): boolean;
}

/** Tracks one process's beats; `now_ms` is a monotonic clock (performance.now()). */
export function hangWatch(data_dir: string, hang_timeout_ms: number): HangWatch {
  let last: { pid: number; beat: number; seen_at_ms: number } | null = null;
  return {
    hung(pid, now_ms) {
      const mark = readLiveness(data_dir);
      if (mark && mark.pid === pid && (!last || last.pid !== pid || last.beat !== mark.beat)) {
        last = { pid, beat: mark.beat, seen_at_ms: now_ms };
        return false;
      }
      return last !== null && last.pid === pid && now_ms - last.seen_at_ms > hang_timeout_ms;
    },
  };
}
