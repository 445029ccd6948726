/**
 * The agent password (spec E5): stopping the agent, uninstalling it or opening its settings at the
 * branch computer needs it. The panel generates it and keeps it encrypted; the agent only keeps the
 * scrypt verifier the server sends in every `welcome` (`<data dir>/password.json`, 0600), so reading the
 * agent's files does not reveal the password. On Windows `chaharsu-agent service stop|uninstall` call
 * `checkAgentPassword` too (service-command.ts); a settings window is not built (README "What remains").
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { verifyPassword } from '@chaharsu/kit';
import type { AgentPlatform } from './platform.js';

const file = (data_dir: string) => path.join(data_dir, 'password.json');
export const pidFile = (data_dir: string) => path.join(data_dir, 'agent.pid');

export function storePasswordVerifier(platform: AgentPlatform, data_dir: string, verifier: string | null): void {
  if (!verifier || readPasswordVerifier(data_dir) === verifier) return;
  platform.writeFileAtomic(file(data_dir), JSON.stringify({ verifier }));
}

export function readPasswordVerifier(data_dir: string): string | null {
  if (!existsSync(file(data_dir))) return null;
  const parsed = JSON.parse(readFileSync(file(data_dir), 'utf8')) as { verifier?: unknown };
  return typeof parsed.verifier === 'string' ? parsed.verifier : null;
}

export type PasswordCheck = 'ok' | 'wrong' | 'not_received';

export async function checkAgentPassword(data_dir: string, password: string): Promise<PasswordCheck> {
  const verifier = readPasswordVerifier(data_dir);
  if (!verifier) return 'not_received';
  return (await verifyPassword(password, verifier)) ? 'ok' : 'wrong';
}
