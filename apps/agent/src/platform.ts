/**
 * What differs between the branch computer (Windows service) and the machines the tests run on.
 * The agent's logic talks only to this interface. The Linux implementation (here) is used by the tests
 * and demos; the Windows one is platform-windows.ts; platform-current.ts picks by process.platform.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, statfsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { linuxInstaller, type UpdateInstaller } from './update/installer.js';

export interface DiskSpace { free_bytes: number; total_bytes: number }

export interface AgentPlatform {
  readonly name: string;
  hostname(): string;
  /** Protects a secret at rest (Windows: DPAPI, machine scope; Linux: a 0600 file readable by the service user only). */
  protectSecret(plaintext: string): string;
  unprotectSecret(stored: string): string;
  diskSpace(dir: string): DiskSpace | null;
  /** A message to the person at the branch computer (Windows: a toast; Linux: the log). */
  notifyUser(title: string, body: string): void;
  /** Writes a file so that a crash leaves either the old or the new content. */
  writeFileAtomic(file: string, content: string, mode?: number): void;
  /** The versions folder and the atomic switch between versions (Linux: a `current` symlink; Windows: `current.txt`, installer.ts). */
  updateInstaller(install_root: string): UpdateInstaller;
}

export function linuxPlatform(log: (message: string) => void = () => undefined): AgentPlatform {
  return {
    name: 'linux',
    hostname: () => hostname(),
    // The secret file itself is 0600 under the service user's data dir: that is the protection here.
    protectSecret: (plaintext) => `plain:${plaintext}`,
    unprotectSecret: (stored) => {
      if (!stored.startsWith('plain:')) throw new Error('secret protected by another platform (DPAPI): re-enrol this agent on this computer');
      return stored.slice('plain:'.length);
    },
    diskSpace: diskSpaceOf,
    notifyUser: (title, body) => log(`[notification] ${title}: ${body}`),
    updateInstaller: (install_root) => linuxInstaller(install_root),
    writeFileAtomic: (file, content, mode = 0o600) => {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const temporary = `${file}.tmp`;
      writeFileSync(temporary, content, { mode });
      chmodSync(temporary, mode);
      renameSync(temporary, file);
    },
  };
}

/** Free and total bytes of the volume holding `dir` (on Windows libuv answers statfs with GetDiskFreeSpaceExW); null when unknown. */
export function diskSpaceOf(dir: string): DiskSpace | null {
  try {
    const stats = statfsSync(dir);
    return { free_bytes: stats.bavail * stats.bsize, total_bytes: stats.blocks * stats.bsize };
  } catch {
    return null;
  }
}

export function readJsonFile(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}
