#!/usr/bin/env node
/**
 * `npm test`: everything, in order — type check, lint, web build, unit + database tests on the embedded
 * PostgreSQL, browser tests in a real Chromium. Prints `N passed, N failed` last; exits non-zero on any failure.
 * Extra arguments go to vitest (e.g. `npm test -- modules/ledger`), skipping the static checks.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const extra = process.argv.slice(2);
let passed = 0;
let failed = 0;
const failures = [];

function run(name, command, args, env = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    process.stdout.write(`\n=== ${name}: ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('close', (code) => {
      process.stdout.write(`=== ${name}: ${code === 0 ? 'ok' : `failed (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      resolve(code === 0);
    });
  });
}

async function check(name, command, args) {
  const ok = await run(name, command, args);
  if (ok) passed += 1;
  else { failed += 1; failures.push(name); }
  return ok;
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);

if (extra.length === 0) {
  await check('typecheck (server, modules, packages)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  if (existsSync(path.join(root, 'apps/web/tsconfig.json'))) await check('typecheck (web)', bin('tsc'), ['-p', 'apps/web/tsconfig.json', '--noEmit']);
  await check('lint', bin('eslint'), ['.', '--max-warnings', '0']);
  if (existsSync(path.join(root, 'apps/web/package.json'))) await check('web build', 'npm', ['run', 'build', '--silent']);
}

const reportDir = path.join(root, 'test-results');
mkdirSync(reportDir, { recursive: true });
const reportFile = path.join(reportDir, 'vitest.json');
rmSync(reportFile, { force: true });
const vitestOk = await run('tests (unit, database, browser)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...extra]);
if (existsSync(reportFile)) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0);
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).every((t) => t.status !== 'failed')) {
      failed += 1; // a file that failed outside any test (import error, hook failure)
      failures.push(path.relative(root, file.name));
    }
    for (const t of file.assertionResults ?? []) if (t.status === 'failed') failures.push(`${path.relative(root, file.name)} › ${t.fullName}`);
  }
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (skipped) process.stdout.write(`note: ${skipped} tests skipped\n`);
} else if (!vitestOk) {
  failed += 1;
  failures.push('vitest did not run');
}
if (!vitestOk && failures.length === 0) { failed += 1; failures.push('vitest exited non-zero'); }

if (failures.length) {
  process.stdout.write('\nFailed:\n');
  for (const f of failures) process.stdout.write(`  - ${f}\n`);
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
