import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { dpapiInvocation, DpapiError, powershellPath, protectWithDpapi, runPowerShell, unprotectWithDpapi, type PowerShellInvocation, type PowerShellRunner } from './dpapi.js';

const decodedScript = (invocation: PowerShellInvocation): string => {
  const index = invocation.args.indexOf('-EncodedCommand');
  return Buffer.from(invocation.args[index + 1] ?? '', 'base64').toString('utf16le');
};

/** Answers like Windows PowerShell would, with a reversible stand-in for the DPAPI transform. */
const fakePowerShell = (calls: PowerShellInvocation[]): PowerShellRunner => (invocation) => {
  calls.push(invocation);
  const bytes = Buffer.from(invocation.input, 'base64');
  const flipped = Buffer.from(bytes.map((byte) => byte ^ 0xff));
  return { status: 0, stdout: `${flipped.toString('base64')}\r\n`, stderr: '' };
};

const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

describe('DPAPI through PowerShell', () => {
  test('calls Windows PowerShell by its absolute path with machine scope and the secret only on standard input', () => {
    const calls: PowerShellInvocation[] = [];
    const stored = protectWithDpapi('sql-pässword', fakePowerShell(calls), { SystemRoot: 'D:\\Windows' });
    expect(stored).toMatch(/^dpapi:/);
    expect(calls).toHaveLength(1);
    const [call] = calls as [PowerShellInvocation];
    expect(call.program).toBe('D:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(call.args.slice(0, 6)).toEqual(['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
    expect(call.args.join(' ')).not.toContain('sql-pässword');
    expect(call.args.join(' ')).not.toContain(Buffer.from('sql-pässword').toString('base64'));
    expect(Buffer.from(call.input, 'base64').toString('utf8')).toBe('sql-pässword');
    const script = decodedScript(call);
    expect(script).toContain('[System.Security.Cryptography.ProtectedData]::Protect(');
    expect(script).toContain('[System.Security.Cryptography.DataProtectionScope]::LocalMachine');
    expect(script).toContain("GetBytes('chaharsu-agent/secret/v1')");
    expect(script).toContain('Add-Type -AssemblyName System.Security');
    expect(unprotectWithDpapi(stored, fakePowerShell(calls))).toBe('sql-pässword');
    expect(decodedScript(calls[1] as PowerShellInvocation)).toContain('ProtectedData]::Unprotect(');
  });

  test('defaults to C:\\Windows when SystemRoot is not set', () => {
    expect(powershellPath({})).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });

  test('refuses what PowerShell could not do, with the reason, and never stores an empty answer', () => {
    const failing: PowerShellRunner = () => ({ status: 3, stdout: '', stderr: 'Key not valid for use in specified state.' });
    expect(() => unprotectWithDpapi('dpapi:AAAA', failing)).toThrow('DPAPI unprotect failed: PowerShell exited with 3: Key not valid for use in specified state.');
    const stub: PowerShellRunner = () => ({ status: 0, stdout: '', stderr: '' }); // wine's powershell.exe stub
    expect(() => protectWithDpapi('x', stub)).toThrow(/gave no usable output \(empty\)/);
    const garbage: PowerShellRunner = () => ({ status: 0, stdout: 'Windows PowerShell\r\nCopyright', stderr: '' });
    expect(() => protectWithDpapi('x', garbage)).toThrow(/not base64/);
    const missing: PowerShellRunner = () => ({ status: null, stdout: '', stderr: '', error: new Error('spawn ENOENT') });
    expect(() => protectWithDpapi('x', missing)).toThrow(/could not run .*powershell\.exe \(spawn ENOENT\)/);
    expect(() => unprotectWithDpapi('plain:abc', fakePowerShell([]))).toThrow(/stored by the Linux build; re-enrol/);
    expect(() => unprotectWithDpapi('other', fakePowerShell([]))).toThrow(DpapiError);
  });

  test('the real runner passes the input on standard input to a real process and reads its answer', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dpapi-'));
    dirs.push(dir);
    const program = path.join(dir, 'powershell');
    const argsFile = path.join(dir, 'args');
    // A stand-in process: records its arguments, answers with its standard input reversed (still base64-safe as a whole).
    writeFileSync(program, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\ncat | rev\n`);
    chmodSync(program, 0o755);
    const invocation = dpapiInvocation('protect', Buffer.from('secret-123'));
    const result = runPowerShell({ ...invocation, program });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(Buffer.from('secret-123').toString('base64').split('').reverse().join(''));
    expect(readFileSync(argsFile, 'utf8')).not.toContain(Buffer.from('secret-123').toString('base64'));
    expect(runPowerShell({ ...invocation, program: path.join(dir, 'absent') }).error).toBeInstanceOf(Error);
  });
});
