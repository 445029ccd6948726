/**
 * The agent's own SQL Server login (spec E5): the agent generates a strong password and runs
 * `packages/holoo/sql/create-agent-login.sql` through `sqlcmd` with the Windows account of the person
 * installing it (`-E`: a Windows administrator the instance maps to sysadmin — the only step that needs
 * sysadmin rights; see packages/holoo/README.md "SQL login of the agent"). The password reaches sqlcmd
 * as an environment variable (sqlcmd reads scripting variables from the environment), never on a
 * command line another user could list; it is stored only protected by the platform (DPAPI on Windows).
 * Running it again (`sql-login rotate`) gives the same login a new password and covers new fiscal-year
 * databases; agent.json changes only after sqlcmd succeeded, so a failed run leaves the working login.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readIdentity, writeIdentity, type AgentIdentityFile, type HolooConnection } from './agent-config.js';
import { toolEnvironment } from './config.js';
import type { AgentPlatform } from './platform.js';

export const DEFAULT_AGENT_LOGIN = 'chaharsu_agent';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
/** The script accepts letters, digits, - and _ only (it never has to quote the password). */
const ALPHABET = `${LOWER}${UPPER}${DIGITS}-_`;
export const SQL_PASSWORD_LENGTH = 24;

/** 24 characters (~140 bits) with a lower-case letter, an upper-case letter and a digit, as Windows password policy (CHECK_POLICY) asks. */
export function generateSqlPassword(pick: (max: number) => number = randomInt): string {
  for (;;) {
    const password = Array.from({ length: SQL_PASSWORD_LENGTH }, () => ALPHABET[pick(ALPHABET.length)]).join('');
    if ([LOWER, UPPER, DIGITS].every((set) => [...password].some((c) => set.includes(c)))) return password;
  }
}

export interface SqlServerTarget { server: string; instance_name?: string; port?: number }

export interface SqlcmdInvocation { command: string; args: string[]; env: Record<string, string> }

const LOGIN_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

/** `sqlcmd -S host[\instance][,port] -E -b -i <script>`, the login and password in the environment. */
export function sqlcmdInvocation(target: SqlServerTarget, login: string, password: string, script_file: string, sqlcmd = 'sqlcmd'): SqlcmdInvocation {
  if (!LOGIN_NAME.test(login)) throw new Error(`the SQL login name "${login}" must be letters, digits and _ (starting with a letter)`);
  const server = `${target.server}${target.instance_name ? `\\${target.instance_name}` : ''}${target.port ? `,${target.port}` : ''}`;
  return { command: sqlcmd, args: ['-S', server, '-E', '-b', '-i', script_file], env: { AgentLogin: login, AgentPassword: password } };
}

export interface SqlcmdResult { exit_code: number; output: string }

/** Runs sqlcmd; its output (which never contains the password: the script prints database names only) is returned for the person installing. */
export function runSqlcmd(invocation: SqlcmdInvocation): Promise<SqlcmdResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(invocation.command, invocation.args, { env: toolEnvironment(invocation.env), stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT'
      ? new Error(`${invocation.command} was not found: install SQL Server's command-line tools or give --sqlcmd <path to sqlcmd.exe>`)
      : error));
    child.on('close', (code) => resolve({ exit_code: code ?? 1, output }));
  });
}

/** The script's text: beside the sources in development, an asset of the single executable in production. */
export function loginScriptText(asset: (() => string) | null): string {
  if (asset) return asset();
  const here = path.dirname(fileURLToPath(import.meta.url));
  const file = path.resolve(here, '../../../packages/holoo/sql/create-agent-login.sql');
  if (!existsSync(file)) throw new Error(`the login script is missing (${file})`);
  return readFileSync(file, 'utf8');
}

export interface CreateSqlLoginDeps {
  platform: AgentPlatform;
  script: string;
  run?: (invocation: SqlcmdInvocation) => Promise<SqlcmdResult>;
  sqlcmd?: string;
  /** Where the script is written for sqlcmd's -i (removed afterwards). */
  work_dir: string;
}

/** Creates (or re-keys) the login; returns the connection the agent uses from now on, its password protected. */
export async function createSqlLogin(deps: CreateSqlLoginDeps, target: SqlServerTarget, login = DEFAULT_AGENT_LOGIN): Promise<Extract<HolooConnection, { kind: 'sql_server' }>> {
  const password = generateSqlPassword();
  const folder = mkdtempSync(path.join(deps.work_dir, 'sql-login-'));
  const script_file = path.join(folder, 'create-agent-login.sql');
  writeFileSync(script_file, deps.script, { mode: 0o600 });
  try {
    const result = await (deps.run ?? runSqlcmd)(sqlcmdInvocation(target, login, password, script_file, deps.sqlcmd));
    if (result.exit_code !== 0) {
      throw new Error(`sqlcmd failed (exit ${result.exit_code}); nothing was changed in the agent's settings. Run this as a Windows administrator the SQL Server instance maps to sysadmin.\n${result.output.trim()}`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return {
    kind: 'sql_server', server: target.server, ...(target.instance_name ? { instance_name: target.instance_name } : {}),
    ...(target.port ? { port: target.port } : {}), user: login, password_protected: deps.platform.protectSecret(password),
  };
}

/** `sql-login rotate`: a new password for the enrolled agent's login (and its user in new company databases). */
export async function rotateSqlLogin(deps: CreateSqlLoginDeps, data_dir: string): Promise<AgentIdentityFile> {
  const identity = readIdentity(data_dir);
  if (!identity) throw new Error('not enrolled');
  if (identity.holoo.kind !== 'sql_server') throw new Error('this agent talks to a Holoo simulator, not to SQL Server');
  const { server, instance_name, port, user } = identity.holoo;
  const holoo = await createSqlLogin(deps, { server, instance_name, port }, user);
  const updated = { ...identity, holoo };
  writeIdentity(deps.platform, data_dir, updated);
  return updated;
}
