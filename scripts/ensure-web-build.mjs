#!/usr/bin/env node
/**
 * `npm start` serves the built web client: build it when it is missing or older than its sources
 * (apps/web, packages/i18n). Skipped when the web app does not exist yet.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const web = path.join(root, 'apps/web');
const built = path.join(web, 'dist/index.html');
if (!existsSync(path.join(web, 'package.json'))) process.exit(0);

function newest(dir) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

const sourcesChanged = Math.max(newest(path.join(web, 'src')), newest(path.join(root, 'packages/i18n')), statSync(path.join(web, 'package.json')).mtimeMs);
if (existsSync(built) && statSync(built).mtimeMs >= sourcesChanged) process.exit(0);
console.log('Building the web client (first start, or its sources changed)…');
const result = spawnSync('npm', ['run', 'build', '-w', '@chaharsu/web'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
