/**
 * Exactly once under faults (issue 5). `npm test` runs a smaller default (200 commands, 5 branches);
 * `npm run test:faults -- --seed <n> --commands <n> --branches <n>` runs any size. The seed is printed
 * first, so a failing run can be replayed with the same fault plan.
 */
import { expect, test } from 'vitest';
import { runFaultScenario } from './fault-harness.js';

const env = process.env;
const seed = env.FAULT_SEED ? Number(env.FAULT_SEED) : Math.floor(Math.random() * 1_000_000);
const commands = env.FAULT_COMMANDS ? Number(env.FAULT_COMMANDS) : 200;
const branches = env.FAULT_BRANCHES ? Number(env.FAULT_BRANCHES) : 5;

test(`every command applies exactly once while agents, connections and the server fail (seed ${seed}, ${commands} commands, ${branches} branches)`, async () => {
  const report = await runFaultScenario({ seed, commands, branches, log: (line) => console.log(line) });
  expect(report.problems).toEqual([]);
  expect(report.outcomes.applied + report.outcomes.failed).toBe(commands);
}, 60 * 60_000);
