/**
 * Node's CPU per database operation through `@chaharsu/db` (Kysely + pg + the statement coalescing of
 * decision 0011), apart from any module's work: `npx tsx bench/db-overhead.ts [--pool=4] [--concurrency=4]`.
 * Starts its own throwaway PostgreSQL, then runs each shape 10,000 times from `--concurrency` loops on a pool of
 * `--pool` connections, twice (the first round warms the JIT up; read the second), and prints the process's CPU
 * per operation (all threads, user + system) and the rate. It tells how much of a request's Node CPU is the
 * transaction and round-trip machinery and how much is the module's own code (compare with the CPU per movement
 * that `bench/warehouse.ts` prints).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { startEmbeddedPostgres } from '@chaharsu/db/embedded';
import { createDb, inTransaction, prepared, type Tx } from '@chaharsu/db';

const option = (name: string, fallback: number): number => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const pool = option('pool', 4);
const concurrency = option('concurrency', 4);
const OPS = 10_000;
const ROWS = 1_000;

const dir = mkdtempSync(path.join(tmpdir(), 'chaharsu-db-overhead-'));
const pg = await startEmbeddedPostgres({ data_dir: path.join(dir, 'pg') });
const { db } = createDb({ url: pg.superuser_url(), max_connections: pool });
try {
  await sql`create table counter (id int primary key, v int not null)`.execute(db);
  await sql`insert into counter select g, 0 from generate_series(1, ${ROWS}) g`.execute(db);
  const scope = { org_id: '01a20040-6b9c-7008-a5e6-b5182de6bd81', user_id: null };
  let k = 0;
  const row = () => 1 + (k++ % ROWS);
  const read = (tx: Tx) => sql`${prepared('db_overhead_read')} select v from counter where id = ${row()}::int`.execute(tx);
  const write = (tx: Tx) => sql`${prepared('db_overhead_write')} update counter set v = v + 1 where id = ${row()}::int`.execute(tx);
  const shapes: Array<[string, () => Promise<unknown>]> = [
    ['one prepared read, no transaction', () => read(db as unknown as Tx)],
    ['empty transaction (begin + scope + commit)', () => inTransaction(db, scope, async () => {})],
    ['transaction + one read', () => inTransaction(db, scope, async (tx) => { await read(tx); })],
    ['transaction + read + write', () => inTransaction(db, scope, async (tx) => { await read(tx); await write(tx); })],
  ];
  console.log(`db overhead: ${OPS} operations per shape, ${concurrency} loops on ${pool} connections`);
  for (const round of [1, 2]) {
    for (const [name, run] of shapes) {
      for (let i = 0; i < 300; i++) await run();
      const cpu0 = process.cpuUsage();
      const started = performance.now();
      await Promise.all(Array.from({ length: concurrency }, async () => { for (let i = 0; i < OPS / concurrency; i++) await run(); }));
      const cpu = process.cpuUsage(cpu0);
      const seconds = (performance.now() - started) / 1000;
      console.log(`round ${round}  ${name.padEnd(44)} Node ${((cpu.user + cpu.system) / OPS).toFixed(0).padStart(4)} µs per operation (system ${(cpu.system / OPS).toFixed(0)}), ${(OPS / seconds).toFixed(0)}/s`);
    }
  }
} finally {
  await db.destroy();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
