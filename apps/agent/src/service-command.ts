/**
 * `chaharsu-agent service install|uninstall|start|stop|status` (Windows; windows/service.ts has the
 * commands and why). Uninstall and stop need the agent password (spec E5), like `stop` and `settings`.
 * Run from an elevated prompt with the downloaded `chaharsu-agent.exe`:
 *   chaharsu-agent.exe enrol --server … --code … --sql-… --company …
 *   chaharsu-agent.exe service install [--install-root "C:\Program Files\Chaharsu\Agent"]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { identityFile } from './agent-config.js';
import { checkAgentPassword } from './local-protection.js';
import { windowsInstaller } from './update/installer.js';
import { AGENT_VERSION } from './version.js';
import {
  decodeToolOutput, installSteps, parseServiceState, parseShutdownAllowance, serviceFiles, shutdownAllowanceQuery, shutdownAllowanceRaise,
  statusStep, stopSteps, uninstallSteps, SERVICE_NAME, type ServiceLayout, type ServiceState, type ServiceStep,
} from './windows/service.js';
import { windowsFolders } from './config.js';

export interface StepResult { status: number | null; output: string }
export type StepRunner = (step: ServiceStep) => StepResult;

export const runStep: StepRunner = ({ program, args }) => {
  const result = spawnSync(program, args, { windowsHide: true, timeout: 180_000 });
  const output = decodeToolOutput(Buffer.concat([result.stdout ?? Buffer.alloc(0), result.stderr ?? Buffer.alloc(0)]));
  return { status: result.error ? null : result.status, output: result.error ? result.error.message : output };
};

export class ServiceCommandError extends Error {}

export interface ServiceCommandContext {
  layout: ServiceLayout;
  password: string | undefined;
  print: (line: string) => void;
  run?: StepRunner;
  /** The running executable and its embedded service host (install only; see main.ts). */
  executable?: { path: string; nssm: () => Buffer } | null;
}

export function defaultInstallRoot(env: NodeJS.ProcessEnv = windowsFolders()): string {
  return path.win32.join(env.ProgramFiles ?? 'C:\\Program Files', 'Chaharsu', 'Agent');
}

function runSteps(steps: ServiceStep[], context: ServiceCommandContext): void {
  const run = context.run ?? runStep;
  for (const step of steps) {
    const result = run(step);
    const ok = result.status === 0;
    context.print(`${ok ? 'ok  ' : 'FAIL'} ${step.why}`);
    if (!ok && !step.may_fail) throw new ServiceCommandError(`${path.win32.basename(step.program)} ${step.args.slice(0, 2).join(' ')} failed (exit ${result.status ?? 'none'}): ${result.output.trim().slice(0, 500)}`);
  }
}

export function serviceState(context: ServiceCommandContext): ServiceState {
  const result = (context.run ?? runStep)(statusStep(context.layout));
  return parseServiceState(result.output, result.status);
}

async function requirePassword(context: ServiceCommandContext, action: string): Promise<void> {
  const { data_dir } = context.layout;
  const check = await checkAgentPassword(data_dir, context.password ?? '');
  if (check === 'ok') return;
  if (check === 'not_received' && !existsSync(identityFile(data_dir))) return; // never enrolled: nothing to protect yet
  throw new ServiceCommandError(check === 'wrong'
    ? `wrong agent password: ${action} needs the agent password the panel shows (owner, manager, support partner)`
    : `${action} needs the agent password, and this agent has not received it from the panel yet (it must connect once)`);
}

function install(context: ServiceCommandContext): void {
  const { layout } = context;
  const executable = context.executable;
  if (!executable) throw new ServiceCommandError('service install runs on Windows, from chaharsu-agent.exe (the single executable)');
  if (!existsSync(identityFile(layout.data_dir))) throw new ServiceCommandError(`not enrolled (data folder ${layout.data_dir}): run "chaharsu-agent enrol" first`);
  const state = serviceState(context);
  if (state !== 'not_installed') throw new ServiceCommandError(`the service ${layout.service_name ?? SERVICE_NAME} is already installed (${state}); uninstall it first`);
  mkdirSync(layout.install_root, { recursive: true });
  mkdirSync(path.win32.join(layout.data_dir, 'logs'), { recursive: true });
  const files = serviceFiles(layout);
  if (path.win32.resolve(executable.path).toLowerCase() !== files.launcher.toLowerCase()) copyFileSync(executable.path, files.launcher);
  writeFileSync(files.nssm, executable.nssm());
  const installer = windowsInstaller(layout.install_root);
  if (!installer.currentVersion()) {
    installer.stage(AGENT_VERSION, readFileSync(executable.path));
    installer.activate(AGENT_VERSION);
  }
  context.print(`installed version ${installer.currentVersion() ?? AGENT_VERSION} under ${layout.install_root}`);
  const run = context.run ?? runStep;
  const query = shutdownAllowanceQuery(layout.env);
  const current = parseShutdownAllowance(run(query).output);
  const raise = shutdownAllowanceRaise(current, layout.env);
  runSteps([...(raise ? [raise] : []), ...installSteps(layout)], context);
}

export async function runServiceCommand(action: string | undefined, context: ServiceCommandContext): Promise<void> {
  const { layout } = context;
  if (action === 'install') return install(context);
  if (action === 'status') {
    const state = serviceState(context);
    const version = existsSync(layout.install_root) ? windowsInstaller(layout.install_root).currentVersion() : null;
    context.print(`service ${layout.service_name ?? SERVICE_NAME}: ${state}${version ? `; current version ${version}` : ''}`);
    return;
  }
  if (action === 'start') return runSteps([{ program: serviceFiles(layout).nssm, args: ['start', layout.service_name ?? SERVICE_NAME], why: 'start the service' }], context);
  if (action === 'stop' || action === 'uninstall') {
    await requirePassword(context, `service ${action}`);
    runSteps(action === 'stop' ? stopSteps(layout) : uninstallSteps(layout), context);
    if (action === 'uninstall') context.print(`the data folder ${layout.data_dir} (identity, journal, logs) is kept; delete it by hand to forget this agent`);
    return;
  }
  throw new ServiceCommandError('usage: chaharsu-agent service install|uninstall|start|stop|status [--install-root <dir>] [--data-dir <dir>] [--password <agent password>]');
}
