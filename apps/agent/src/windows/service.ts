/**
 * The Windows service (spec E5, E6; ADR 0010). Node cannot be a service process by itself (no
 * StartServiceCtrlDispatcher without a native add-on), so NSSM 2.23 hosts it: NSSM is the service,
 * and it runs `<install root>\chaharsu-agent.exe supervise …` (the fixed launcher), which runs the
 * current version (update/supervisor.ts) and its watchdog. This file only builds the commands; they
 * are pure data so the tests check them on Linux, and `service-command.ts` runs them.
 *
 * What each setting is for:
 * - Start SERVICE_DELAYED_AUTO_START: starts with Windows, after the automatic services (SQL Server among them).
 * - AppExit Default Restart + AppRestartDelay + `sc failure`: restart on failure, by NSSM when the supervisor
 *   exits and by the service control manager when NSSM itself dies. AppThrottle stays at NSSM's 1.5 s:
 *   NSSM reports the service running only after that long, and `nssm start` gives up waiting on a longer one.
 * - AppStopMethodSkip 6 + AppStopMethodConsole: a stop sends Ctrl+C to the console the supervisor and the
 *   agent share (both see SIGINT; the agent finishes its command in progress, RunningAgent.stop()), and
 *   only after that allowance is the process tree terminated (NSSM 2.23 always ends the whole tree; it has
 *   no AppKillProcessTree setting, that came in 2.24).
 * - The service's security descriptor leaves administrators able to start and query it but not to stop,
 *   pause, reconfigure or delete it: stopping and uninstalling go through `chaharsu-agent service stop|uninstall
 *   --password …`, which restores the default descriptor first. An administrator who knows `sc sdset` can
 *   still do it by hand: the password keeps the agent from being stopped casually, not from the computer's owner.
 * - The install and data folders: SYSTEM and Administrators only (the data folder holds the identity and journal).
 * - WaitToKillServiceTimeout (machine-wide): NSSM 2.23 gets SERVICE_CONTROL_SHUTDOWN, not PRESHUTDOWN, so
 *   what Windows waits at shutdown for services is this value (5 s by default on Windows 10/11); install
 *   raises it to SHUTDOWN_ALLOWANCE_MS when lower, so a command in progress can finish (spec E6).
 */
import path from 'node:path';
import { windowsFolders } from '../config.js';

export const SERVICE_NAME = 'ChaharsuAgent';
export const SERVICE_DISPLAY_NAME = 'Chaharsu branch agent';
export const LAUNCHER_NAME = 'chaharsu-agent.exe';
export const NSSM_NAME = 'nssm.exe';
export const SHUTDOWN_ALLOWANCE_MS = 30_000;

/** SYSTEM: everything; Administrators: query, start, read and change the descriptor — no stop/pause/config/delete; users: query. */
export const PROTECTED_SDDL = 'D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCLCSWRPLOCRRCWD;;;BA)(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)';
/** The descriptor Windows gives a new service (restored before a stop or an uninstall). */
export const DEFAULT_SDDL = 'D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)';

const SYSTEM_SID = '*S-1-5-18';
const ADMINISTRATORS_SID = '*S-1-5-32-544';
const USERS_SID = '*S-1-5-32-545';

