/**
 * Where agent versions live and which one runs. The agent only stages a verified artifact; switching,
 * starting and rolling back belong to the supervisor (Linux: `chaharsu-agent supervise`; Windows: the
 * service wrapper), which is the one process that outlives a version.
 *
 * Linux layout under the install root:
 *   versions/<version>/chaharsu-agent   one folder per version, the artifact as an executable file
 *   current -> versions/<version>       switched atomically (symlink to a temporary name, then rename)
 *   previous                            the version that ran before the last switch (rollback target)
 * Windows (not built, README "Self-update"): the same folders; the service's ImagePath points at a fixed
 * launcher that reads `current.txt`, because a running .exe cannot be replaced in place.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ReleaseVersion } from '@chaharsu/branch-sync/protocol';

export const ARTIFACT_NAME = 'chaharsu-agent';

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
  /** Removes versions other than current and previous (disk space on small branch PCs). */
  prune(): void;
}

function checkedVersion(version: string): string {
  // The version becomes a folder name: only what the release format allows (no "..", no separators).
  return ReleaseVersion.parse(version);
}

export function linuxInstaller(root: string): UpdateInstaller {
  const versions = path.join(root, 'versions');
  const current = path.join(root, 'current');
  const previous = path.join(root, 'previous');
  const versionDir = (version: string): string => path.join(versions, checkedVersion(version));

  const currentVersion = (): string | null => {
    try { return path.basename(readlinkSync(current)); } catch { return null; }
  };
  const previousVersion = (): string | null => (existsSync(previous) ? readFileSync(previous, 'utf8').trim() || null : null);

  const pointCurrentAt = (version: string): void => {
    const temporary = `${current}.${process.pid}.tmp`;
    rmSync(temporary, { force: true });
    symlinkSync(path.join('versions', checkedVersion(version)), temporary);
    renameSync(temporary, current); // rename(2) replaces the old link atomically: never a moment without `current`
  };

  return {
    root,
    currentVersion,
    previousVersion,
    executable: (version) => path.join(versionDir(version), ARTIFACT_NAME),
    has: (version) => existsSync(path.join(versionDir(version), ARTIFACT_NAME)),
    stage(version, artifact) {
      const target = versionDir(version);
      if (version === currentVersion()) throw new Error(`version ${version} is the running version`);
      const staging = `${target}.staging`;
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true, mode: 0o755 });
      const file = path.join(staging, ARTIFACT_NAME);
      writeFileSync(file, artifact, { mode: 0o755, flush: true });
      chmodSync(file, 0o755);
      rmSync(target, { recursive: true, force: true });
      renameSync(staging, target);
    },
    activate(version) {
      if (!existsSync(path.join(versionDir(version), ARTIFACT_NAME))) throw new Error(`version ${version} is not staged`);
      const before = currentVersion();
      if (before === version) return;
      if (before) writeFileSync(previous, `${before}\n`, { flush: true });
      pointCurrentAt(version);
    },
    rollback() {
      const target = previousVersion();
      if (!target || !existsSync(path.join(versionDir(target), ARTIFACT_NAME))) throw new Error('no previous version to roll back to');
      pointCurrentAt(target);
      return target;
    },
    prune() {
      if (!existsSync(versions)) return;
      const keep = new Set([currentVersion(), previousVersion()]);
      for (const name of readdirSync(versions)) if (!keep.has(name)) rmSync(path.join(versions, name), { recursive: true, force: true });
    },
  };
}
