/**
 * The running agent: the server link, the command runner, heartbeats and log shipping.
 * Everything it learns is either in its journal (fsync'ed) or in the branch database, so it can be
 * killed at any instant and started again.
 */
import path from 'node:path';
import type { HolooInstance } from '@chaharsu/holoo';
import type { ServerMessage } from '@chaharsu/branch-sync/protocol';
import type { AgentIdentityFile } from './agent-config.js';
import { applyConnectionSettings, effectiveConnection, expectedPorts, LocalStatusListener, openHolooConnection, rediscoverSqlServer, SwitchableHoloo } from './connection-settings.js';
import type { HolooConnection } from './agent-config.js';
import { rotationProof, storeRotatedSecret, verifierDigest } from './credentials.js';
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

/** The agent's Holoo instance: the enrolment's connection with the panel's settings (SQL Server port) applied. */
export function openHoloo(identity: AgentIdentityFile, platform: AgentPlatform): HolooInstance {
  return openHolooConnection(effectiveConnection(identity), platform);
}

export function startAgent(options: AgentOptions): RunningAgent {
  const { platform, log, faults } = options;
  /** Replaced when a secret rotation or a settings revision is stored (agent.json is rewritten each time). */
  let identity = options.identity;
  const started_at = Date.now();
  const journal = CommandJournal.open(options.data_dir);
  const holoo = new SwitchableHoloo(openHoloo(identity, platform));
  let lastError: string | null = null;
  let heartbeatTimer: NodeJS.Timeout | null = null;
  let heartbeatEvery = identity.heartbeat_interval_ms;
  let healthyMarked = false;
  let secret = platform.unprotectSecret(identity.secret_protected);
  /** A SQL Server port found through SQL Browser after the configured one stopped answering (this run only). */
  let foundSqlPort: number | null = null;
  let lastRediscoveryAt = 0;
  const connectionInUse = (): HolooConnection => {
    const connection = effectiveConnection(identity);
    return foundSqlPort !== null && connection.kind === 'sql_server' ? { ...connection, port: foundSqlPort } : connection;
  };
  const local = new LocalStatusListener(() => ({
    agent_id: identity.agent_id, branch_id: identity.branch_id, agent_version: AGENT_VERSION, connected: link.ready,
    queue_length: journal.openCount(), settings_revision: identity.settings?.revision ?? 0, last_error: lastError,
  }));

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
    data_dir: options.data_dir, server_url: identity.server_url, org_id: identity.org_id, agent_id: identity.agent_id,
    // A getter: downloads after a secret rotation are signed with the secret in force.
    get secret() { return secret; },
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
      } else if (message.type === 'secret.rotate') {
        onSecretRotate(message);
      } else if (message.type === 'password.verifier') {
        storePasswordVerifier(platform, options.data_dir, message.password_verifier);
        link.send({ type: 'password.stored', verifier_sha256: verifierDigest(message.password_verifier) });
      } else if (message.type === 'settings') {
        const applied = await applyConnectionSettings({ message, identity, platform, data_dir: options.data_dir, holoo, local, commandDone: () => runner.busy });
        identity = applied.identity;
        if (applied.result.outcome === 'applied') foundSqlPort = null; // the panel's port is the truth again
        if (applied.result.outcome === 'failed') log.error(`connection settings revision ${message.revision} not applied: ${applied.result.error ?? ''}`);
        else log.info(`connection settings revision ${message.revision} in force (SQL Server port ${message.sql_port ?? 'as enrolled'}, local port ${message.local_port ?? 'none'})`);
        link.send(applied.result);
      }
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      log.error('could not handle a server message', error);
    }
  }

  /** Stored first (durably), proven second: a crash in between leaves a secret the server accepts either way. */
  function onSecretRotate(message: Extract<ServerMessage, { type: 'secret.rotate' }>): void {
    const stored = storeRotatedSecret({ platform, data_dir: options.data_dir, identity, current_secret: secret, rotation_id: message.rotation_id, sealed_secret: message.sealed_secret });
    identity = stored.identity;
    secret = stored.secret;
    link.updateSecret(secret);
    if (stored.stored) log.info(`agent secret rotated (rotation ${message.rotation_id}); confirming to the server`);
    faults.at('after_secret_stored');
    link.send({ type: 'secret.rotated', rotation_id: message.rotation_id, proof: rotationProof(secret, identity.agent_id, message.rotation_id) });
  }

  /** At most once a minute while SQL Server does not answer: ask SQL Browser whether the instance moved to another port. */
  async function findSqlServerAgain(): Promise<void> {
    if (Date.now() - lastRediscoveryAt < 60_000) return;
    lastRediscoveryAt = Date.now();
    const before = connectionInUse();
    try {
      const port = await rediscoverSqlServer({ connection: before, holoo, platform, commandDone: () => runner.busy });
      if (port === null) return;
      foundSqlPort = port;
      log.warn(`SQL Server no longer answered on port ${before.kind === 'sql_server' ? before.port ?? '' : ''}; SQL Browser says the instance listens on ${port} now: using it (set it in the panel's connection settings to keep it)`);
    } catch (error) {
      log.warn('could not look for SQL Server through SQL Browser', error);
    }
  }

  async function heartbeat(): Promise<void> {
    if (heartbeatTimer) clearTimeout(heartbeatTimer);
    try {
      if (link.ready) {
        const health = await collectHealth({
          holoo, platform, data_dir: options.data_dir, agent_version: AGENT_VERSION, bound_databases: identity.company_databases,
          ports: expectedPorts(connectionInUse(), local.port), queue_length: journal.openCount(), last_error: lastError, started_at,
          settings_revision: identity.settings?.revision ?? 0,
        });
        // Connected and reporting: this version is healthy (the supervisor's trial of a new version waits for this).
        if (link.send({ type: 'heartbeat', health }) && !healthyMarked) { updater.markHealthy(); healthyMarked = true; }
        if (!health.sql_reachable) void findSqlServerAgain();
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
  const localPort = identity.settings?.local_port ?? null;
  if (localPort !== null) {
    local.prepare(localPort).then((commit) => commit(), (error: unknown) => log.error(`cannot listen on 127.0.0.1:${localPort}`, error));
  }
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
      local.close();
      journal.close();
      await holoo.close();
    },
  };
}
