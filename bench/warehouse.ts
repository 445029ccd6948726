/**
 * Warehouse scale benchmark: `npm run bench:warehouse -- --products=10000`.
 * Options: --products=N --samples=1000 --operators=16 --outs=300 --pace-ms=100 --pool=10 (connections, the server's default) --hot (all stock-outs on one item) --explain (plans of the hot queries)
 * --path=lane|each (stock-outs through the movement lane, as the routes send them — several operators' movements in one
 * transaction — or each in its own transaction, as before decision 0012)
 * --statements (pg_stat_statements per phase) --keep (keep the data folder) --data-dir=DIR (load into DIR
 * once, reuse it in later runs with the same --products; new migrations are applied).
 *
 * Starts its own PostgreSQL (embedded, durable settings), migrates, bulk-loads N products (code,
 * barcode, two price levels, normalised search text — the rows the catalog writes) and 5N movements
 * with their stock levels (every balance equals the sum of its movements, checked after loading), then
 * measures, through the modules' APIs (server time, no HTTP; lookups and searches in one transaction each):
 *   - barcode lookup (exact, as the station's scanner does),
 *   - search as you type (each prefix of a product name, as keystrokes arrive),
 *   - stock-out with its checks (item, warehouse, balance under row lock, ledger insert, audit, low-stock),
 *     through the movement lane as the routes send it (--path=each: one transaction per stock-out)
 *     by 16 concurrent operators,
 * and a baseline (an empty transaction with the same row-level-security setup) for comparison.
 * Prints p50/p95/p99 and the data size. The warehouse directory is the in-memory test fake (in the
 * product it is the orgs module), so its cost is not in these figures.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { startEmbeddedPostgres } from '@chaharsu/db/embedded';
import { createDb, ensureDatabase, ensureRoles, inTransaction, migrateToLatest, roleUrl, APP_ROLE, OWNER_ROLE } from '@chaharsu/db';
import { newId, normaliseForSearch } from '@chaharsu/kit';
import { AppError } from '@chaharsu/kit';
import { createStockModules, asUser, userContext } from '@chaharsu/inventory/testing';
import { createAuditApi } from '@chaharsu/audit';
import { createWarehouseService } from '@chaharsu/warehouse';
import { syntheticFrames } from '@chaharsu/warehouse/testing/descriptors';
import { allMigrations } from '../apps/server/src/migrations.js';
import { cpuOfTree, percentile, speedProbe } from './support/cpu.js';

interface Options { products: number; samples: number; operators: number; outs_per_operator: number; pace_ms: number; pool: number; hot: boolean; keep: boolean; explain: boolean; statements: boolean; data_dir: string | null; path: 'lane' | 'each' }

/** What a --data-dir folder holds after its first run. */
interface LoadedData { products: number; org_id: string; user_id: string; warehouse_id: string }

function parseOptions(argv: string[]): Options {
  const value = (name: string, fallback: number, min = 1): number => {
    const raw = argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
    const parsed = raw === undefined ? fallback : Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(parsed) || parsed < min) throw new Error(`--${name} must be an integer of at least ${min}`);
    return parsed;
  };
  return {
    products: value('products', 10_000),
    samples: value('samples', 1_000),
    operators: value('operators', 16),
    outs_per_operator: value('outs', 300),
    pace_ms: value('pace-ms', 100, 0), // 0: no paced phase
    // The server's default DB_POOL_SIZE (apps/server/src/config.ts): operators beyond it wait for a connection, as requests do.
    pool: value('pool', 10),
    keep: argv.includes('--keep'),
    hot: argv.includes('--hot'),
    explain: argv.includes('--explain'),
    statements: argv.includes('--statements'),
    data_dir: argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length) ?? null,
    path: pathOption(argv.find((a) => a.startsWith('--path='))?.slice('--path='.length) ?? 'lane'),
  };
}

function pathOption(raw: string): 'lane' | 'each' {
  if (raw !== 'lane' && raw !== 'each') throw new Error('--path must be lane or each');
  return raw;
}

