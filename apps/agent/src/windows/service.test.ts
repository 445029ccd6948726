import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { hashPassword } from '@chaharsu/kit';
import { runServiceCommand, ServiceCommandError, type StepResult } from '../service-command.js';
import {
  decodeToolOutput, DEFAULT_SDDL, installSteps, parseServiceState, parseShutdownAllowance, PROTECTED_SDDL, shutdownAllowanceRaise,
  uninstallSteps, type ServiceStep,
} from './service.js';

const layout = { install_root: 'C:\\Program Files\\Chaharsu\\Agent', data_dir: 'C:\\ProgramData\\Chaharsu\\Agent', env: { SystemRoot: 'C:\\Windows' } };
const nssm = 'C:\\Program Files\\Chaharsu\\Agent\\nssm.exe';
const line = (step: ServiceStep): string => [path.win32.basename(step.program), ...step.args].join(' ');

const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

describe('the Windows service definition', () => {
  test('NSSM runs the fixed launcher in supervise mode, delayed start, restart on failure, Ctrl+C stop with time to finish', () => {
    const steps = installSteps({ ...layout, stop_wait_ms: 75_000 });
    expect(steps[0]).toMatchObject({ program: nssm, args: ['install', 'ChaharsuAgent', 'C:\\Program Files\\Chaharsu\\Agent\\chaharsu-agent.exe', 'supervise', '--install-root', layout.install_root, '--data-dir', layout.data_dir] });
    const lines = steps.map(line);
    for (const expected of [
      'nssm.exe set ChaharsuAgent Start SERVICE_DELAYED_AUTO_START',
      'nssm.exe set ChaharsuAgent ObjectName LocalSystem',
      'nssm.exe set ChaharsuAgent AppExit Default Restart',
      'nssm.exe set ChaharsuAgent AppRestartDelay 5000',
      'nssm.exe set ChaharsuAgent AppStopMethodSkip 6',
      'nssm.exe set ChaharsuAgent AppStopMethodConsole 75000',
      'nssm.exe set ChaharsuAgent AppStdout C:\\ProgramData\\Chaharsu\\Agent\\logs\\service.log',
      'sc.exe failure ChaharsuAgent reset= 86400 actions= restart/5000/restart/5000/restart/60000',
      `sc.exe sdset ChaharsuAgent ${PROTECTED_SDDL}`,
      'icacls.exe C:\\ProgramData\\Chaharsu\\Agent /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F',
    ]) expect(lines).toContain(expected);
    // Protected before it starts; started last.
    expect(lines.indexOf(`sc.exe sdset ChaharsuAgent ${PROTECTED_SDDL}`)).toBeLessThan(lines.indexOf('nssm.exe start ChaharsuAgent'));
    expect(lines.at(-1)).toBe('nssm.exe start ChaharsuAgent');
    expect(steps.every((step) => path.win32.isAbsolute(step.program))).toBe(true);
    // Only settings NSSM 2.23 knows (its `set` refuses others, e.g. 2.24's AppKillProcessTree).
    const known = new Set(['DisplayName', 'Description', 'Start', 'ObjectName', 'AppDirectory', 'AppExit', 'AppRestartDelay', 'AppStopMethodSkip', 'AppStopMethodConsole', 'AppStdout', 'AppStderr', 'AppRotateFiles', 'AppRotateOnline', 'AppRotateBytes']);
    expect(steps.filter((step) => step.args[0] === 'set').map((step) => step.args[2]).filter((name) => !known.has(name ?? ''))).toEqual([]);
  });

  test('the protected descriptor takes stop, pause, reconfigure and delete from administrators and keeps them for SYSTEM', () => {
    const administrators = /\(A;;(\w+);;;BA\)/.exec(PROTECTED_SDDL)?.[1] ?? '';
    const rights = administrators.match(/../g) ?? [];
    expect(rights).toEqual(expect.arrayContaining(['RP', 'LC', 'WD']));
    for (const taken of ['WP', 'DT', 'DC', 'SD', 'WO']) expect(rights).not.toContain(taken);
    expect(/\(A;;(\w+);;;SY\)/.exec(PROTECTED_SDDL)?.[1]?.match(/../g)).toContain('WP');
    expect(/\(A;;(\w+);;;BA\)/.exec(DEFAULT_SDDL)?.[1]?.match(/../g)).toEqual(expect.arrayContaining(['WP', 'SD', 'DC']));
    expect(uninstallSteps(layout).map(line)).toEqual([
      `sc.exe sdset ChaharsuAgent ${DEFAULT_SDDL}`, 'nssm.exe stop ChaharsuAgent', 'nssm.exe remove ChaharsuAgent confirm',
    ]);
  });

  test('the shutdown allowance is raised to 30 s, never lowered', () => {
    expect(parseShutdownAllowance('\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\r\n    WaitToKillServiceTimeout    REG_SZ    5000\r\n')).toBe(5000);
    expect(parseShutdownAllowance('ERROR: The system was unable to find the specified registry key or value.')).toBeNull();
    expect(shutdownAllowanceRaise(5000)?.args).toEqual(['add', 'HKLM\\SYSTEM\\CurrentControlSet\\Control', '/v', 'WaitToKillServiceTimeout', '/t', 'REG_SZ', '/d', '30000', '/f']);
    expect(shutdownAllowanceRaise(null)).not.toBeNull();
    expect(shutdownAllowanceRaise(60_000)).toBeNull();
  });

  test('service states from sc.exe, and NSSM\'s UTF-16 output', () => {
    expect(parseServiceState('SERVICE_NAME: ChaharsuAgent\n        TYPE               : 10  WIN32_OWN_PROCESS\n        STATE              : 4  RUNNING\n', 0)).toBe('running');
    expect(parseServiceState('        STATE              : 1  STOPPED\n', 0)).toBe('stopped');
    expect(parseServiceState('[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\n\nThe specified service does not exist as an installed service.', 1060)).toBe('not_installed');
    expect(parseServiceState('', 1)).toBe('not_installed'); // wine's sc.exe
    expect(parseServiceState('[SC] OpenService FAILED 5:\n\nAccess is denied.', 5)).toBe('unknown');
    expect(decodeToolOutput(Buffer.from('Service "ChaharsuAgent" installed successfully!\r\n', 'utf16le'))).toBe('Service "ChaharsuAgent" installed successfully!\n');
    expect(decodeToolOutput(Buffer.from('STATE : 4 RUNNING\r\n', 'latin1'))).toBe('STATE : 4 RUNNING\n');
  });
});

