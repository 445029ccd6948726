/**
 * Runs the Windows build of the agent under Debian's wine64 for the smoke test: finds (or, as root,
 * installs) wine64, builds the .exe once (apps/agent/scripts/build-exe.mjs reuses an unchanged build),
 * builds the PowerShell stand-in, and makes a throwaway wine prefix that looks like Windows 10.
 * A missing wine64 that cannot be installed is an error, never a skipped test.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const agentDist = path.join(repoRoot, 'apps/agent/dist');

const WINE_CANDIDATES = ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/lib/wine/wine'];

function foundWine(): string | null {
  for (const candidate of WINE_CANDIDATES) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v wine64'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

/** wine64's path; installs Debian's wine64 when missing and running as root (CI), else throws with the reason. */
export function ensureWine(log: (line: string) => void): string {
  const present = foundWine();
  if (present) return present;
  if (process.getuid?.() !== 0) throw new Error('wine64 is not installed and this test is not running as root, so it cannot install it: run `apt-get install -y wine64` (Debian) and run the test again');
  log('wine64 missing: apt-get update && apt-get install -y wine64');
  const install = spawnSync('sh', ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wine64'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const installed = foundWine();
  if (install.status !== 0 || !installed) throw new Error(`installing wine64 failed (exit ${install.status}): ${(install.stderr || install.stdout).slice(-2000)}`);
  return installed;
}

/** Builds (or reuses) apps/agent/dist/chaharsu-agent.exe; returns its path and what the build printed. */
export function buildAgentExe(): { exe: string; output: string } {
  const output = execFileSync(process.execPath, [path.join(repoRoot, 'apps/agent/scripts/build-exe.mjs')], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { exe: path.join(agentDist, 'chaharsu-agent.exe'), output };
}

/** The PowerShell stand-in (powershell-double.cjs) as a Windows .exe, built with the same SEA steps. */
export function buildPowerShellDouble(): string {
  const output = path.join(agentDist, 'test-doubles', 'powershell.exe');
  mkdirSync(path.dirname(output), { recursive: true });
  const script = path.join(repoRoot, 'tests/agent-exe/powershell-double.cjs');
  const sea = pathToFileURL(path.join(repoRoot, 'apps/agent/scripts/sea.mjs')).href;
  execFileSync(process.execPath, ['--input-type=module', '-e',
    `import { buildSea } from ${JSON.stringify(sea)}; buildSea({ script: ${JSON.stringify(script)}, output: ${JSON.stringify(output)}, work: ${JSON.stringify(path.join(path.dirname(output), 'build'))} });`,
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  return output;
}

/** A Linux path as wine's Z: drive shows it. */
export const winePath = (linux: string): string => `Z:${linux.replaceAll('/', '\\')}`;

export interface WineProcess { child: ChildProcess; output(): string; exited: Promise<number | null> }

export interface WinePrefix {
  dir: string;
  env: NodeJS.ProcessEnv;
  drive_c: string;
  run(args: string[], options?: { timeout_ms?: number }): Promise<{ code: number | null; stdout: string; stderr: string }>;
  start(args: string[]): WineProcess;
  /** Ends every process of this prefix (wineserver -k). */
  kill(): void;
}

/** A fresh prefix under `dir` set to Windows 10 (Node 20 refuses older versions), with the PowerShell stand-in in place. */
export function createWinePrefix(wine: string, dir: string, powershellDouble: string): WinePrefix {
  const env: NodeJS.ProcessEnv = {
    ...process.env, WINEPREFIX: dir, WINEDEBUG: '-all', WINEARCH: 'win64',
    // No Mono or Gecko install prompts in a headless prefix; no display either.
    WINEDLLOVERRIDES: 'mscoree,mshtml=', DISPLAY: '',
  };
  const wineserver = path.join(path.dirname(wine), 'wineserver');
  const server = existsSync(wineserver) ? wineserver : 'wineserver';
  execFileSync(wine, ['wineboot', '--init'], { env, stdio: 'ignore', timeout: 300_000 });
  execFileSync(server, ['-w'], { env, stdio: 'ignore', timeout: 300_000 });
  execFileSync(wine, ['winecfg', '/v', 'win10'], { env, stdio: 'ignore', timeout: 120_000 });
  const drive_c = path.join(dir, 'drive_c');
  copyFileSync(powershellDouble, path.join(drive_c, 'windows/system32/WindowsPowerShell/v1.0/powershell.exe'));
  // Standard output and error go to files: under wine 8, node.exe cannot open a Unix pipe as its stdio
  // (libuv's uv_pipe_open fails with EBADF as soon as process.stderr is touched); files work, as under NSSM.
  const io = path.join(dir, '..', 'wine-io');
  mkdirSync(io, { recursive: true });
  let sequence = 0;
  const launch = (args: string[]): { child: ChildProcess; stdout: string; stderr: string } => {
    sequence += 1;
    const stdout = path.join(io, `${sequence}.out`);
    const stderr = path.join(io, `${sequence}.err`);
    const out = openSync(stdout, 'w');
    const err = openSync(stderr, 'w');
    const child = spawn(wine, args, { env, stdio: ['ignore', out, err] });
    closeSync(out);
    closeSync(err);
    return { child, stdout, stderr };
  };
  const read = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const exitOf = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  return {
    dir, env, drive_c,
    start(args) {
      const { child, stdout, stderr } = launch(args);
      return { child, output: () => read(stdout) + read(stderr), exited: exitOf(child) };
    },
    async run(args, options = {}) {
      const { child, stdout, stderr } = launch(args);
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout_ms ?? 120_000);
      const code = await exitOf(child);
      clearTimeout(timer);
      return { code, stdout: read(stdout), stderr: read(stderr) };
    },
    kill() { spawnSync(server, ['-k'], { env, stdio: 'ignore', timeout: 60_000 }); },
  };
}