const NOUNS = ['شیر', 'ماست', 'پنیر', 'کره', 'دوغ', 'چای', 'قهوه', 'شکر', 'برنج', 'روغن', 'نان', 'کیک', 'بیسکویت', 'شکلات', 'آبمیوه', 'نوشابه', 'ماکارونی', 'رب', 'عدس', 'لوبیا', 'نخود', 'صابون', 'شامپو', 'دستمال', 'پودر', 'کنسرو', 'سس', 'عسل', 'مربا', 'خرما'];
const ADJECTIVES = ['کم چرب', 'پرچرب', 'ویژه', 'خانواده', 'ممتاز', 'ساده', 'طلایی', 'سفید', 'رژیمی', 'ارگانیک', 'فله', 'صادراتی'];
const BRANDS = ['پاک', 'میهن', 'کاله', 'دامداران', 'گلستان', 'طبیعت', 'مهرام', 'بیژن', 'زر', 'سحر', 'تبرک', 'چین چین', 'نستله', 'یک و یک', 'آیدین', 'شیرین عسل'];

/** A pool whose idle connections may be cut when the benchmark's PostgreSQL stops (ignored then). */
function open(url: string, max_connections: number, statement_timeout_ms?: number): ReturnType<typeof createDb> {
  const opened = createDb({ url, max_connections, ...(statement_timeout_ms === undefined ? {} : { statement_timeout_ms }) });
  opened.pool.on('error', () => {});
  return opened;
}