export interface ServiceLayout {
  install_root: string;
  data_dir: string;
  service_name?: string;
  /** How long a stop waits for the supervisor and the agent after Ctrl+C (the agent's own grace plus a margin). */
  stop_wait_ms?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ServiceStep {
  program: string;
  args: string[];
  /** What the step does, printed while installing. */
  why: string;
  /** A failure here is reported but does not stop the sequence (e.g. stopping a service that is not running). */
  may_fail?: boolean;
}

const system32 = (env: NodeJS.ProcessEnv, program: string): string => path.win32.join(env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows', 'System32', program);

export function serviceFiles(layout: ServiceLayout) {
  return {
    launcher: path.win32.join(layout.install_root, LAUNCHER_NAME),
    nssm: path.win32.join(layout.install_root, NSSM_NAME),
    service_log: path.win32.join(layout.data_dir, 'logs', 'service.log'),
  };
}

export function installSteps(layout: ServiceLayout): ServiceStep[] {
  const env = layout.env ?? windowsFolders();
  const name = layout.service_name ?? SERVICE_NAME;
  const { launcher, nssm, service_log } = serviceFiles(layout);
  const stopWait = String(layout.stop_wait_ms ?? 90_000);
  const set = (why: string, ...args: string[]): ServiceStep => ({ program: nssm, args: ['set', name, ...args], why });
  const sc = system32(env, 'sc.exe');
  const icacls = system32(env, 'icacls.exe');
  return [
    { program: nssm, args: ['install', name, launcher, 'supervise', '--install-root', layout.install_root, '--data-dir', layout.data_dir], why: 'register the service (NSSM hosts the supervisor)' },
    set('display name', 'DisplayName', SERVICE_DISPLAY_NAME),
    set('description', 'Description', 'Relays the Chaharsu branch panel to this branch\'s Holoo (exactly-once commands, health, catalog mirror).'),
    set('start with Windows, after the automatic services', 'Start', 'SERVICE_DELAYED_AUTO_START'),
    set('run as LocalSystem', 'ObjectName', 'LocalSystem'),
    set('working folder', 'AppDirectory', layout.install_root),
    set('restart on failure', 'AppExit', 'Default', 'Restart'),
    set('wait before a restart', 'AppRestartDelay', '5000'),
    set('stop with Ctrl+C, then terminate (no window or thread messages)', 'AppStopMethodSkip', '6'),
    set('time the agent has to finish its command after Ctrl+C', 'AppStopMethodConsole', stopWait),
    set('service output', 'AppStdout', service_log),
    set('service errors', 'AppStderr', service_log),
    set('rotate the service output', 'AppRotateFiles', '1'),
    set('rotate while running', 'AppRotateOnline', '1'),
    set('rotate at 5 MB', 'AppRotateBytes', String(5 * 1024 * 1024)),
    { program: sc, args: ['failure', name, 'reset=', '86400', 'actions=', 'restart/5000/restart/5000/restart/60000'], why: 'restart if the service host itself dies' },
    // may fail: wine's sc.exe lacks it; on Windows a FAIL line here means recovery covers crashes only.
    { program: sc, args: ['failureflag', name, '1'], why: 'recovery also when the service stops with an error', may_fail: true },
    { program: icacls, args: [layout.install_root, '/inheritance:r', '/grant:r', `${SYSTEM_SID}:(OI)(CI)F`, `${ADMINISTRATORS_SID}:(OI)(CI)F`, `${USERS_SID}:(OI)(CI)RX`], why: 'install folder: only SYSTEM and Administrators may write (versions, release keys)' },
    { program: icacls, args: [layout.data_dir, '/inheritance:r', '/grant:r', `${SYSTEM_SID}:(OI)(CI)F`, `${ADMINISTRATORS_SID}:(OI)(CI)F`], why: 'data folder: SYSTEM and Administrators only' },
    { program: sc, args: ['sdset', name, PROTECTED_SDDL], why: 'stopping and removing the service need the agent password (chaharsu-agent service stop|uninstall)' },
    { program: nssm, args: ['start', name], why: 'start the service' },
  ];
}

/** Before a stop or uninstall: the default descriptor back (the caller checked the agent password). */
export function unprotectStep(layout: ServiceLayout): ServiceStep {
  const env = layout.env ?? windowsFolders();
  return { program: system32(env, 'sc.exe'), args: ['sdset', layout.service_name ?? SERVICE_NAME, DEFAULT_SDDL], why: 'allow the stop (agent password checked)' };
}

export function stopSteps(layout: ServiceLayout): ServiceStep[] {
  const name = layout.service_name ?? SERVICE_NAME;
  const { nssm } = serviceFiles(layout);
  return [
    unprotectStep(layout),
    { program: nssm, args: ['stop', name], why: 'stop the service (the agent finishes its command in progress first)' },
    { program: system32(layout.env ?? windowsFolders(), 'sc.exe'), args: ['sdset', name, PROTECTED_SDDL], why: 'protect it again' },
  ];
}

export function uninstallSteps(layout: ServiceLayout): ServiceStep[] {
  const name = layout.service_name ?? SERVICE_NAME;
  const { nssm } = serviceFiles(layout);
  return [
    unprotectStep(layout),
    { program: nssm, args: ['stop', name], why: 'stop the service (the agent finishes its command in progress first)', may_fail: true },
    { program: nssm, args: ['remove', name, 'confirm'], why: 'remove the service' },
  ];
}

export function statusStep(layout: ServiceLayout): ServiceStep {
  return { program: system32(layout.env ?? windowsFolders(), 'sc.exe'), args: ['query', layout.service_name ?? SERVICE_NAME], why: 'service state' };
}

/** `reg query` / `reg add` for the shutdown allowance (read first: never lowered). */
export function shutdownAllowanceQuery(env: NodeJS.ProcessEnv = windowsFolders()): ServiceStep {
  return { program: system32(env, 'reg.exe'), args: ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control', '/v', 'WaitToKillServiceTimeout'], why: 'read the shutdown allowance for services', may_fail: true };
}

export function shutdownAllowanceRaise(current_ms: number | null, env: NodeJS.ProcessEnv = windowsFolders()): ServiceStep | null {
  if (current_ms !== null && current_ms >= SHUTDOWN_ALLOWANCE_MS) return null;
  return {
    program: system32(env, 'reg.exe'),
    args: ['add', 'HKLM\\SYSTEM\\CurrentControlSet\\Control', '/v', 'WaitToKillServiceTimeout', '/t', 'REG_SZ', '/d', String(SHUTDOWN_ALLOWANCE_MS), '/f'],
    why: `let services take up to ${SHUTDOWN_ALLOWANCE_MS / 1000} s at shutdown (a command in progress finishes; effective after a restart)`,
  };
}

/** The value in `reg query` output ("WaitToKillServiceTimeout    REG_SZ    5000"); null when absent. */
export function parseShutdownAllowance(output: string): number | null {
  const match = /WaitToKillServiceTimeout\s+REG_\w+\s+(\d+)/i.exec(output);
  return match?.[1] ? Number(match[1]) : null;
}

export type ServiceState = 'running' | 'stopped' | 'start_pending' | 'stop_pending' | 'paused' | 'not_installed' | 'unknown';

/** `sc query` output → state (the numeric code, so a localised Windows parses too). */
export function parseServiceState(output: string, exit_code: number | null): ServiceState {
  const match = /STATE\s*:\s*(\d+)/.exec(output);
  const states: Record<string, ServiceState> = { 1: 'stopped', 2: 'start_pending', 3: 'stop_pending', 4: 'running', 7: 'paused' };
  if (match?.[1]) return states[match[1]] ?? 'unknown';
  // Windows: exit 1060 "The specified service does not exist"; wine's sc.exe exits 1 silently. Access denied (5) or no run at all: unknown.
  if (exit_code === 1060 || /\b1060\b/.test(output)) return 'not_installed';
  if (exit_code === null || exit_code === 0 || exit_code === 5 || /FAILED 5\b/.test(output)) return 'unknown';
  return 'not_installed';
}

/** NSSM writes UTF-16LE to a pipe; sc.exe and reg.exe write the console code page. */
export function decodeToolOutput(output: Buffer): string {
  const zeros = output.subarray(0, 200).filter((byte) => byte === 0).length;
  return (zeros > 0 && zeros * 3 >= Math.min(output.length, 200) ? output.toString('utf16le') : output.toString('latin1')).replace(/\r\n/g, '\n');
}
