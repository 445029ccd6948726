/**
 * The agent's command line and environment (the only file of the agent that reads process.env).
 *   chaharsu-agent version
 *   chaharsu-agent enrol --server <url> --code <code> [--data-dir <dir>] --company <db> [--company <db>…]
 *                        (--holoo-simulator <postgres url> | --sql-server <host> [--sql-instance TNC | --sql-port <n>] --sql-user <u> --sql-password <p>)
 *   chaharsu-agent run [--data-dir <dir>]
 *   chaharsu-agent settings --password <agent password>   |   chaharsu-agent stop --password <agent password>
 *   chaharsu-agent supervise --install-root <dir> [--data-dir <dir>]   (runs `current`, switches and rolls back versions)
 *   chaharsu-agent install-version --install-root <dir> --file <artifact> --version <v>   (first installation)
 *   chaharsu-agent update confirm --password <agent password>   (installs a staged version offered "with confirmation")
 * Environment: CHAHARSU_AGENT_DATA_DIR, CHAHARSU_AGENT_RECONNECT_BASE_MS / _CAP_MS, CHAHARSU_AGENT_MIRROR_INTERVAL_MS, CHAHARSU_AGENT_LOG_ECHO=1,
 * CHAHARSU_AGENT_INSTALL_ROOT (set by `chaharsu-agent supervise`: the versions folder), CHAHARSU_AGENT_RELEASE_KEYS (PEM file of the
 * pinned release public keys; default <data dir>/release-keys.pem), CHAHARSU_AGENT_UPDATE_HEALTH_TIMEOUT_MS (120 s),
 * CHAHARSU_AGENT_WATCHDOG_TIMEOUT_MS (120 s: the supervisor kills and restarts a version whose liveness beat stopped this long),
 * CHAHARSU_AGENT_LIVENESS_INTERVAL_MS (5 s), CHAHARSU_AGENT_STOP_GRACE_MS (60 s: a stopping version's time to finish its command),
 * CHAHARSU_AGENT_FAULTS (fault-injection test only).
 *   chaharsu-agent service install|uninstall|start|stop|status [--install-root <dir>] [--password <agent password>]   (Windows service)
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
  /** The supervisor's versions folder; null when not supervised (no self-update). */
  install_root: string | null;
  release_keys_file: string;
  update_health_timeout_ms: number;
  /** The supervisor's watchdog: a version that has not beaten for this long is killed and restarted. */
  watchdog_timeout_ms: number;
  liveness_interval_ms: number;
  /** How long a stopping version may take to finish its command in progress. */
  stop_grace_ms: number;
}

const FaultPlanSchema = z.object({
  seed: z.number().int(),
  kill_rate: z.number().min(0).max(1),
  duplicate_rate: z.number().min(0).max(1),
  delay_report_rate: z.number().min(0).max(1),
  delay_report_max_ms: z.number().int().min(0).max(60_000),
});

/** A development/test build run as another version sets this in its launcher script; a release build has its version compiled in. */
export function buildVersionOverride(): string | undefined {
  return process.env.CHAHARSU_AGENT_BUILD_VERSION;
}

/** The environment of a tool the agent starts (sqlcmd): its own, plus the given variables. */
export function toolEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** The environment the supervisor gives every version it starts: its own, plus where the versions live. */
export function supervisedEnvironment(install_root: string): NodeJS.ProcessEnv {
  return { ...process.env, CHAHARSU_AGENT_INSTALL_ROOT: install_root };
}

/** The Windows folders the agent needs (System32 tools, Program Files); only these variables, read here. */
export function windowsFolders(): NodeJS.ProcessEnv {
  const env = process.env;
  return { SystemRoot: env.SystemRoot ?? env.SYSTEMROOT, ProgramFiles: env.ProgramFiles };
}

export function defaultDataDir(): string {
  const env = process.env;
  if (env.CHAHARSU_AGENT_DATA_DIR) return path.resolve(env.CHAHARSU_AGENT_DATA_DIR);
  if (process.platform === 'win32') return path.join(env.ProgramData ?? 'C:\\ProgramData', 'Chaharsu', 'Agent');
  return path.resolve('.agent-data');
}

export function runtimeSettings(data_dir: string | undefined): RuntimeSettings {
  const env = process.env;
  const number = (value: string | undefined, fallback: number): number => (value && /^\d+$/.test(value) ? Number(value) : fallback);
  const resolved_data_dir = data_dir ? path.resolve(data_dir) : defaultDataDir();
  return {
    data_dir: resolved_data_dir,
    install_root: env.CHAHARSU_AGENT_INSTALL_ROOT ? path.resolve(env.CHAHARSU_AGENT_INSTALL_ROOT) : null,
    release_keys_file: env.CHAHARSU_AGENT_RELEASE_KEYS ? path.resolve(env.CHAHARSU_AGENT_RELEASE_KEYS) : path.join(resolved_data_dir, 'release-keys.pem'),
    update_health_timeout_ms: number(env.CHAHARSU_AGENT_UPDATE_HEALTH_TIMEOUT_MS, 120_000),
    watchdog_timeout_ms: number(env.CHAHARSU_AGENT_WATCHDOG_TIMEOUT_MS, 120_000),
    liveness_interval_ms: number(env.CHAHARSU_AGENT_LIVENESS_INTERVAL_MS, 5_000),
    stop_grace_ms: number(env.CHAHARSU_AGENT_STOP_GRACE_MS, 60_000),
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
      'create-sql-login': { type: 'boolean' },
      'sql-login': { type: 'string' },
      sqlcmd: { type: 'string' },
      password: { type: 'string' },
      'install-root': { type: 'string' },
      file: { type: 'string' },
      version: { type: 'string' },
    },
  });
}