function report(name: string, timings_ms: number[]): string {
  const sorted = [...timings_ms].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(2).padStart(8);
  return `${name.padEnd(34)} n=${String(sorted.length).padStart(6)}  p50 ${f(percentile(sorted, 50))} ms  p95 ${f(percentile(sorted, 95))} ms  p99 ${f(percentile(sorted, 99))} ms`;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Loads products, barcodes, prices, stock levels and 5 movements per product with SQL (generate_series). */
async function load(superuser_url: string, org_id: string, warehouse_id: string, user_id: string, n: number): Promise<void> {
  const { db } = open(superuser_url, 1, 0);
  const words = (list: string[]) => sql.raw(`array[${list.map((w) => `'${w}'`).join(',')}]`);
  try {
    await sql`create or replace function pg_temp.uuid7(ts timestamptz) returns uuid language sql volatile as $$
      select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from ts) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid $$`.execute(db);
    await sql`create temp table bench_item as
      select i, pg_temp.uuid7(now() - interval '365 days' + i * interval '1 ms') as id,
        'P' || lpad(i::text, 8, '0') as code,
        '626' || lpad(i::text, 10, '0') as barcode,
        (${words(NOUNS)})[1 + i % ${NOUNS.length}] || ' ' || (${words(ADJECTIVES)})[1 + (i / ${NOUNS.length}) % ${ADJECTIVES.length}] || ' ' ||
          (${words(BRANDS)})[1 + (i / ${NOUNS.length * ADJECTIVES.length}) % ${BRANDS.length}] || ' ' || (50 + i % 950)::text || ' گرمی' as name
      from generate_series(1, ${n}) as i`.execute(db);
    await sql`insert into catalog.product (org_id, id, code, code_normalised, name, unit, category_id, is_active, search_text)
      select ${org_id}, id, code, upper(code), name, 'عدد', null, true, lower(name || ' ' || code || ' ' || barcode) from bench_item`.execute(db);
    await sql`insert into catalog.barcode (org_id, code_normalised, code, product_id) select ${org_id}, barcode, barcode, id from bench_item`.execute(db);
    await sql`insert into catalog.price (org_id, item_id, level, product_id, amount_rial)
      select ${org_id}, id, level, id, (100000 + (i % 5000) * 1000) * (11 - level) / 10 from bench_item, generate_series(1, 2) as level`.execute(db);
    // Five movements per item: in 100, out 3, out 2, in 10, adjust -1 → balance 104.
    await sql`insert into inventory.movement (org_id, id, created_at, type, warehouse_id, item_id, product_id, quantity_delta, quantity_after, user_id, actor_kind, actor_id, reason)
      select ${org_id}, pg_temp.uuid7(now() - interval '300 days' + (i * 5 + k) * interval '5 seconds'), now() - interval '300 days' + (i * 5 + k) * interval '5 seconds',
        (array['in','out','out','in','adjust'])[k], ${warehouse_id}, id, id,
        (array[100,-3,-2,10,-1])[k], (array[100,97,95,105,104])[k], ${user_id}, 'user', ${user_id}, case when k = 5 then 'شمارش' else null end
      from bench_item, generate_series(1, 5) as k`.execute(db);
    await sql`insert into inventory.stock_level (org_id, warehouse_id, item_id, product_id, quantity, min_quantity, movement_count, last_movement_at)
      select ${org_id}, ${warehouse_id}, id, id, 104, case when i % 10 = 0 then 110 else 5 end, 5, now() from bench_item`.execute(db);
    await sql`analyze`.execute(db);
  } finally {
    await db.destroy();
  }
}

async function checkShape(superuser_url: string, org_id: string): Promise<void> {
  const { db } = open(superuser_url, 1);
  try {
    const sample = await sql<{ name: string; code: string; search_text: string; barcode: string }>`
      select p.name, p.code, p.search_text, b.code as barcode from catalog.product p join catalog.barcode b on b.org_id = p.org_id and b.product_id = p.id
      where p.org_id = ${org_id} order by random() limit 200`.execute(db);
    for (const row of sample.rows) {
      const expected = normaliseForSearch(`${row.name} ${row.code} ${row.barcode}`);
      if (row.search_text !== expected) throw new Error(`loaded search_text differs from the app's: ${row.search_text} ≠ ${expected}`);
    }
    const unequal = await sql<{ n: string }>`select count(*)::text as n from inventory.stock_level s where s.org_id = ${org_id}
      and s.quantity <> (select sum(quantity_delta) from inventory.movement m where m.org_id = s.org_id and m.warehouse_id = s.warehouse_id and m.item_id = s.item_id)`.execute(db);
    if (unequal.rows[0]?.n !== '0') throw new Error('loaded balances differ from the sum of their movements');
  } finally {
    await db.destroy();
  }
}

async function dataSize(superuser_url: string): Promise<string[]> {
  const { db } = open(superuser_url, 1);
  try {
    const tables = await sql<{ name: string; rows: string; size: string }>`
      select n.nspname || '.' || c.relname as name, c.reltuples::bigint::text as rows, pg_size_pretty(pg_total_relation_size(c.oid)) as size
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('catalog', 'inventory', 'audit', 'notify') and c.relkind = 'r' order by pg_total_relation_size(c.oid) desc`.execute(db);
    const total = await sql<{ size: string }>`select pg_size_pretty(pg_database_size(current_database())) as size`.execute(db);
    return [...tables.rows.map((t) => `  ${t.name.padEnd(28)} ${t.rows.padStart(10)} rows  ${t.size}`), `  database total: ${total.rows[0]?.size}`];
  } finally {
    await db.destroy();
  }
}

/**
 * Prints the plans of the hot queries: the barcode probe as the app role (row-level security in force),
 * and the tiers catalog.search_products_ranked() runs on catalog.product_search, as the owner role the
 * function runs as (its policy there is the constant true; the function applies the organisation).
 */
async function explain(db: ReturnType<typeof createDb>['db'], owner_url: string, org_id: string, user_id: string, barcode: string, name: string): Promise<void> {
  const word = normaliseForSearch(name).split(' ')[0] ?? '';
  const inner = normaliseForSearch(name).split(' ')[1] ?? word;
  const print = (label: string, rows: Array<{ 'QUERY PLAN': string }>): void => {
    console.log(`-- ${label}`);
    for (const line of rows) console.log(`   ${line['QUERY PLAN']}`);
  };
  print('barcode (app role)', await inTransaction(db, { org_id, user_id }, async (tx) =>
    (await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) select * from catalog.barcode where org_id = ${org_id} and code_normalised = ${barcode}`.execute(tx)).rows));
  print('low-stock list (app role)', await inTransaction(db, { org_id, user_id }, async (tx) =>
    (await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) select * from inventory.stock_level where org_id = ${org_id} and is_low order by warehouse_id, item_id limit 50`.execute(tx)).rows));
  // As the table owner, the role catalog.search_products_ranked() runs as (row-level security in force).
  const su = open(owner_url, 1);
  try {
    await sql`select set_config('app.org_id', ${org_id}, false)`.execute(su.db);
    // The tiers catalog.search_products_ranked() runs, in its order (each only while the page is not full).
    const like = (w: string) => `${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const contains = (w: string) => sql`select product_id from catalog.product_search where org_id = ${org_id}
      and search_key like '%' || catalog.search_key(${w}) || '%' and search_text like ${`%${like(w)}`} limit 21`;
    const searches: Array<[string, ReturnType<typeof sql>]> = [
      ['search tier 0: exact code, barcode or SKU', sql`select product_id from catalog.product_search where org_id = ${org_id} and product_id in (
        select product_id from catalog.product_search where org_id = ${org_id} and code_normalised = ${barcode}
        union select product_id from catalog.barcode where org_id = ${org_id} and code_normalised = ${barcode}
        union select product_id from catalog.variant where org_id = ${org_id} and sku_normalised = ${barcode})`],
      ['search tier 1: code prefix', sql`select product_id from catalog.product_search where org_id = ${org_id} and code_normalised like ${like('P00001')} order by code_normalised using ~<~ limit 21`],
      [`search tier 2: name prefix (${word})`, sql`select product_id from catalog.product_search where org_id = ${org_id} and search_text like ${like(word)} order by search_text using ~<~ limit 21`],
      ['search tier 2: name prefix, 1 letter', sql`select product_id from catalog.product_search where org_id = ${org_id} and search_text like ${like(word.slice(0, 1))} order by search_text using ~<~ limit 21`],
      [`search tier 3: contains a word from inside names (${inner})`, contains(inner)],
      ['search tier 3: contains a rare word (a code)', contains('p00000777')],
    ];
    for (const [label, query] of searches) print(label, (await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) ${query}`.execute(su.db)).rows);
  } finally {
    await su.db.destroy();
  }
}

