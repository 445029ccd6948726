/**
 * The agent's identity and settings, kept in `<data dir>/agent.json` (mode 0600). Written by
 * enrolment; secrets inside are protected by the platform (DPAPI on Windows).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AgentPlatform } from './platform.js';
import { readJsonFile } from './platform.js';

export const HolooConnection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('simulator'), url: z.string().min(1) }),
  z.object({
    kind: z.literal('sql_server'),
    server: z.string().min(1),
    instance_name: z.string().optional(),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().min(1),
    /** Protected by the platform (see AgentPlatform.protectSecret). */
    password_protected: z.string().min(1),
  }),
]);
export type HolooConnection = z.infer<typeof HolooConnection>;

export const AgentIdentityFile = z.object({
  server_url: z.url(),
  org_id: z.uuid(),
  branch_id: z.uuid(),
  agent_id: z.uuid(),
  /** Protected by the platform. */
  secret_protected: z.string().min(1),
  server_public_key: z.string().min(40),
  server_fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  heartbeat_interval_ms: z.number().int().min(1000),
  holoo: HolooConnection,
  /** Company databases the branch uses (the health check reports the missing ones). */
  company_databases: z.array(z.string().min(1)).default([]),
  enrolled_at: z.string(),
  /** The last secret rotation stored here (a re-sent `secret.rotate` with this id is only confirmed again). */
  secret_rotation_id: z.uuid().optional(),
  /**
   * Connection settings from the panel (spec A2), applied over the enrolment's `holoo`: `sql_port` overrides the
   * SQL Server port (null: as enrolled), `local_port` is the local status listener (null: none).
   */
  settings: z.object({
    revision: z.number().int().min(0),
    sql_port: z.number().int().min(1).max(65535).nullable(),
    local_port: z.number().int().min(1).max(65535).nullable(),
  }).optional(),
});
export type AgentIdentityFile = z.infer<typeof AgentIdentityFile>;

export const identityFile = (data_dir: string): string => path.join(data_dir, 'agent.json');

export function readIdentity(data_dir: string): AgentIdentityFile | null {
  const file = identityFile(data_dir);
  if (!existsSync(file)) return null;
  return AgentIdentityFile.parse(readJsonFile(file));
}

export function writeIdentity(platform: AgentPlatform, data_dir: string, identity: AgentIdentityFile): void {
  platform.writeFileAtomic(identityFile(data_dir), JSON.stringify(identity, null, 2));
}
