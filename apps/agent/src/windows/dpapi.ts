/**
 * Secrets at rest on Windows: DPAPI with machine scope (ADR 0010), through Windows PowerShell 5.1 and
 * .NET's `System.Security.Cryptography.ProtectedData`, which every supported Windows (10/11, Server 2016+)
 * ships, so the single .exe needs no native add-on.
 * - Machine scope (`LocalMachine`): the service runs as LocalSystem and the CLI as an administrator, and
 *   both must read the secret; a copy of the data folder (a backup, a stolen disk image) does not
 *   decrypt on another computer. An application-specific entropy keeps other programs' casual
 *   `Unprotect` calls from reading it; the folder's ACL (SYSTEM and Administrators only) does the rest.
 * - The secret goes through standard input (base64), never on the command line (other processes can
 *   read command lines), and the script is passed with -EncodedCommand (no quoting through cmd.exe).
 * - PowerShell is called by its absolute path under %SystemRoot%, not through PATH.
 * - Stored form: `dpapi:<base64 of the DPAPI blob>`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { windowsFolders } from '../config.js';

export const DPAPI_PREFIX = 'dpapi:';
/** Optional entropy (bytes of this text): ties the blobs to this application. */
export const DPAPI_ENTROPY = 'chaharsu-agent/secret/v1';

export type DpapiOperation = 'protect' | 'unprotect';

export interface PowerShellInvocation { program: string; args: string[]; input: string }
export interface PowerShellResult { status: number | null; stdout: string; stderr: string; error?: Error }
export type PowerShellRunner = (invocation: PowerShellInvocation) => PowerShellResult;

export function powershellPath(env: NodeJS.ProcessEnv = windowsFolders()): string {
  const systemRoot = env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows';
  return path.win32.join(systemRoot, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
}

/** The PowerShell script: base64 in on stdin, base64 out on stdout, any failure a non-zero exit with the reason on stderr. */
export function dpapiScript(operation: DpapiOperation): string {
  const call = operation === 'protect' ? 'Protect' : 'Unprotect';
  return [
    "$ErrorActionPreference = 'Stop'",
    'try {',
    '  Add-Type -AssemblyName System.Security',
    '  $inputBase64 = [Console]::In.ReadToEnd().Trim()',
    `  $entropy = [System.Text.Encoding]::UTF8.GetBytes('${DPAPI_ENTROPY}')`,
    `  $result = [System.Security.Cryptography.ProtectedData]::${call}([Convert]::FromBase64String($inputBase64), $entropy, [System.Security.Cryptography.DataProtectionScope]::LocalMachine)`,
    '  [Console]::Out.Write([Convert]::ToBase64String($result))',
    '  exit 0',
    '} catch {',
    '  [Console]::Error.Write($_.Exception.Message)',
    '  exit 3',
    '}',
  ].join('\n');
}

export function dpapiInvocation(operation: DpapiOperation, payload: Buffer, env: NodeJS.ProcessEnv = windowsFolders()): PowerShellInvocation {
  return {
    program: powershellPath(env),
    // -EncodedCommand takes the script as base64 of UTF-16LE.
    args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', Buffer.from(dpapiScript(operation), 'utf16le').toString('base64')],
    input: payload.toString('base64'),
  };
}

export const runPowerShell: PowerShellRunner = ({ program, args, input }) => {
  const result = spawnSync(program, args, { input, encoding: 'utf8', windowsHide: true, timeout: 60_000, maxBuffer: 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', error: result.error };
};

export class DpapiError extends Error {
  constructor(operation: DpapiOperation, reason: string) {
    super(`DPAPI ${operation} failed: ${reason}`);
    this.name = 'DpapiError';
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function runDpapi(operation: DpapiOperation, payload: Buffer, run: PowerShellRunner, env?: NodeJS.ProcessEnv): Buffer {
  const invocation = dpapiInvocation(operation, payload, env);
  const result = run(invocation);
  if (result.error) throw new DpapiError(operation, `could not run ${invocation.program} (${result.error.message})`);
  if (result.status !== 0) throw new DpapiError(operation, `PowerShell exited with ${result.status ?? 'a signal'}: ${result.stderr.trim().slice(0, 500) || 'no message'}`);
  const output = result.stdout.trim();
  // An empty answer with exit 0 is what a PowerShell stand-in without .NET gives (e.g. wine's stub): never store that.
  if (!output || !BASE64.test(output)) throw new DpapiError(operation, `PowerShell gave no usable output (${output ? 'not base64' : 'empty'}); is Windows PowerShell 5.1 with .NET Framework present?`);
  return Buffer.from(output, 'base64');
}

export function protectWithDpapi(plaintext: string, run: PowerShellRunner = runPowerShell, env?: NodeJS.ProcessEnv): string {
  return `${DPAPI_PREFIX}${runDpapi('protect', Buffer.from(plaintext, 'utf8'), run, env).toString('base64')}`;
}

export function unprotectWithDpapi(stored: string, run: PowerShellRunner = runPowerShell, env?: NodeJS.ProcessEnv): string {
  if (!stored.startsWith(DPAPI_PREFIX)) {
    throw new DpapiError('unprotect', stored.startsWith('plain:')
      ? 'this secret was stored by the Linux build; re-enrol this agent on this computer'
      : 'unknown secret format');
  }
  return runDpapi('unprotect', Buffer.from(stored.slice(DPAPI_PREFIX.length), 'base64'), run, env).toString('utf8');
}
