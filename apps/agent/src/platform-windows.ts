/**
 * The Windows implementation of `AgentPlatform` (ADR 0010), selected when `process.platform === 'win32'`
 * (platform-current.ts). What runs here was run under wine64 by tests/agent-exe; what needs a real
 * Windows is listed in docs/branch-panel/windows.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { diskSpaceOf, type AgentPlatform } from './platform.js';
import { renameWithRetry, windowsInstaller } from './update/installer.js';
import { protectWithDpapi, runPowerShell, unprotectWithDpapi, type PowerShellRunner } from './windows/dpapi.js';
import { userNotifier, type UserNotifierOptions } from './windows/notify.js';

export interface WindowsPlatformOptions {
  log?: (line: string) => void;
  /** Tests replace the PowerShell process and the message box launcher. */
  powershell?: PowerShellRunner;
  notifier?: Omit<UserNotifierOptions, 'log'>;
  env?: NodeJS.ProcessEnv;
}

export function windowsPlatform(options: WindowsPlatformOptions = {}): AgentPlatform {
  const log = options.log ?? (() => undefined);
  const powershell = options.powershell ?? runPowerShell;
  const notify = userNotifier({ ...options.notifier, env: options.env, log });
  return {
    name: 'windows',
    hostname: () => hostname(),
    protectSecret: (plaintext) => protectWithDpapi(plaintext, powershell, options.env),
    unprotectSecret: (stored) => unprotectWithDpapi(stored, powershell, options.env),
    diskSpace: diskSpaceOf,
    notifyUser: (title, body) => notify(title, body),
    updateInstaller: (install_root) => windowsInstaller(install_root),
    // Modes mean nothing on NTFS: the data folder's ACL (SYSTEM and Administrators, set by `service install`) protects these files.
    writeFileAtomic: (file, content) => {
      mkdirSync(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, content, { flush: true });
      renameWithRetry(temporary, file);
    },
  };
}
