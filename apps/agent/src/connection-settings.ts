/**
 * Connection settings the panel sets for a branch (spec A2, E3 "changing its port is coordinated with the
 * panel"): the SQL Server port and the agent's local status port. The agent applies a revision all or nothing:
 * it first proves the new SQL Server port answers and binds the new local port, then stores the revision in
 * agent.json and switches; otherwise it keeps what works and reports why (`settings.result` failed). Heartbeats
 * report the ports in use, so the panel sees every change (and records it as a `ports_changed` event).
 */
import { createServer, type Server } from 'node:http';
import { connectHolooSimulator, connectSqlServer, type HolooInstance } from '@chaharsu/holoo';
import type { AgentSettings, SettingsResult } from '@chaharsu/branch-sync/protocol';
import { writeIdentity, type AgentIdentityFile, type HolooConnection } from './agent-config.js';
import type { AgentPlatform } from './platform.js';

/** What the runner, the mirror and the health check use of a Holoo instance. */
export type HolooAccess = Pick<HolooInstance, 'company' | 'dialect' | 'probeHealth'>;

const NO_SETTINGS = { revision: 0, sql_port: null, local_port: null } as const;
/** How long a replaced Holoo connection stays open for work already running on it (a mirror page, a probe). */
const RETIRE_GRACE_MS = 30_000;

/** The enrolment's connection with the panel's SQL Server port applied (the simulator: the port of its URL). */
export function effectiveConnection(identity: AgentIdentityFile): HolooConnection {
  const port = identity.settings?.sql_port ?? null;
  if (port === null) return identity.holoo;
  if (identity.holoo.kind === 'simulator') {
    const url = new URL(identity.holoo.url);
    url.port = String(port);
    return { ...identity.holoo, url: url.toString() };
  }
  return { ...identity.holoo, port };
}

/** Where SQL Server listens, when a TCP port is known (a named instance found through SQL Browser has none here). */
export function sqlServerEndpoint(connection: HolooConnection): { host: string; port: number } | null {
  if (connection.kind === 'simulator') {
    const url = new URL(connection.url);
    return { host: url.hostname || 'localhost', port: Number(url.port || 5432) };
  }
  return connection.port ? { host: connection.server, port: connection.port } : null;
}

export function openHolooConnection(connection: HolooConnection, platform: AgentPlatform): HolooInstance {
  if (connection.kind === 'simulator') return connectHolooSimulator({ url: connection.url });
  return connectSqlServer({
    server: connection.server, instance_name: connection.instance_name, port: connection.port, user: connection.user,
    password: platform.unprotectSecret(connection.password_protected), application_name: 'chaharsu-agent',
  });
}

/** The Holoo instance in use, replaceable while the agent runs (a new SQL Server port). */
export class SwitchableHoloo implements HolooAccess {
  readonly #retiring = new Set<HolooInstance>();
  constructor(private current: HolooInstance) {}

  get dialect(): HolooInstance['dialect'] { return this.current.dialect; }
  company(database: string): ReturnType<HolooInstance['company']> { return this.current.company(database); }
  probeHealth(options?: { timeout_ms?: number }): ReturnType<HolooInstance['probeHealth']> { return this.current.probeHealth(options); }

  /** Uses `next` from now on; the old instance is closed after `after` (the command in progress) and a grace period. */
  switchTo(next: HolooInstance, after: Promise<unknown>): void {
    const old = this.current;
    this.current = next;
    this.#retiring.add(old);
    void after.finally(() => {
      const timer = setTimeout(() => void this.retire(old), RETIRE_GRACE_MS);
      timer.unref();
    });
  }