/**
 * --statements: what PostgreSQL spent per statement during one phase (pg_stat_statements, planning
 * included), printed after the phase: calls, mean and total time, rows.
 */
function statementStats(superuser_url: string | null): { reset(): Promise<void>; print(phase: string): Promise<void> } {
  const run = async <T>(fn: (db: ReturnType<typeof createDb>['db']) => Promise<T>): Promise<T | undefined> => {
    if (!superuser_url) return undefined;
    const { db } = open(superuser_url, 1);
    try { return await fn(db); } finally { await db.destroy(); }
  };
  return {
    async reset() {
      await run(async (db) => {
        await sql`create extension if not exists pg_stat_statements`.execute(db);
        await sql`select pg_stat_statements_reset()`.execute(db);
        await sql`select pg_stat_reset_shared('wal')`.execute(db);
      });
    },
    async print(phase) {
      const rows = await run(async (db) => (await sql<{ calls: string; mean_ms: string; total_ms: string; plan_ms: string; rows: string; query: string }>`
        select calls::text, round(((total_exec_time + total_plan_time) / calls)::numeric, 3)::text as mean_ms,
          round((total_exec_time + total_plan_time)::numeric, 1)::text as total_ms, round(total_plan_time::numeric, 1)::text as plan_ms, rows::text,
          regexp_replace(query, '[[:space:]]+', ' ', 'g') as query
        from pg_stat_statements where calls > 0 and dbid = (select oid from pg_database where datname = current_database())
        order by total_exec_time + total_plan_time desc limit 25`.execute(db)).rows);
      const wal = await run(async (db) => (await sql<{ records: string; fpi: string; bytes: string; syncs: string }>`
        select wal_records::text as records, wal_fpi::text as fpi, wal_bytes::text as bytes, wal_sync::text as syncs from pg_stat_wal`.execute(db)).rows[0]);
      if (!rows) return;
      if (wal) console.log(`-- WAL during ${phase}: ${wal.records} records, ${wal.fpi} full-page images, ${(Number(wal.bytes) / 1048576).toFixed(1)} MiB, ${wal.syncs} syncs`);
      console.log(`-- statements during ${phase} (pg_stat_statements: calls, mean ms incl. planning, total ms, of it planning, rows)`);
      for (const r of rows) console.log(`   ${r.calls.padStart(7)} ${r.mean_ms.padStart(8)} ${r.total_ms.padStart(9)} ${r.plan_ms.padStart(8)} ${r.rows.padStart(7)}  ${r.query.slice(0, 160)}`);
    },
  };
}

/**
 * Starts the benchmark's PostgreSQL; with --statements, pg_stat_statements is loaded (ALTER SYSTEM in this
 * data folder only, then a restart: the library must be preloaded), planning time included.
 */
