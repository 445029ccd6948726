/** Enrolment: exchanges a one-time code from the panel for this agent's identity and secret (HTTPS POST). */
import { AGENT_ENROL_PATH, EnrolResponse } from '@chaharsu/branch-sync/protocol';
import { writeIdentity, type AgentIdentityFile, type HolooConnection } from './agent-config.js';
import type { AgentPlatform } from './platform.js';
import { AGENT_VERSION } from './version.js';

export interface EnrolInput {
  server_url: string;
  code: string;
  data_dir: string;
  holoo: HolooConnection;
  company_databases: string[];
}

export async function enrol(platform: AgentPlatform, input: EnrolInput): Promise<AgentIdentityFile> {
  const url = new URL(AGENT_ENROL_PATH, input.server_url);
  if (url.protocol !== 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    throw new Error('enrolment needs https:// (the server key is pinned from this answer)');
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: input.code, agent_version: AGENT_VERSION, hostname: platform.hostname().slice(0, 255) }),
    signal: AbortSignal.timeout(30_000),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const code = body && typeof body === 'object' && 'code' in body ? String((body as { code: unknown }).code) : `HTTP ${response.status}`;
    throw new Error(`enrolment refused: ${code}`);
  }
  const answer = EnrolResponse.parse(body);
  const identity: AgentIdentityFile = {
    server_url: input.server_url,
    org_id: answer.org_id,
    branch_id: answer.branch_id,
    agent_id: answer.agent_id,
    secret_protected: platform.protectSecret(answer.secret),
    server_public_key: answer.server_public_key,
    server_fingerprint: answer.server_fingerprint,
    heartbeat_interval_ms: answer.heartbeat_interval_ms,
    holoo: input.holoo,
    company_databases: input.company_databases,
    enrolled_at: new Date().toISOString(),
  };
  writeIdentity(platform, input.data_dir, identity);
  return identity;
}
