/**
 * The supervisor: the long-lived parent that runs the current agent version, switches to a staged one
 * when the agent asks (exit code EXIT_SWITCH_VERSION after writing `update/pending.json`), and rolls back
 * when the new version does not come up healthy in time. Linux: `chaharsu-agent supervise` under systemd;
 * Windows: the NSSM service runs `chaharsu-agent.exe supervise` with the Windows installer (windows/service.ts).
 *
 * Files in `<data dir>/update/` (the hand-over between versions; each written atomically):
 *   pending.json  { version }                  the agent verified and staged this version and wants it run
 *   healthy.json  { version, pid }             written by a running agent once connected and its heartbeat sent
 *   outcome.json  { version, outcome, detail } the supervisor's verdict; the next running agent reports it and deletes it
 * Invariant: `current` always names a version that has run healthy, except during a trial, and a trial
 * always ends in either a healthy new version or `current` back on the previous one with it running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { AgentPlatform } from '../platform.js';
import type { UpdateInstaller } from './installer.js';
import { hangWatch } from './liveness.js';

/** Exit code of an agent that staged a new version and asks its supervisor to switch (EX_TEMPFAIL). */
export const EXIT_SWITCH_VERSION = 75;

export const updateDir = (data_dir: string): string => path.join(data_dir, 'update');
export const pendingFile = (data_dir: string): string => path.join(updateDir(data_dir), 'pending.json');
export const healthyFile = (data_dir: string): string => path.join(updateDir(data_dir), 'healthy.json');
export const outcomeFile = (data_dir: string): string => path.join(updateDir(data_dir), 'outcome.json');
/** Present while a trial runs: a supervisor that restarts (crash, reboot) finishes the trial instead of trusting `current`. */
export const trialFile = (data_dir: string): string => path.join(updateDir(data_dir), 'trial.json');

export const PendingUpdate = z.object({ version: z.string().min(1).max(50) });
export const HealthyMark = z.object({ version: z.string().min(1).max(50), pid: z.number().int() });
export const UpdateOutcome = z.object({ version: z.string().min(1).max(50), outcome: z.enum(['installed', 'rolled_back']), detail: z.string().max(2000).nullable() });
export type UpdateOutcome = z.infer<typeof UpdateOutcome>;

function readJson<T>(file: string, schema: z.ZodType<T>): T | null {
  try { return schema.parse(JSON.parse(readFileSync(file, 'utf8'))); } catch { return null; }
}

export interface SupervisorOptions {
  installer: UpdateInstaller;
  platform: AgentPlatform;
  data_dir: string;
  /** Arguments for every version (e.g. ['run', '--data-dir', dir]). */
  args: string[];
  /** How long a new version has to connect and report healthy. */
  health_timeout_ms: number;
  /** Delay before restarting a version that exited unexpectedly (restart on failure). */
  restart_delay_ms: number;
  log: (message: string) => void;
  /** Environment of every version (the supervisor adds CHAHARSU_AGENT_INSTALL_ROOT); unset: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Watchdog: a version whose liveness beat (liveness.ts) stopped for this long is killed and restarted. Unset: no watchdog. */
  watchdog?: { hang_timeout_ms: number; check_interval_ms?: number };
  /** How long a stopping version may take to finish its command in progress before it is killed (default 60 s). */
  stop_grace_ms?: number;
  /**
   * Linux: the supervisor asks a version to stop with SIGTERM. Windows has no signals (Node's kill is
   * TerminateProcess): there the version receives the same console Ctrl+C as the supervisor (the service
   * host sends it to the console they share), so the supervisor only waits. Default true.
   */
  signal_children?: boolean;
}

export interface RunningVersion { version: string; child: ChildProcess; exited: Promise<number | null> }

export function startVersion(options: SupervisorOptions, version: string): RunningVersion {
  const child = spawn(options.installer.executable(version), options.args, { stdio: 'inherit', env: options.env });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
    child.once('error', (error) => { options.log(`could not start version ${version}: ${error.message}`); resolve(null); });
  });
  if (options.watchdog && child.pid !== undefined) watchForHang(options, version, child, exited);
  return { version, child, exited };
}

/** The watchdog: kills a version that stopped beating; the supervisor's loop then restarts it like any exit. */
function watchForHang(options: SupervisorOptions, version: string, child: ChildProcess, exited: Promise<unknown>): void {
  const { hang_timeout_ms, check_interval_ms = 1_000 } = options.watchdog ?? { hang_timeout_ms: 0 };
  const watch = hangWatch(options.data_dir, hang_timeout_ms);
  const timer = setInterval(() => {
    if (child.pid === undefined || !watch.hung(child.pid, performance.now())) return;
    clearInterval(timer);
    options.log(`watchdog: version ${version} (pid ${child.pid}) has not beaten for ${hang_timeout_ms} ms; killing it`);
    child.kill('SIGKILL');
  }, check_interval_ms);
  void exited.finally(() => clearInterval(timer));
}

