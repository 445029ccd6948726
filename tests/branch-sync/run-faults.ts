/** `npm run test:faults -- --seed <n> --commands <n> --branches <n>`: the fault-injection test at any size. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { seed: { type: 'string' }, commands: { type: 'string', default: '1000' }, branches: { type: 'string', default: '5' } } });
const seed = values.seed ?? String(Math.floor(Math.random() * 1_000_000));
for (const [name, value] of Object.entries({ seed, commands: values.commands, branches: values.branches })) {
  if (!/^\d+$/.test(value ?? '')) { console.error(`--${name} must be a whole number`); process.exit(2); }
}
if (Number(values.branches) < 1 || Number(values.commands) < 1) { console.error('--commands and --branches must be at least 1'); process.exit(2); }
console.log(`fault-injection test: seed ${seed}, ${values.commands} commands, ${values.branches} branches`);
const child = spawn(path.join(root, 'node_modules/.bin/vitest'), ['run', 'tests/branch-sync/faults.test.ts', '--reporter=verbose'], {
  cwd: root, stdio: 'inherit',
  env: { ...process.env, FAULT_SEED: seed, FAULT_COMMANDS: values.commands, FAULT_BRANCHES: values.branches },
});
child.on('close', (code) => process.exit(code ?? 1));
