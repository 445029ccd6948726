import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { linuxPlatform } from '../platform.js';
import { linuxInstaller } from './installer.js';
import { hangWatch, livenessFile } from './liveness.js';
import { EXIT_SWITCH_VERSION, healthyFile, pendingFile, readOutcome, supervise, trialFile, trialVersion, type RunningVersion, type SupervisorOptions } from './supervisor.js';

/** A stand-in agent version: marks itself healthy like the real agent does after connecting, then stays up. */
const healthyVersion = (version: string, data_dir: string): Buffer => Buffer.from(
  `#!/bin/sh\nmkdir -p '${data_dir}/update'\nprintf '{"version":"${version}","pid":%s}' $$ > '${data_dir}/update/healthy.json.tmp'\nmv '${data_dir}/update/healthy.json.tmp' '${data_dir}/update/healthy.json'\nexec sleep 30\n`);
/** A broken version: exits at once. */
const crashingVersion = Buffer.from('#!/bin/sh\nexit 3\n');
/** A version that runs but never connects. */
const silentVersion = Buffer.from('#!/bin/sh\nexec sleep 30\n');

const dirs: string[] = [];
const children: RunningVersion[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((running) => new Promise<void>((resolve) => {
    if (running.child.exitCode !== null || running.child.signalCode !== null) return resolve();
    running.child.once('exit', () => resolve());
    running.child.kill('SIGKILL');
  })));
  // A killed stand-in version's last command (mkdir/mv) may still land in the folder: retry for a while, and
  // leave a temporary folder behind rather than fail a test over its cleanup.
  for (const dir of dirs.splice(0)) {
    for (let attempt = 0; ; attempt++) {
      try { rmSync(dir, { recursive: true, force: true }); break; } catch (error) {
        if (attempt === 20) { console.warn(`could not remove ${dir}: ${String(error)}`); break; }
        await sleep(100);
      }
    }
  }
});

function setup(health_timeout_ms = 5_000) {
  const root = mkdtempSync(path.join(tmpdir(), 'agent-install-'));
  dirs.push(root);
  const data_dir = path.join(root, 'data');
  const installer = linuxInstaller(root);
  const lines: string[] = [];
  const options: SupervisorOptions = {
    installer, platform: linuxPlatform(), data_dir, args: [], health_timeout_ms, restart_delay_ms: 50, log: (line) => lines.push(line),
  };
  installer.stage('1.0.0', healthyVersion('1.0.0', data_dir));
  installer.activate('1.0.0');
  return { root, data_dir, installer, options, lines };
}

describe('switching agent versions on Linux', () => {
  test('stage puts the new version beside the current one; the switch is one atomic symlink change', () => {
    const { root, installer, data_dir } = setup();
    installer.stage('1.1.0', healthyVersion('1.1.0', data_dir));
    expect(installer.currentVersion()).toBe('1.0.0');
    installer.activate('1.1.0');
    expect(readlinkSync(path.join(root, 'current'))).toBe(path.join('versions', '1.1.0'));
    expect(installer.previousVersion()).toBe('1.0.0');
    expect(() => installer.stage('../evil', Buffer.from('x'))).toThrow();
    expect(() => installer.activate('9.9.9')).toThrow(/not staged/);
  });

  test('a new version that comes up healthy stays; the version before it is kept for a rollback', async () => {
    const { installer, options, data_dir } = setup();
    installer.stage('1.1.0', healthyVersion('1.1.0', data_dir));
    const { running, outcome } = await trialVersion(options, '1.1.0');
    children.push(running);
    expect(outcome).toEqual({ version: '1.1.0', outcome: 'installed', detail: null });
    expect(installer.currentVersion()).toBe('1.1.0');
    expect(readOutcome(data_dir)).toEqual(outcome);
  });

  test('a new version that exits at once is rolled back and the old version runs again', async () => {
    const { installer, options, data_dir } = setup();
    installer.stage('2.0.0', crashingVersion);
    const { running, outcome } = await trialVersion(options, '2.0.0');
    children.push(running);
    expect(outcome).toMatchObject({ version: '2.0.0', outcome: 'rolled_back', detail: 'exited with code 3 before reporting healthy' });
    expect(installer.currentVersion()).toBe('1.0.0');
    expect(running.version).toBe('1.0.0');
    await expect.poll(() => existsSync(healthyFile(data_dir)) && JSON.parse(readFileSync(healthyFile(data_dir), 'utf8')), { timeout: 5_000 })
      .toEqual({ version: '1.0.0', pid: running.child.pid });
  });

  test('a new version that never reports healthy is stopped and rolled back after the timeout', async () => {
    const { installer, options } = setup(300);
    installer.stage('2.0.0', silentVersion);
    const { running, outcome } = await trialVersion(options, '2.0.0');
    children.push(running);
    expect(outcome.outcome).toBe('rolled_back');
    expect(installer.currentVersion()).toBe('1.0.0');
  });

  test('a supervisor restarted in the middle of a trial finishes it: a broken new version is still rolled back', async () => {
    const { installer, options, data_dir } = setup();
    installer.stage('2.0.0', crashingVersion);
    // As left by a power cut right after the switch: `current` on the new version, the trial unfinished.
    options.platform.writeFileAtomic(trialFile(data_dir), JSON.stringify({ version: '2.0.0' }));
    installer.activate('2.0.0');
    const stop = new AbortController();
    const done = supervise(options, stop.signal);
    await expect.poll(() => readOutcome(data_dir), { timeout: 5_000 }).toMatchObject({ version: '2.0.0', outcome: 'rolled_back' });
    expect(installer.currentVersion()).toBe('1.0.0');
    await expect.poll(() => existsSync(healthyFile(data_dir)) && JSON.parse(readFileSync(healthyFile(data_dir), 'utf8')).version, { timeout: 5_000 }).toBe('1.0.0');
    stop.abort();
    await Promise.race([done, sleep(8_000)]);
  });

  test('the supervisor switches when the agent exits asking for it, and restarts a version that died', async () => {
    const { installer, options, data_dir } = setup();
    // The "current" version here stages 1.1.0, asks for the switch and exits like the real agent does.
    installer.stage('1.0.1', Buffer.from(`#!/bin/sh\nmkdir -p '${data_dir}/update'\nprintf '{"version":"1.1.0"}' > '${pendingFile(data_dir)}'\nexit ${EXIT_SWITCH_VERSION}\n`));
    installer.stage('1.1.0', healthyVersion('1.1.0', data_dir));
    installer.activate('1.0.1');
    const stop = new AbortController();
    const done = supervise(options, stop.signal);
    await expect.poll(() => readOutcome(data_dir), { timeout: 5_000 }).toEqual({ version: '1.1.0', outcome: 'installed', detail: null });
    expect(installer.currentVersion()).toBe('1.1.0');
    expect(existsSync(pendingFile(data_dir))).toBe(false);
    stop.abort();
    await Promise.race([done, sleep(8_000)]);
  });
});