async function stopVersion(options: SupervisorOptions, running: RunningVersion, reason: 'stop' | 'rollback'): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  // A version being rolled back never came up; on a stop, a version finishes its command in progress first.
  const grace_ms = reason === 'rollback' ? 5_000 : options.stop_grace_ms ?? 60_000;
  if (options.signal_children ?? true) running.child.kill('SIGTERM');
  // Unref'd: once the version is gone, this timer must not keep the supervisor alive for the rest of the grace.
  const gone = await Promise.race([running.exited.then(() => true), sleep(grace_ms, undefined, { ref: false }).then(() => false)]);
  if (!gone) {
    options.log(`version ${running.version} did not stop within ${grace_ms} ms; killing it`);
    running.child.kill('SIGKILL');
    await running.exited;
  }
}

/** Resolves true once the version marks itself healthy, false when it exits or the time is up. */
async function cameUpHealthy(options: SupervisorOptions, running: RunningVersion): Promise<boolean> {
  let exited = false;
  void running.exited.then(() => { exited = true; });
  const deadline = Date.now() + options.health_timeout_ms;
  while (!exited && Date.now() < deadline) {
    const mark = readJson(healthyFile(options.data_dir), HealthyMark);
    if (mark && mark.version === running.version && mark.pid === running.child.pid) return true;
    await sleep(100);
  }
  return false;
}

/**
 * Switches to `version` and gives it `health_timeout_ms` to come up; otherwise stops it, points `current`
 * back at the previous version and starts that. Returns the version left running and the verdict.
 */
export async function trialVersion(options: SupervisorOptions, version: string): Promise<{ running: RunningVersion; outcome: UpdateOutcome }> {
  const { installer, platform, data_dir } = options;
  rmSync(healthyFile(data_dir), { force: true });
  platform.writeFileAtomic(trialFile(data_dir), JSON.stringify({ version }));
  installer.activate(version);
  options.log(`switched to version ${version}; waiting up to ${options.health_timeout_ms} ms for it to come up`);
  const candidate = startVersion(options, version);
  if (await cameUpHealthy(options, candidate)) {
    const outcome: UpdateOutcome = { version, outcome: 'installed', detail: null };
    platform.writeFileAtomic(outcomeFile(data_dir), JSON.stringify(outcome));
    rmSync(trialFile(data_dir), { force: true });
    const left = installer.prune();
    if (left.length) options.log(`could not remove old versions ${left.join(', ')} yet (in use); the next update removes them`);
    return { running: candidate, outcome };
  }
  const exitCode = candidate.child.exitCode;
  await stopVersion(options, candidate, 'rollback');
  const back = installer.rollback();
  const detail = exitCode === null ? `did not connect and report healthy within ${options.health_timeout_ms} ms` : `exited with code ${exitCode} before reporting healthy`;
  const outcome: UpdateOutcome = { version, outcome: 'rolled_back', detail };
  platform.writeFileAtomic(outcomeFile(data_dir), JSON.stringify(outcome));
  rmSync(trialFile(data_dir), { force: true });
  options.log(`version ${version} ${detail}: rolled back to ${back}`);
  platform.notifyUser('chaharsu', `update to ${version} failed; version ${back} restored`);
  return { running: startVersion(options, back), outcome };
}

/** Runs the current version until `signal` aborts; switches on request; restarts on failure. */
export async function supervise(options: SupervisorOptions, signal: AbortSignal): Promise<void> {
  const first = options.installer.currentVersion();
  if (!first) throw new Error(`no agent version installed under ${options.installer.root}`);
  const unfinished = readJson(trialFile(options.data_dir), PendingUpdate);
  let running = unfinished && unfinished.version === first
    ? (await trialVersion(options, first)).running
    : startVersion(options, first);
  let stopped: Promise<void> = Promise.resolve();
  signal.addEventListener('abort', () => { stopped = stopVersion(options, running, 'stop'); }, { once: true });
  while (!signal.aborted) {
    const code = await running.exited;
    if (signal.aborted) break;
    const pending = readJson(pendingFile(options.data_dir), PendingUpdate);
    rmSync(pendingFile(options.data_dir), { force: true });
    if (code === EXIT_SWITCH_VERSION && pending && options.installer.has(pending.version)) {
      running = (await trialVersion(options, pending.version)).running;
      continue;
    }
    const current = options.installer.currentVersion() ?? first;
    options.log(`version ${current} exited (code ${code ?? 'none'}); restarting in ${options.restart_delay_ms} ms`);
    await sleep(options.restart_delay_ms);
    if (!signal.aborted) running = startVersion(options, current);
  }
  await stopped;
}

export const hasOutcome = (data_dir: string): boolean => existsSync(outcomeFile(data_dir));
export const readOutcome = (data_dir: string): UpdateOutcome | null => readJson(outcomeFile(data_dir), UpdateOutcome);
