#!/usr/bin/env node
/** `chaharsu-agent`: enrol once, then run (as a Windows service in production). See config.ts for the options. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { readIdentity, type HolooConnection } from './agent-config.js';
import { startAgent } from './agent.js';
import { parseCommandLine, runtimeSettings, supervisedEnvironment } from './config.js';
import { enrol } from './enrol.js';
import { faultsFrom } from './faults.js';
import { createAgentLog } from './log.js';
import { currentPlatform } from './platform-current.js';
import { checkAgentPassword, pidFile } from './local-protection.js';
import { defaultInstallRoot, runServiceCommand, ServiceCommandError } from './service-command.js';
import { startLivenessBeat } from './update/liveness.js';
import { deferKeepAliveUntilConnected } from './windows/socket-keepalive.js';
import { AGENT_VERSION } from './version.js';
import type { AgentPlatform } from './platform.js';
import { createSqlLogin, DEFAULT_AGENT_LOGIN, loginScriptText, rotateSqlLogin } from './sql-login.js';
import { EXIT_SWITCH_VERSION, supervise } from './update/supervisor.js';
import { confirmStagedUpdate, readPinnedReleaseKeys } from './update/updater.js';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** The login script: an asset of the Windows executable, the file in packages/holoo in development. */
const loginScript = (): string => loginScriptText(isSea() ? () => Buffer.from(getAsset('create-agent-login.sql')).toString('utf8') : null);

async function holooFrom(values: ReturnType<typeof parseCommandLine>['values'], platform: AgentPlatform, data_dir: string): Promise<HolooConnection> {
  const protect = (s: string) => platform.protectSecret(s);
  if (values['holoo-simulator']) return { kind: 'simulator', url: values['holoo-simulator'] };
  if (values['create-sql-login']) {
    if (!values['sql-server']) fail('--create-sql-login needs --sql-server <host> (and --sql-instance / --sql-port if the instance needs them)');
    const holoo = await createSqlLogin({ platform, script: loginScript(), sqlcmd: values.sqlcmd, work_dir: data_dir },
      { server: values['sql-server'], instance_name: values['sql-instance'], port: values['sql-port'] ? Number(values['sql-port']) : undefined },
      values['sql-login'] ?? DEFAULT_AGENT_LOGIN);
    process.stdout.write(`SQL login ${holoo.user} created with a generated password (kept protected in agent.json)\n`);
    return holoo;
  }
  if (!values['sql-server'] || !values['sql-user'] || !values['sql-password']) fail('give --holoo-simulator <url>, or --sql-server with --create-sql-login (the agent makes its own login), or --sql-server, --sql-user and --sql-password');
  return {
    kind: 'sql_server', server: values['sql-server'], instance_name: values['sql-instance'],
    port: values['sql-port'] ? Number(values['sql-port']) : undefined, user: values['sql-user'], password_protected: protect(values['sql-password']),
  };
}