async function startWithStatements(data_dir: string, statements: boolean): Promise<Awaited<ReturnType<typeof startEmbeddedPostgres>>> {
  const pg = await startEmbeddedPostgres({ data_dir });
  if (!statements) {
    // A reused data folder keeps what an earlier --statements run set with ALTER SYSTEM: without the flag, run
    // without pg_stat_statements (its per-statement bookkeeping, with track = all, is part of what it measures).
    const check = open(pg.superuser_url(), 1);
    try {
      const loaded = (await sql<{ setting: string }>`select setting from pg_settings where name = 'shared_preload_libraries'`.execute(check.db)).rows[0]?.setting ?? '';
      if (!loaded.includes('pg_stat_statements')) return pg;
      await sql`alter system reset all`.execute(check.db);
    } finally {
      await check.db.destroy();
    }
    await pg.stop();
    return startEmbeddedPostgres({ data_dir });
  }
  const { db } = open(pg.superuser_url(), 1);
  try {
    await sql`alter system set shared_preload_libraries = 'pg_stat_statements'`.execute(db);
  } finally {
    await db.destroy();
  }
  await pg.stop();
  const restarted = await startEmbeddedPostgres({ data_dir });
  // The library defines its settings only when preloaded, so this comes after the restart (a reload applies it).
  const again = open(restarted.superuser_url(), 1);
  try {
    await sql`alter system set pg_stat_statements.track_planning = on`.execute(again.db);
    await sql`alter system set pg_stat_statements.track = 'all'`.execute(again.db); // statements inside functions too
    await sql`select pg_reload_conf()`.execute(again.db);
  } finally {
    await again.db.destroy();
  }
  return restarted;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // --data-dir: a folder that is kept; loaded once, reused by later runs (new migrations are applied).
  const base = options.data_dir ? path.resolve(options.data_dir) : mkdtempSync(path.join(tmpdir(), 'chaharsu-bench-'));
  mkdirSync(base, { recursive: true });
  const loadedPath = path.join(base, 'loaded.json');
  const loaded = existsSync(loadedPath) ? JSON.parse(readFileSync(loadedPath, 'utf8')) as LoadedData : null;
  if (loaded && loaded.products !== options.products) throw new Error(`${base} holds ${loaded.products} products, not ${options.products}`);
  const speedAtStart = speedProbe();
  console.log(`warehouse benchmark: ${options.products} products, ${options.products * 5} movements, ${options.operators} operators × ${options.outs_per_operator} stock-outs on ${options.pool} connections${loaded ? ` (reusing ${base})` : ''}`);
  const pg = await startWithStatements(path.join(base, 'pg'), options.statements);
  try {
    const credentials = { owner_password: randomBytes(12).toString('hex'), app_password: randomBytes(12).toString('hex') };
    await ensureRoles(pg.superuser_url(), credentials);
    await ensureDatabase(pg.superuser_url(), 'bench');
    const owner = open(roleUrl(pg.superuser_url(), OWNER_ROLE, credentials.owner_password, 'bench'), 1);
    await migrateToLatest(owner.db, allMigrations());
    await owner.db.destroy();
    const superuser_url = pg.superuser_url('bench');
    const org_id = loaded?.org_id ?? newId();
    const user_id = loaded?.user_id ?? newId();
    const { db } = open(roleUrl(pg.superuser_url(), APP_ROLE, credentials.app_password, 'bench'), options.pool);
    const modules = createStockModules(undefined, { db });
    const warehouse_id = modules.orgs.addWarehouse(org_id, loaded?.warehouse_id);
    modules.orgs.setLowStockRecipients(org_id, [user_id]);

    let started = performance.now();
    if (!loaded) {
      await load(superuser_url, org_id, warehouse_id, user_id, options.products);
      console.log(`loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      if (options.data_dir) writeFileSync(loadedPath, JSON.stringify({ products: options.products, org_id, user_id, warehouse_id } satisfies LoadedData));
    }
    await checkShape(superuser_url, org_id);
    console.log('checked: search text as the app writes it; every balance equals the sum of its movements');

    const as = <T>(fn: Parameters<typeof asUser<T>>[3]) => asUser(db, org_id, user_id, fn);
    const pick = (): number => 1 + Math.floor(Math.random() * options.products);
    const barcodeOf = (i: number) => `626${String(i).padStart(10, '0')}`;
    const nameOf = (i: number) => `${NOUNS[i % NOUNS.length]} ${ADJECTIVES[Math.floor(i / NOUNS.length) % ADJECTIVES.length]}`;
    const innerWordsOf = (i: number) => `${ADJECTIVES[Math.floor(i / NOUNS.length) % ADJECTIVES.length]} ${BRANDS[Math.floor(i / (NOUNS.length * ADJECTIVES.length)) % BRANDS.length]}`;

    // Warm-up (connections, plans, caches), not measured.
    for (let i = 0; i < 50; i++) await as((ctx) => modules.catalog.lookup(ctx, barcodeOf(pick())));

    const baseline: number[] = [];
    for (let i = 0; i < options.samples; i++) baseline.push(await timed(() => inTransaction(db, { org_id, user_id }, async (tx) => { await sql`select 1`.execute(tx); })));

    const lookups: number[] = [];
    for (let i = 0; i < options.samples; i++) lookups.push(await timed(() => as((ctx) => modules.catalog.lookup(ctx, barcodeOf(pick())))));

    const statements = statementStats(options.statements ? superuser_url : null);
    await statements.reset();
    // As keystrokes arrive: every prefix of a product name as users type it from its start (answered by the
    // name-prefix tier), and every prefix of words from inside names (adjective and brand: the trigram tier).
    const typed = async (textOf: (i: number) => string, out: number[], slowest: Array<[number, string]>): Promise<void> => {
      while (out.length < options.samples) {
        const text = textOf(pick());
        for (let length = 1; length <= text.length && out.length < options.samples; length++) {
          const q = text.slice(0, length);
          const ms = await timed(() => as((ctx) => modules.catalog.search(ctx, { q, include_subcategories: true, limit: 20, offset: 0 })));
          out.push(ms);
          slowest.push([ms, q]);
        }
      }
      slowest.sort((a, b) => b[0] - a[0]).splice(5);
    };
    const searches: number[] = [];
    const slowSearches: Array<[number, string]> = [];
    await typed(nameOf, searches, slowSearches);
    const innerSearches: number[] = [];
    const slowInner: Array<[number, string]> = [];
    await typed(innerWordsOf, innerSearches, slowInner);
    await statements.print('search as you type');
    if (options.explain) await explain(db, roleUrl(pg.superuser_url(), OWNER_ROLE, credentials.owner_password, 'bench'), org_id, user_id, barcodeOf(pick()), nameOf(pick()));

    const outCount = options.operators * options.outs_per_operator;
    // Normally every stock-out is a different random item (operators rarely issue the same product at the
    // same moment); --hot sends them all to one item, whose balance row lock then serialises them.
    const WARM_UP_OUTS = 20; // per operator, on other items: the stock-out path's JIT and every connection's function plans, not measured
    const warmCount = options.hot ? 0 : options.operators * WARM_UP_OUTS;
    const PACED_OUTS = 50; // per operator, in the paced phase
    const pacedCount = options.hot || options.pace_ms <= 0 ? 0 : options.operators * PACED_OUTS;
    const picked = await as(async (ctx) => (await sql<{ id: string }>`select id from catalog.product where org_id = ${org_id} order by random() limit ${options.hot ? 1 : outCount * 2 + warmCount + pacedCount}`.execute(ctx.db)).rows.map((r) => r.id));
    const itemIds = picked.slice(0, options.hot ? 1 : outCount);
    const warmIds = picked.slice(itemIds.length, itemIds.length + warmCount);
    // A stock-out as the routes send it (the movement lane), or in its own transaction (--path=each).
    const stockOut = (item_id: string): Promise<unknown> => (options.path === 'lane'
      ? modules.inventory.submitMove(userContext(org_id, user_id), { type: 'out', warehouse_id, item_id, quantity: 1 })
      : as((ctx) => modules.inventory.move(ctx, { type: 'out', warehouse_id, item_id, quantity: 1 })));
    const pacedIds = picked.slice(itemIds.length + warmCount, itemIds.length + warmCount + pacedCount);
    const stationIds = picked.slice(itemIds.length + warmCount + pacedCount);
    let stationNext = 0;
    const pickStation = (): number => stationNext++;
    await Promise.all(Array.from({ length: options.operators }, async (_, operator) => {
      for (let k = 0; k < (options.hot ? 0 : WARM_UP_OUTS); k++) {
        const item_id = warmIds[operator * WARM_UP_OUTS + k] ?? '';
        await stockOut(item_id).catch((error: unknown) => { if (!(error instanceof AppError)) throw error; });
      }
    }));
    if (options.hot) await as((ctx) => modules.inventory.move(ctx, { type: 'in', warehouse_id, item_id: itemIds[0] ?? '', quantity: outCount }));
    const outs: number[] = [];
    // The stock-outs that take a balance below its minimum also write the low-stock notification: reported apart.
    const crossing = new Set(await as(async (ctx) => (await sql<{ item_id: string }>`select item_id from inventory.stock_level
      where org_id = ${org_id} and warehouse_id = ${warehouse_id} and item_id = any(${itemIds}::uuid[])
        and low_notified_at is null and min_quantity is not null and quantity - 1 < min_quantity`.execute(ctx.db)).rows.map((r) => r.item_id)));
    const outsCrossing: number[] = [];
    const outsOthers: number[] = [];
    const refused = new Map<string, number>();
    await statements.reset();
    console.log(`measuring: stock-out, ${options.operators} concurrent operators (${options.path === 'lane' ? 'through the movement lane' : 'one transaction each'})`);
    const checkpoints = async (): Promise<number> => Number((await sql<{ n: string }>`select (checkpoints_timed + checkpoints_req)::text as n from pg_stat_bgwriter`.execute(db)).rows[0]?.n ?? 0);
    const checkpointsBefore = await checkpoints();
    const cpuBefore = cpuOfTree(process.pid);
    started = performance.now();
    await Promise.all(Array.from({ length: options.operators }, async (_, operator) => {
      for (let k = 0; k < options.outs_per_operator; k++) {
        const item_id = itemIds[(operator * options.outs_per_operator + k) % itemIds.length] ?? '';
        try {
          const ms = await timed(() => stockOut(item_id));
          outs.push(ms);
          (crossing.has(item_id) ? outsCrossing : outsOthers).push(ms);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          refused.set(error.code, (refused.get(error.code) ?? 0) + 1);
        }
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = cpuOfTree(process.pid);
    const checkpointsDuring = (await checkpoints()) - checkpointsBefore;
    await statements.print('stock-out');

    // The station's own request (POST /api/warehouse/movements without HTTP): the face confirmation token, the
    // employee, the barcode lookup in a short transaction, then the movement and its confirmation link through the lane.
    const stationOuts: number[] = [];
    let stationSeconds = 0;
    let stationCpu = { node_us: 0, postgres_us: 0 };
    if (!options.hot && options.path === 'lane') {
      const station = createWarehouseService({ audit: createAuditApi(), inventory: modules.inventory, catalog: modules.catalog, secret_key: randomBytes(32) });
      const run = newId().slice(-8);
      const tokens = await Promise.all(Array.from({ length: options.operators }, async (_, operator) => {
        const employee = await as((ctx) => station.employees.create(ctx, { full_name: `انباردار ${operator + 1}`, personnel_code: `BENCH-${run}-${operator}`, phone: null }));
        await as((ctx) => station.employees.enrolFace(ctx, employee.id, syntheticFrames(operator + 1, 10)));
        const challenge = await as((ctx) => station.face.challenge(ctx, employee.id));
        const outcome = await as((ctx) => station.face.confirm(ctx, employee.id, {
          challenge_id: challenge.challenge_id, descriptor: syntheticFrames(operator + 1, 1, 77)[0] ?? [],
          liveness: { challenge_passed: true, observed_gestures: ['blink left eye', 'facing left', 'facing right', 'facing center'], real_score: 0.8, live_score: 0.9 },
        }));
        if (!outcome.accepted) throw new Error(`bench: face confirmation refused (${outcome.code})`);
        return { employee_id: employee.id, token: outcome.result.confirmation_token };
      }));
      const request = { ctx: userContext(org_id, user_id), tx: <T>(fn: Parameters<typeof asUser<T>>[3]) => asUser(db, org_id, user_id, fn) };
      console.log(`measuring: station stock-out (face token, employee, movement + confirmation link), ${options.operators} concurrent operators`);
      await statements.reset();
      const before = cpuOfTree(process.pid);
      const stationStart = performance.now();
      await Promise.all(tokens.map(async ({ employee_id, token }) => {
        for (let k = 0; k < options.outs_per_operator; k++) {
          // As the station screen sends it: the item its scan found (the scan's lookup is measured above), one key per scan.
          const item_id = stationIds[pickStation()] ?? '';
          try {
            stationOuts.push(await timed(() => station.movements.submit(request, {
              type: 'out', item_id, quantity: 1, warehouse_id, employee_id, face_confirmation_token: token, idempotency_key: newId(),
            })));
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            refused.set(`station:${error.code}`, (refused.get(`station:${error.code}`) ?? 0) + 1);
          }
        }
      }));
      stationSeconds = (performance.now() - stationStart) / 1000;
      const after = cpuOfTree(process.pid);
      await statements.print('station stock-out');
      const per = (s: number) => (s * 1e6) / Math.max(1, stationOuts.length);
      stationCpu = { node_us: per(after.node_s - before.node_s), postgres_us: per(after.postgres_s - before.postgres_s) };
    }

    // The same 16 operators at a pace (one stock-out every --pace-ms each, still several times a person's speed):
    // the latency an operator sees when the machine is not saturated. The figure above is the strict one.
    const paced: number[] = [];
    if (pacedIds.length > 0) {
      console.log(`measuring: stock-out, ${options.operators} operators, one every ${options.pace_ms} ms each`);
      const pacedStart = performance.now();
      await Promise.all(Array.from({ length: options.operators }, async (_, operator) => {
        await new Promise((r) => setTimeout(r, (operator * options.pace_ms) / options.operators)); // spread, not in step
        for (let k = 0; k < PACED_OUTS; k++) {
          const due = pacedStart + (operator * options.pace_ms) / options.operators + k * options.pace_ms;
          if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
          const item_id = pacedIds[operator * PACED_OUTS + k] ?? '';
          try {
            paced.push(await timed(() => stockOut(item_id)));
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            refused.set(error.code, (refused.get(error.code) ?? 0) + 1);
          }
        }
      }));
    }

    console.log('');
    console.log(report('baseline (empty transaction)', baseline));
    console.log(report('barcode lookup', lookups));
    console.log(report('search as you type (limit 20)', searches));
    console.log(report('  words inside names (contains)', innerSearches));
    console.log(`  slowest: ${[...slowSearches, ...slowInner].sort((a, b) => b[0] - a[0]).slice(0, 5).map(([ms, q]) => `"${q}" ${ms.toFixed(1)} ms`).join(', ')}`);
    console.log(report(`stock-out, ${options.operators} concurrent operators${options.hot ? ', one item' : ''}`, outs));
    if (!options.hot) {
      console.log(report('  crossing the minimum (+ notice)', outsCrossing));
      console.log(report('  the others', outsOthers));
    }
    console.log(`stock-out throughput: ${(outs.length / seconds).toFixed(0)} movements/s; refused: ${JSON.stringify(Object.fromEntries(refused))}; checkpoints meanwhile: ${checkpointsDuring}`);
    if (stationOuts.length > 0) {
      console.log(report(`station stock-out, ${options.operators} operators`, stationOuts));
      console.log(`station stock-out throughput: ${(stationOuts.length / stationSeconds).toFixed(0)} movements/s; CPU per movement: node ${stationCpu.node_us.toFixed(0)} µs, PostgreSQL ${stationCpu.postgres_us.toFixed(0)} µs`);
    }
    if (paced.length > 0) console.log(report(`stock-out, ${options.operators} operators paced (1 per ${options.pace_ms} ms each, ${((options.operators * 1000) / options.pace_ms).toFixed(0)}/s offered)`, paced));
    const perOut = (s: number) => (s * 1e6) / Math.max(1, outs.length + [...refused.values()].reduce((a, b) => a + b, 0));
    const node_us = perOut(cpuAfter.node_s - cpuBefore.node_s);
    const postgres_us = perOut(cpuAfter.postgres_s - cpuBefore.postgres_s);
    const background_us = perOut(cpuAfter.postgres_background_s - cpuBefore.postgres_background_s);
    console.log(`stock-out CPU per movement: node ${node_us.toFixed(0)} µs, PostgreSQL ${postgres_us.toFixed(0)} µs (of it background work — checkpointer, WAL writer, autovacuum: ${background_us.toFixed(0)} µs) → at most ${((availableParallelism() * 1e6) / (node_us + postgres_us)).toFixed(0)}/s on ${availableParallelism()} idle cores`);
    await db.destroy();
    console.log(`machine speed probe (fixed CPU work, lower is faster): ${speedAtStart.toFixed(1)} ms at start, ${speedProbe().toFixed(1)} ms at the end`);
    console.log('data size:');
    for (const line of await dataSize(superuser_url)) console.log(line);
  } finally {
    await pg.stop();
    if (!options.keep && !options.data_dir) rmSync(base, { recursive: true, force: true });
    else console.log(`data kept in ${base}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
