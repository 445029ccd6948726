/**
 * The running agent: the server link, the command runner, heartbeats and log shipping.
 * Everything it learns is either in its journal (fsync'ed) or in the branch database, so it can be
 * killed at any instant and started again.
 */
import path from 'node:path';
import { connectHolooSimulator, connectSqlServer, type HolooInstance } from '@chaharsu/holoo';
import type { ServerMessage } from '@chaharsu/branch-sync/protocol';
import type { AgentIdentityFile } from './agent-config.js';
import { CommandRunner } from './command-runner.js';
import type { Faults } from './faults.js';
import { collectHealth } from './health.js';
import { CommandJournal } from './journal.js';
import { MirrorScanner } from './mirror.js';
import { storePasswordVerifier } from './local-protection.js';
import type { AgentLog } from './log.js';
import type { AgentPlatform } from './platform.js';
import { ServerLink, type ReconnectPolicy } from './server-link.js';
import { AGENT_VERSION } from './version.js';
import { Updater } from './update/updater.js';

export interface AgentOptions {
  data_dir: string;
  identity: AgentIdentityFile;
  platform: AgentPlatform;
  log: AgentLog;
  faults: Faults;
  reconnect: ReconnectPolicy;
  /** How often the catalog mirror is scanned for changes (the panel can also ask for a full resync). */
  mirror_interval_ms?: number;
  /** Self-update: the supervisor's versions folder (null: not supervised), the pinned release keys, and how to hand over. */
  update?: { install_root: string | null; trusted_keys: readonly string[]; onSwitchRequested(): void };
}

export interface RunningAgent {
  /** Drops the server connection (it comes back by itself). */
  cutConnection(): void;
  /** Waits for the command being applied, then stops (Windows pre-shutdown uses this). */
  stop(): Promise<void>;
}

export function openHoloo(identity: AgentIdentityFile, platform: AgentPlatform): HolooInstance {
  const holoo = identity.holoo;
  if (holoo.kind === 'simulator') return connectHolooSimulator({ url: holoo.url });
  return connectSqlServer({
    server: holoo.server, instance_name: holoo.instance_name, port: holoo.port, user: holoo.user,
    password: platform.unprotectSecret(holoo.password_protected), application_name: 'chaharsu-agent',
  });
}

/** Ports the health check expects open: SQL Server's fixed TCP port when configured (a named instance is found through SQL Browser, UDP 1434, which a TCP probe cannot check). */
function expectedPorts(identity: AgentIdentityFile): Array<{ name: string; host: string; port: number }> {
  const holoo = identity.holoo;
  return holoo.kind === 'sql_server' && holoo.port ? [{ name: 'sql_server', host: holoo.server, port: holoo.port }] : [];
}

export function startAgent(options: AgentOptions): RunningAgent {
  const { identity, platform, log, faults } = options;
  const started_at = Date.now();
  const journal = CommandJournal.open(options.data_dir);
  const holoo = openHoloo(identity, platform);
  let lastError: string | null = null;
  let heartbeatTimer: NodeJS.Timeout | null = null;
  let heartbeatEvery = identity.heartbeat_interval_ms;
  let healthyMarked = false;
  const secret = platform.unprotectSecret(identity.secret_protected);

  const link: ServerLink = new ServerLink({
    server_url: identity.server_url, org_id: identity.org_id, agent_id: identity.agent_id,
    secret, server_public_key: identity.server_public_key,
    server_fingerprint: identity.server_fingerprint, agent_version: AGENT_VERSION,
  }, {
    onWelcome: (welcome) => {
      journal.raiseFloor(welcome.settled_through_seq);
      try { storePasswordVerifier(platform, options.data_dir, welcome.password_verifier); } catch (error) { log.error('could not store the agent password verifier', error); }
      heartbeatEvery = welcome.heartbeat_interval_ms;
      runner.resendUnacked();
      updater.reportOutcome();
      void heartbeat();
      runner.kick();
      mirror.scanSoon();
    },
    onMessage: (message) => void onServerMessage(message),
    onDisconnect: (reason) => {
      mirror.onDisconnect();
      log.warn(`lost the connection to the server (${reason})`);
      platform.notifyUser('chaharsu', 'connection to the panel lost; retrying');
    },
  }, log, options.reconnect);

  const runner = new CommandRunner(journal, holoo, {
    sendReceived: (command_id) => link.send({ type: 'command.received', command_id }),
    sendResult: (result) => link.send({ type: 'command.result', ...result }),
    sendTrouble: (command_id, error, transient) => { lastError = error; return link.send({ type: 'command.trouble', command_id, error: error.slice(0, 2000), transient }); },
  }, faults, log);

  const mirror = new MirrorScanner({
    data_dir: options.data_dir, holoo, databases: identity.company_databases, platform, log,
    interval_ms: options.mirror_interval_ms ?? 5 * 60_000, send: (batch) => link.send(batch),
  });

  const updater = new Updater({
    data_dir: options.data_dir, server_url: identity.server_url, org_id: identity.org_id, agent_id: identity.agent_id, secret,
    running_version: AGENT_VERSION, platform, log,
    installer: options.update?.install_root ? platform.updateInstaller(options.update.install_root) : null,
    trusted_keys: options.update?.trusted_keys ?? [], send: (report) => link.send(report),
    requestSwitch: () => options.update?.onSwitchRequested(),
  });

  async function onServerMessage(message: ServerMessage): Promise<void> {
    try {
      if (message.type === 'command') {
        await runner.onDelivery(message);
        if (faults.duplicateDelivery()) await runner.onDelivery(message);
      } else if (message.type === 'command.result_ack') {
        runner.onResultAck(message.command_id);
      } else if (message.type === 'mirror.ack') {
        mirror.onAck(message.batch_id);
      } else if (message.type === 'mirror.resync') {
        mirror.requestFull(message.company_database);
      } else if (message.type === 'update.offer') {
        await updater.onOffer(message);
      }
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      log.error('could not handle a server message', error);
    }
  }

  async function heartbeat(): Promise<void> {
    if (heartbeatTimer) clearTimeout(heartbeatTimer);
    try {
      if (link.ready) {
        const health = await collectHealth({
          holoo, platform, data_dir: options.data_dir, agent_version: AGENT_VERSION, bound_databases: identity.company_databases,
          ports: expectedPorts(identity), queue_length: journal.openCount(), last_error: lastError, started_at,
        });
        // Connected and reporting: this version is healthy (the supervisor's trial of a new version waits for this).
        if (link.send({ type: 'heartbeat', health }) && !healthyMarked) { updater.markHealthy(); healthyMarked = true; }
        updater.checkConfirmation();
        // The supervisor writes its verdict after this version marked itself healthy: reported at the next heartbeat.
        updater.reportOutcome();
        const entries = log.takeShippable(100);
        if (entries.length && !link.send({ type: 'log', entries })) log.requeue(entries);
      }
    } catch (error) {
      log.warn('heartbeat failed', error);
    } finally {
      heartbeatTimer = setTimeout(() => void heartbeat(), heartbeatEvery);
    }
  }

  log.info(`agent ${identity.agent_id} starting (version ${AGENT_VERSION}, data in ${path.resolve(options.data_dir)})`);
  link.start();
  // Commands stored before a crash are applied now, even before the server is reachable.
  runner.kick();

  return {
    cutConnection: () => link.cut(),
    async stop() {
      if (heartbeatTimer) clearTimeout(heartbeatTimer);
      updater.stop();
      mirror.stop();
      runner.stop();
      await runner.busy;
      link.stop();
      journal.close();
      await holoo.close();
    },
  };
}