describe('chaharsu-agent service uninstall|stop', () => {
  async function enrolledDataDir(password: string | null): Promise<string> {
    const dir = mkdtempSync(path.join(tmpdir(), 'agent-service-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'agent.json'), JSON.stringify({ agent_id: 'a' }));
    if (password) writeFileSync(path.join(dir, 'password.json'), JSON.stringify({ verifier: await hashPassword(password) }));
    return dir;
  }

  test('needs the agent password: a wrong or missing one runs nothing; the right one unprotects, stops and removes', async () => {
    const data_dir = await enrolledDataDir('correct horse');
    const ran: string[] = [];
    const run = (step: ServiceStep): StepResult => { ran.push(line(step)); return { status: 0, output: '' }; };
    const context = (password: string | undefined) => ({ layout: { ...layout, data_dir }, password, print: () => undefined, run });
    await expect(runServiceCommand('uninstall', context('wrong'))).rejects.toThrow(/wrong agent password/);
    await expect(runServiceCommand('stop', context(undefined))).rejects.toBeInstanceOf(ServiceCommandError);
    expect(ran).toEqual([]);
    await runServiceCommand('uninstall', context('correct horse'));
    expect(ran).toEqual([`sc.exe sdset ChaharsuAgent ${DEFAULT_SDDL}`, 'nssm.exe stop ChaharsuAgent', 'nssm.exe remove ChaharsuAgent confirm']);
  });

  test('an enrolled agent that never received its password cannot be removed with the command; a failing step stops the sequence', async () => {
    const ran: string[] = [];
    const never = await enrolledDataDir(null);
    await expect(runServiceCommand('uninstall', { layout: { ...layout, data_dir: never }, password: 'x', print: () => undefined, run: (step) => { ran.push(line(step)); return { status: 0, output: '' }; } }))
      .rejects.toThrow(/has not received it from the panel yet/);
    expect(ran).toEqual([]);
    const data_dir = await enrolledDataDir('pw');
    const printed: string[] = [];
    const failAt = (step: ServiceStep): StepResult => (step.args[0] === 'stop' ? { status: 1, output: 'Access is denied.' } : { status: 0, output: '' });
    await expect(runServiceCommand('stop', { layout: { ...layout, data_dir }, password: 'pw', print: (text) => printed.push(text), run: failAt }))
      .rejects.toThrow('nssm.exe stop ChaharsuAgent failed (exit 1): Access is denied.');
    expect(printed).toEqual(['ok   allow the stop (agent password checked)', 'FAIL stop the service (the agent finishes its command in progress first)']);
  });

  test('install is refused outside the Windows executable and before enrolment', async () => {
    await expect(runServiceCommand('install', { layout, password: undefined, print: () => undefined, executable: null })).rejects.toThrow(/runs on Windows, from chaharsu-agent\.exe/);
    const dir = mkdtempSync(path.join(tmpdir(), 'agent-service-'));
    dirs.push(dir);
    await expect(runServiceCommand('install', { layout: { ...layout, data_dir: dir }, password: undefined, print: () => undefined, executable: { path: '/x', nssm: () => Buffer.alloc(0) } }))
      .rejects.toThrow(/not enrolled/);
    await expect(runServiceCommand('bogus', { layout, password: undefined, print: () => undefined })).rejects.toThrow(/usage: chaharsu-agent service/);
  });
});
