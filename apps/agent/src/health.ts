/** The heartbeat's health report: SQL Server, the Holoo databases, their last backups, ports, disk, clock, queue. */
import { Socket } from 'node:net';
import type { HolooInstance } from '@chaharsu/holoo';
import type { AgentHealth } from '@chaharsu/branch-sync/protocol';
import type { AgentPlatform } from './platform.js';

export interface HealthInput {
  holoo: Pick<HolooInstance, 'probeHealth'>;
  platform: AgentPlatform;
  data_dir: string;
  agent_version: string;
  bound_databases: readonly string[];
  ports: ReadonlyArray<{ name: string; host: string; port: number }>;
  queue_length: number;
  last_error: string | null;
  started_at: number;
  settings_revision: number;
}

function portOpen(host: string, port: number, timeout_ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean): void => { socket.destroy(); resolve(open); };
    socket.setTimeout(timeout_ms, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

export async function collectHealth(input: HealthInput): Promise<AgentHealth> {
  const probe = await input.holoo.probeHealth({ timeout_ms: 5_000 });
  const present = new Set(probe.company_databases.map((c) => c.database.toLowerCase()));
  const disk = input.platform.diskSpace(input.data_dir);
  const ports = [];
  for (const p of input.ports) ports.push({ name: p.name, port: p.port, open: await portOpen(p.host, p.port, 2_000) });
  return {
    agent_version: input.agent_version,
    hostname: input.platform.hostname().slice(0, 255),
    platform: input.platform.name,
    uptime_s: Math.floor((Date.now() - input.started_at) / 1000),
    sql_reachable: probe.reachable,
    sql_error: probe.error?.slice(0, 2000) ?? null,
    sql_server_version: probe.server_version?.slice(0, 500) ?? null,
    company_databases: probe.company_databases.slice(0, 500).map((c) => ({ database: c.database.slice(0, 128), company_name: c.company_name?.slice(0, 500) ?? null })),
    missing_databases: probe.reachable ? input.bound_databases.filter((d) => !present.has(d.toLowerCase())).slice(0, 500) : [],
    ports,
    disk_free_bytes: disk ? Math.floor(disk.free_bytes) : null,
    disk_total_bytes: disk ? Math.floor(disk.total_bytes) : null,
    agent_time: new Date().toISOString(),
    queue_length: input.queue_length,
    last_error: input.last_error?.slice(0, 2000) ?? null,
    backups: probe.backups.slice(0, 500).map((b) => ({ database: b.database.slice(0, 128), last_backup_at: b.last_backup_at, last_full_backup_at: b.last_full_backup_at })),
    backups_error: probe.backups_error?.slice(0, 2000) ?? null,
    settings_revision: input.settings_revision,
  };
}
