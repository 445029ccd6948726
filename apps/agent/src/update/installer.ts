/**
 * Where agent versions live and which one runs. The agent only stages a verified artifact; switching,
 * starting and rolling back belong to the supervisor (Linux: `chaharsu-agent supervise`; Windows: the
 * NSSM service running `chaharsu-agent.exe supervise`), which is the one process that outlives a version.
 *
 * Linux layout under the install root:
 *   versions/<version>/chaharsu-agent   one folder per version, the artifact as an executable file
 *   current -> versions/<version>       switched atomically (symlink to a temporary name, then rename)
 *   previous                            the version that ran before the last switch (rollback target)
 * Windows (`windowsInstaller`): the same folders with `chaharsu-agent.exe` in each, and `current.txt` naming
 * the version instead of a symlink (symlinks need a privilege and a running .exe cannot be replaced in place).
 * The service runs a fixed launcher (`<root>\chaharsu-agent.exe supervise`) that starts the version named there;
 * `current.txt` is replaced by writing a temporary file, flushing it and renaming it over the old one
 * (libuv's rename is MoveFileExW with MOVEFILE_REPLACE_EXISTING: readers see the old or the new name, never half).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ReleaseVersion } from '@chaharsu/branch-sync/protocol';

export const ARTIFACT_NAME = 'chaharsu-agent';
export const WINDOWS_ARTIFACT_NAME = 'chaharsu-agent.exe';

export interface UpdateInstaller {
  readonly root: string;
  /** Version that `current` points at (null before the first install). */
  currentVersion(): string | null;
  previousVersion(): string | null;
  /** The executable of a version. */
  executable(version: string): string;
  has(version: string): boolean;
  /** Writes a (verified) artifact beside the current version; a crash leaves either nothing or the whole folder. */
  stage(version: string, artifact: Buffer): void;
  /** Points `current` at `version` in one atomic step and remembers the one it replaces. */
  activate(version: string): void;
  /** Back to the version that ran before the last activate. */
  rollback(): string;
  /** Removes versions other than current and previous (disk space on small branch PCs); returns the ones it could not remove yet. */
  prune(): string[];
}

function checkedVersion(version: string): string {
  // The version becomes a folder name: only what the release format allows (no "..", no separators).
  return ReleaseVersion.parse(version);
}

/** How `current` names the running version: a symlink (Linux) or a small text file (Windows). */
interface CurrentPointer {
  read(): string | null;
  /** Replaces the pointer in one atomic step. */
  point(version: string): void;
}

function symlinkPointer(root: string): CurrentPointer {
  const current = path.join(root, 'current');
  return {
    read: () => { try { return path.basename(readlinkSync(current)); } catch { return null; } },
    point(version) {
      const temporary = `${current}.${process.pid}.tmp`;
      rmSync(temporary, { force: true });
      symlinkSync(path.join('versions', version), temporary);
      renameSync(temporary, current); // rename(2) replaces the old link atomically: never a moment without `current`
    },
  };
}

function textFilePointer(root: string): CurrentPointer {
  const current = path.join(root, 'current.txt');
  return {
    read: () => { try { return readFileSync(current, 'utf8').trim() || null; } catch { return null; } },
    point(version) {
      const temporary = `${current}.${process.pid}.tmp`;
      writeFileSync(temporary, `${version}\n`, { flush: true });
      renameWithRetry(temporary, current);
    },
  };
}

/** Windows: a rename over a file that an antivirus scanner or a reader holds open fails for a moment (EPERM/EBUSY/EACCES). */
export function renameWithRetry(from: string, to: string, attempts = 10): void {
  for (let attempt = 1; ; attempt += 1) {
    try { renameSync(from, to); return; } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= attempts || !(code === 'EPERM' || code === 'EBUSY' || code === 'EACCES')) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50 * attempt);
    }
  }
}

interface InstallerLayout { artifact_name: string; pointer: CurrentPointer; executable_mode: number }

function versionsInstaller(root: string, layout: InstallerLayout): UpdateInstaller {
  const versions = path.join(root, 'versions');
  const previous = path.join(root, 'previous');
  const { artifact_name, pointer } = layout;
  const versionDir = (version: string): string => path.join(versions, checkedVersion(version));
  const artifact = (version: string): string => path.join(versionDir(version), artifact_name);
  const currentVersion = (): string | null => pointer.read();
  const previousVersion = (): string | null => (existsSync(previous) ? readFileSync(previous, 'utf8').trim() || null : null);

  return {
    root,
    currentVersion,
    previousVersion,
    executable: artifact,
    has: (version) => existsSync(artifact(version)),
    stage(version, content) {
      const target = versionDir(version);
      if (version === currentVersion()) throw new Error(`version ${version} is the running version`);
      const staging = `${target}.staging`;
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true, mode: 0o755 });
      const file = path.join(staging, artifact_name);
      writeFileSync(file, content, { mode: layout.executable_mode, flush: true });
      chmodSync(file, layout.executable_mode);
      rmSync(target, { recursive: true, force: true });
      renameSync(staging, target);
    },
    activate(version) {
      if (!existsSync(artifact(version))) throw new Error(`version ${version} is not staged`);
      const before = currentVersion();
      if (before === version) return;
      if (before) writeFileSync(previous, `${before}\n`, { flush: true });
      pointer.point(checkedVersion(version));
    },
    rollback() {
      const target = previousVersion();
      if (!target || !existsSync(artifact(target))) throw new Error('no previous version to roll back to');
      pointer.point(checkedVersion(target));
      return target;
    },
    prune() {
      if (!existsSync(versions)) return [];
      const keep = new Set([currentVersion(), previousVersion()]);
      const left: string[] = [];
      for (const name of readdirSync(versions)) {
        if (keep.has(name)) continue;
        // Windows: an exe still running or held by a scanner cannot be deleted; it goes at a later prune.
        try { rmSync(path.join(versions, name), { recursive: true, force: true, maxRetries: 3, retryDelay: 100 }); } catch { left.push(name); }
      }
      return left;
    },
  };
}

export function linuxInstaller(root: string): UpdateInstaller {
  return versionsInstaller(root, { artifact_name: ARTIFACT_NAME, pointer: symlinkPointer(root), executable_mode: 0o755 });
}

export function windowsInstaller(root: string): UpdateInstaller {
  return versionsInstaller(root, { artifact_name: WINDOWS_ARTIFACT_NAME, pointer: textFilePointer(root), executable_mode: 0o755 });
}