/** A stand-in version that beats like the real agent (liveness.ts) `beats` times, 50 ms apart, then hangs (beats=0: forever). */
const beatingVersion = (data_dir: string, beats: number): Buffer => Buffer.from(
  `#!/bin/sh\nmkdir -p '${data_dir}'\ni=0\nwhile [ ${beats} -eq 0 ] || [ $i -lt ${beats} ]; do\n  i=$((i+1))\n  printf '{"pid":%s,"beat":%s}' $$ $i > '${livenessFile(data_dir)}.tmp'\n  mv '${livenessFile(data_dir)}.tmp' '${livenessFile(data_dir)}'\n  sleep 0.05\ndone\nexec sleep 60\n`);

describe('the watchdog', () => {
  test('a version that stops beating is killed and started again; one that keeps beating is left alone', async () => {
    const { installer, options, data_dir, lines } = setup();
    installer.stage('1.0.1', beatingVersion(data_dir, 5));
    installer.activate('1.0.1');
    const stop = new AbortController();
    const done = supervise({ ...options, watchdog: { hang_timeout_ms: 400, check_interval_ms: 50 } }, stop.signal);
    // Each start beats 5 times then hangs: the watchdog kills it and the supervisor restarts it, again and again.
    await expect.poll(() => lines.filter((line) => line.startsWith('watchdog: version 1.0.1')).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const pids = new Set(lines.filter((line) => line.startsWith('watchdog')).map((line) => /pid (\d+)/.exec(line)?.[1]));
    expect(pids.size).toBeGreaterThanOrEqual(2);
    expect(lines).toContainEqual(expect.stringMatching(/^version 1\.0\.1 exited \(code 128\); restarting/));
    stop.abort();
    await Promise.race([done, sleep(8_000)]);

    const steady = setup();
    steady.installer.stage('1.0.2', beatingVersion(steady.data_dir, 0));
    steady.installer.activate('1.0.2');
    const stopSteady = new AbortController();
    const running = supervise({ ...steady.options, watchdog: { hang_timeout_ms: 400, check_interval_ms: 50 } }, stopSteady.signal);
    await sleep(1_500);
    expect(steady.lines.filter((line) => line.startsWith('watchdog'))).toEqual([]);
    stopSteady.abort();
    await Promise.race([running, sleep(8_000)]);
  });

  test('the watch starts at the first beat (an older version that never beats is not killed) and follows the process id', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'agent-liveness-'));
    dirs.push(root);
    const watch = hangWatch(root, 1_000);
    expect(watch.hung(42, 0)).toBe(false);
    expect(watch.hung(42, 60_000)).toBe(false);
    linuxPlatform().writeFileAtomic(livenessFile(root), JSON.stringify({ pid: 42, beat: 1 }));
    expect(watch.hung(42, 60_000)).toBe(false);
    expect(watch.hung(42, 60_500)).toBe(false);
    expect(watch.hung(42, 61_001)).toBe(true);
    linuxPlatform().writeFileAtomic(livenessFile(root), JSON.stringify({ pid: 42, beat: 2 }));
    expect(watch.hung(42, 61_002)).toBe(false);
    // A beat file left by another process (the previous run) does not count for this one.
    expect(watch.hung(43, 90_000)).toBe(false);
  });
});

describe('stopping the supervisor', () => {
  test('the supervisor process exits as soon as its version has stopped, not at the end of the stop allowance', async () => {
    const { root, data_dir } = setup();
    const main = path.resolve(import.meta.dirname, '..', 'main.ts');
    // A 10-minute allowance: a supervisor kept alive by its grace timer would outlive this test.
    const supervisor = spawn(process.execPath, ['--import', 'tsx', main, 'supervise', '--install-root', root, '--data-dir', data_dir], {
      stdio: 'ignore', env: { ...process.env, CHAHARSU_AGENT_STOP_GRACE_MS: '600000' },
    });
    const exited = new Promise<number | null>((resolve) => supervisor.once('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => existsSync(healthyFile(data_dir)), { timeout: 20_000 }).toBe(true);
      supervisor.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      supervisor.kill('SIGKILL');
    }
  });
});
