/**
 * The agent's command line and environment (the only file of the agent that reads process.env).
 *   chaharsu-agent version
 *   chaharsu-agent enrol --server <url> --code <code> [--data-dir <dir>] --company <db> [--company <db>…]
 *                        (--holoo-simulator <postgres url> | --sql-server <host> [--sql-instance TNC | --sql-port <n>] --sql-user <u> --sql-password <p>)
 *   chaharsu-agent run [--data-dir <dir>]
 *   chaharsu-agent settings --password <agent password>   |   chaharsu-agent stop --password <agent password>
 * Environment: CHAHARSU_AGENT_DATA_DIR, CHAHARSU_AGENT_RECONNECT_BASE_MS / _CAP_MS, CHAHARSU_AGENT_MIRROR_INTERVAL_MS, CHAHARSU_AGENT_LOG_ECHO=1,
 * CHAHARSU_AGENT_FAULTS (fault-injection test only).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { FaultPlan } from './faults.js';

export interface RuntimeSettings {
  data_dir: string;
  reconnect: { base_ms: number; cap_ms: number };
  log_echo: boolean;
  faults: FaultPlan | null;
  mirror_interval_ms: number;
}

const FaultPlanSchema = z.object({
  seed: z.number().int(),
  kill_rate: z.number().min(0).max(1),
  duplicate_rate: z.number().min(0).max(1),
  delay_report_rate: z.number().min(0).max(1),
  delay_report_max_ms: z.number().int().min(0).max(60_000),
});

export function defaultDataDir(): string {
  const env = process.env;
  if (env.CHAHARSU_AGENT_DATA_DIR) return path.resolve(env.CHAHARSU_AGENT_DATA_DIR);
  if (process.platform === 'win32') return path.join(env.ProgramData ?? 'C:\\ProgramData', 'Chaharsu', 'Agent');
  return path.resolve('.agent-data');
}

export function runtimeSettings(data_dir: string | undefined): RuntimeSettings {
  const env = process.env;
  const number = (value: string | undefined, fallback: number): number => (value && /^\d+$/.test(value) ? Number(value) : fallback);
  return {
    data_dir: data_dir ? path.resolve(data_dir) : defaultDataDir(),
    reconnect: { base_ms: number(env.CHAHARSU_AGENT_RECONNECT_BASE_MS, 1_000), cap_ms: number(env.CHAHARSU_AGENT_RECONNECT_CAP_MS, 60_000) },
    log_echo: env.CHAHARSU_AGENT_LOG_ECHO === '1',
    mirror_interval_ms: number(env.CHAHARSU_AGENT_MIRROR_INTERVAL_MS, 5 * 60_000),
    faults: env.CHAHARSU_AGENT_FAULTS ? FaultPlanSchema.parse(JSON.parse(env.CHAHARSU_AGENT_FAULTS)) : null,
  };
}

export function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      server: { type: 'string' },
      code: { type: 'string' },
      company: { type: 'string', multiple: true },
      'holoo-simulator': { type: 'string' },
      'sql-server': { type: 'string' },
      'sql-instance': { type: 'string' },
      'sql-port': { type: 'string' },
      'sql-user': { type: 'string' },
      'sql-password': { type: 'string' },
      password: { type: 'string' },
    },
  });
}