async function main(): Promise<void> {
  if (process.platform === 'win32') deferKeepAliveUntilConnected();
  const { values, positionals } = parseCommandLine(process.argv.slice(2));
  const command = positionals[0] ?? 'run';
  const settings = runtimeSettings(values['data-dir']);
  const platform = currentPlatform((line) => process.stderr.write(`${line}\n`));
  if (command === 'version') { process.stdout.write(`${AGENT_VERSION}\n`); return; }
  // Windows: the service host stops its program with Ctrl+C (SIGINT); Ctrl+Break arrives as SIGBREAK.
  const stopSignals: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM', 'SIGBREAK'] : ['SIGINT', 'SIGTERM'];
  mkdirSync(settings.data_dir, { recursive: true, mode: 0o700 });
  const log = createAgentLog({ dir: path.join(settings.data_dir, 'logs'), echo: settings.log_echo });

  if (command === 'enrol') {
    if (!values.server || !values.code) fail('enrol needs --server <url> and --code <enrolment code>');
    const identity = await enrol(platform, {
      server_url: values.server, code: values.code, data_dir: settings.data_dir,
      holoo: await holooFrom(values, platform, settings.data_dir), company_databases: values.company ?? [],
    });
    process.stdout.write(`enrolled: agent ${identity.agent_id} for branch ${identity.branch_id}; server fingerprint ${identity.server_fingerprint}\n`);
    return;
  }
  if (command === 'supervise' || command === 'install-version') {
    const install_root = values['install-root'] ? path.resolve(values['install-root']) : settings.install_root;
    if (!install_root) fail(`${command} needs --install-root <dir> (the folder holding versions/ and current)`);
    const installer = platform.updateInstaller(install_root);
    if (command === 'install-version') {
      if (!values.file || !values.version) fail('install-version needs --file <artifact> and --version <v>');
      installer.stage(values.version, readFileSync(values.file));
      installer.activate(values.version);
      process.stdout.write(`installed version ${values.version} under ${install_root}\n`);
      return;
    }
    // Its own log folder: the agent versions it runs rotate logs/agent.log themselves.
    const supervisorLog = createAgentLog({ dir: path.join(settings.data_dir, 'logs', 'supervisor'), echo: settings.log_echo });
    const stop = new AbortController();
    for (const signal of stopSignals) process.on(signal, () => stop.abort());
    await supervise({
      installer, platform, data_dir: settings.data_dir, args: ['run', '--data-dir', settings.data_dir],
      health_timeout_ms: settings.update_health_timeout_ms, restart_delay_ms: 5_000, log: (line) => supervisorLog.info(line),
      env: supervisedEnvironment(install_root),
      watchdog: { hang_timeout_ms: settings.watchdog_timeout_ms }, stop_grace_ms: settings.stop_grace_ms,
      // Windows: the agent gets the same console Ctrl+C as this process; Node's kill there would be TerminateProcess.
      signal_children: process.platform !== 'win32',
    }, stop.signal);
    return;
  }
  if (command === 'service') {
    const layout = { install_root: values['install-root'] ? path.resolve(values['install-root']) : defaultInstallRoot(), data_dir: settings.data_dir };
    await runServiceCommand(positionals[1], {
      layout, password: values.password, print: (line) => process.stdout.write(`${line}\n`),
      executable: process.platform === 'win32' && isSea() ? { path: process.execPath, nssm: () => Buffer.from(getAsset('nssm.exe')) } : null,
    });
    return;
  }
  if (command === 'settings' || command === 'stop' || command === 'update' || command === 'sql-login') {
    // Spec E5: both need the agent password the panel shows to owner, manager and support partner.
    const check = await checkAgentPassword(settings.data_dir, values.password ?? '');
    if (check === 'not_received') fail('this agent has not received its password from the panel yet (it must connect once)');
    if (check === 'wrong') { log.warn(`wrong agent password for "${command}"`); fail('wrong agent password'); }
    if (command === 'update') {
      if (positionals[1] !== 'confirm') fail('usage: chaharsu-agent update confirm --password <agent password>');
      const version = confirmStagedUpdate(platform, settings.data_dir);
      if (!version) fail('no downloaded version is waiting for confirmation');
      log.info(`update to ${version} confirmed at the branch computer`);
      process.stdout.write(`version ${version} confirmed: the agent switches to it within one heartbeat\n`);
      return;
    }
    if (command === 'sql-login') {
      if (positionals[1] !== 'rotate') fail('usage: chaharsu-agent sql-login rotate --password <agent password> [--sqlcmd <path>]');
      const updated = await rotateSqlLogin({ platform, script: loginScript(), sqlcmd: values.sqlcmd, work_dir: settings.data_dir }, settings.data_dir);
      log.info(`SQL login ${updated.holoo.kind === 'sql_server' ? updated.holoo.user : ''} given a new password at the branch computer`);
      process.stdout.write('the SQL login has a new password; restart the agent (service) so that it connects with it\n');
      return;
    }
    const identity = readIdentity(settings.data_dir);
    if (command === 'settings') {
      if (!identity) fail('not enrolled');
      const { secret_protected: _secret, holoo, ...shown } = identity;
      process.stdout.write(`${JSON.stringify({ ...shown, holoo: holoo.kind === 'sql_server' ? { ...holoo, password_protected: '***' } : holoo }, null, 2)}\n`);
      return;
    }
    if (process.platform === 'win32') {
      // No signals on Windows (kill = TerminateProcess, mid-command): stop the service, which sends Ctrl+C.
      log.info('stop requested with the agent password (stopping the service)');
      await runServiceCommand('stop', { layout: { install_root: values['install-root'] ? path.resolve(values['install-root']) : defaultInstallRoot(), data_dir: settings.data_dir }, password: values.password, print: (line) => process.stdout.write(`${line}\n`) });
      return;
    }
    const pid = Number(readFileSync(pidFile(settings.data_dir), 'utf8'));
    log.info(`stop requested with the agent password (pid ${pid})`);
    process.kill(pid, 'SIGTERM');
    return;
  }
  if (command !== 'run') fail(`unknown command "${command}" (version | enrol | run | settings | stop | supervise | install-version | update confirm | sql-login rotate | service install|uninstall|start|stop|status)`);

  const identity = readIdentity(settings.data_dir);
  if (!identity) fail(`not enrolled: run "chaharsu-agent enrol" first (data dir ${settings.data_dir})`);
  const faults = faultsFrom(settings.faults, (point) => log.warn(`fault injection: killing the agent at ${point}`));
  writeFileSync(pidFile(settings.data_dir), String(process.pid), { mode: 0o600 });
  // The supervisor's watchdog watches this beat (a hung event loop stops it).
  const stopBeat = startLivenessBeat(platform, settings.data_dir, settings.liveness_interval_ms, (error) => log.warn('could not write the liveness beat', error));
  let switching = false;
  const agent = startAgent({
    data_dir: settings.data_dir, identity, platform, log, faults, reconnect: settings.reconnect, mirror_interval_ms: settings.mirror_interval_ms,
    update: {
      install_root: settings.install_root, trusted_keys: readPinnedReleaseKeys(settings.release_keys_file),
      // Hand over to the supervisor: finish the command in progress, then exit with the switch code.
      onSwitchRequested: () => {
        if (switching) return;
        switching = true;
        void agent.stop().catch((error: unknown) => log.error('error while stopping for an update', error)).finally(() => process.exit(EXIT_SWITCH_VERSION));
      },
    },
  });

  // The fault-injection harness (a forked child has an IPC channel) can cut the connection.
  if (settings.faults && process.send) {
    process.on('message', (message) => { if (message === 'cut') agent.cutConnection(); });
  }
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info(`stopping on ${signal} (waiting for the command in progress)`);
    await agent.stop().catch((error: unknown) => log.error('error while stopping', error));
    stopBeat();
    log.info('stopped');
    process.exit(0);
  };
  for (const signal of stopSignals) process.on(signal, () => void stop(signal));
}

main().catch((error: unknown) => {
  if (error instanceof ServiceCommandError) fail(error.message);
  process.stderr.write(`chaharsu-agent: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