  private async retire(instance: HolooInstance): Promise<void> {
    if (!this.#retiring.delete(instance)) return;
    await instance.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const instance of [...this.#retiring]) await this.retire(instance);
    await this.current.close();
  }
}

/**
 * The agent's local status listener on 127.0.0.1 (spec A2 "the port the agent listens on locally"): GET /status
 * answers what a person or a monitoring tool at the branch may see (no secrets). Never on another interface.
 */
export class LocalStatusListener {
  #server: Server | null = null;
  #port: number | null = null;
  constructor(private readonly status: () => unknown) {}

  get port(): number | null { return this.#port; }

  /** Binds `port` (null: none) next to the current listener; the returned commit closes the old one. Throws when it cannot bind. */
  async prepare(port: number | null): Promise<() => void> {
    if (port === this.#port) return () => undefined;
    const next = port === null ? null : await this.listen(port);
    return () => {
      this.#server?.close();
      this.#server = next;
      this.#port = port;
    };
  }

  private listen(port: number): Promise<Server> {
    const server = createServer((req, res) => {
      const ok = req.method === 'GET' && req.url === '/status';
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(ok ? this.status() : { error: 'not_found' }));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(server); });
    });
  }

  close(): void {
    this.#server?.close();
    this.#server = null;
    this.#port = null;
  }
}

export interface ApplySettingsInput {
  message: AgentSettings;
  identity: AgentIdentityFile;
  platform: AgentPlatform;
  data_dir: string;
  holoo: SwitchableHoloo;
  local: LocalStatusListener;
  /** Resolves when the command being applied (if any) is done: the old SQL connection is closed only after it. */
  commandDone: () => Promise<unknown>;
  open?: (connection: HolooConnection, platform: AgentPlatform) => HolooInstance;
}

/** Applies one settings revision all or nothing; returns the identity in force and the answer for the server. */
export async function applyConnectionSettings(input: ApplySettingsInput): Promise<{ identity: AgentIdentityFile; result: SettingsResult }> {
  const { message, identity } = input;
  const current = identity.settings ?? NO_SETTINGS;
  const answer = (outcome: 'applied' | 'failed', error: string | null): SettingsResult => ({ type: 'settings.result', revision: message.revision, outcome, error: error?.slice(0, 2000) ?? null });
  // Already in force (the confirmation was lost): confirm again.
  if (message.revision <= current.revision) return { identity, result: answer('applied', null) };
  const next: AgentIdentityFile = { ...identity, settings: { revision: message.revision, sql_port: message.sql_port, local_port: message.local_port } };

  let candidate: HolooInstance | null = null;
  if (message.sql_port !== current.sql_port) {
    candidate = (input.open ?? openHolooConnection)(effectiveConnection(next), input.platform);
    const probe = await candidate.probeHealth({ timeout_ms: 5_000 });
    if (!probe.reachable) {
      await candidate.close().catch(() => undefined);
      return { identity, result: answer('failed', `SQL Server does not answer with port ${message.sql_port ?? '(as enrolled)'}: ${probe.error ?? 'unreachable'}; keeping the previous connection`) };
    }
  }
  let commitLocal: () => void;
  try {
    commitLocal = await input.local.prepare(message.local_port);
  } catch (error) {
    await candidate?.close().catch(() => undefined);
    return { identity, result: answer('failed', `cannot listen on 127.0.0.1:${message.local_port}: ${error instanceof Error ? error.message : String(error)}; keeping the previous port`) };
  }
  writeIdentity(input.platform, input.data_dir, next);
  if (candidate) input.holoo.switchTo(candidate, input.commandDone());
  commitLocal();
  return { identity: next, result: answer('applied', null) };
}

/** Ports the health check reports and probes: SQL Server's TCP port when known, and the local status port. */
export function expectedPorts(connection: HolooConnection, local_port: number | null): Array<{ name: string; host: string; port: number }> {
  const ports: Array<{ name: string; host: string; port: number }> = [];
  const sql = sqlServerEndpoint(connection);
  if (sql) ports.push({ name: 'sql_server', ...sql });
  if (local_port !== null) ports.push({ name: 'local_status', host: '127.0.0.1', port: local_port });
  return ports;
}

/**
 * SQL Server Browser (SSRP, UDP 1434): asks which TCP port a named instance listens on now. The request is
 * CLNT_UCAST_INST (0x04 + instance name + NUL); the answer SVR_RESP is 0x05, a 2-byte length, then
 * `ServerName;…;InstanceName;TNC;…;tcp;1433;;`. Null when the Browser does not answer or the instance has no TCP port.
 */
export async function lookupSqlInstancePort(host: string, instance_name: string, timeout_ms = 2_000, browser_port = 1434): Promise<number | null> {
  const { createSocket } = await import('node:dgram');
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    const done = (port: number | null): void => { clearTimeout(timer); socket.close(); resolve(port); };
    const timer = setTimeout(() => done(null), timeout_ms);
    socket.on('error', () => done(null));
    socket.on('message', (message) => {
      if (message[0] !== 0x05 || message.length < 3) return done(null);
      const text = message.subarray(3, 3 + message.readUInt16LE(1)).toString('latin1');
      const match = /;tcp;(\d{1,5});/i.exec(text);
      done(match?.[1] ? Number(match[1]) : null);
    });
    socket.send(Buffer.concat([Buffer.from([0x04]), Buffer.from(instance_name, 'latin1'), Buffer.from([0])]), browser_port, host === 'localhost' ? '127.0.0.1' : host);
  });
}

/**
 * "The agent finds SQL Server again" (spec E3): a SQL Server with a fixed port that stops answering may have been
 * restarted on another (dynamic) port. When the connection names an instance, the agent asks SQL Browser for the
 * instance's port now and, if SQL Server answers there, switches to it for this run. The heartbeat then reports the new
 * port and the server records the change (`ports_changed`); a manager makes it permanent in the panel's settings.
 * Returns the port found and switched to, or null.
 */
export async function rediscoverSqlServer(input: {
  connection: HolooConnection; holoo: SwitchableHoloo; platform: AgentPlatform; commandDone: () => Promise<unknown>;
  lookup?: (host: string, instance_name: string) => Promise<number | null>;
  open?: (connection: HolooConnection, platform: AgentPlatform) => HolooInstance;
}): Promise<number | null> {
  const { connection } = input;
  if (connection.kind !== 'sql_server' || !connection.port || !connection.instance_name) return null;
  const port = await (input.lookup ?? lookupSqlInstancePort)(connection.server, connection.instance_name);
  if (port === null || port === connection.port) return null;
  const candidate = (input.open ?? openHolooConnection)({ ...connection, port }, input.platform);
  const probe = await candidate.probeHealth({ timeout_ms: 5_000 });
  if (!probe.reachable) { await candidate.close().catch(() => undefined); return null; }
  input.holoo.switchTo(candidate, input.commandDone());
  return port;
}
