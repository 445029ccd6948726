import { Kysely, PostgresDialect, sql, type RawBuilder, type Transaction } from 'kysely';
import pg from 'pg';

// bigint (int8) columns arrive as strings by default; money and counts are bigint, so parse them as
// BigInt and let each module decide how to send them (Rial amounts go out as JSON numbers).
pg.types.setTypeParser(20, (value: string) => BigInt(value));
// numeric stays a string (exact); timestamps become Date.

/** The whole database, untyped at this level: each module types its own tables (see `<module>.tables.ts`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tx = Transaction<any>;

export interface CreateDbOptions {
  url: string;
  max_connections?: number;
  application_name?: string;
  statement_timeout_ms?: number;
  /** Told when an idle pooled connection fails (it is discarded either way). */
  on_idle_connection_error?: (error: Error) => void;
}

const PREPARED_PREFIX = '/* prepared:';
const PREPARED_NAME = /^\s*\/\* prepared:([a-z][a-z0-9_.]{0,62})( deferred| commits)? \*\//;

/** Markers made once per name (hot paths call prepared() on every statement). */
const markers = new Map<string, RawBuilder<unknown>>();

/**
 * Marks a hot-path statement to run as a named prepared statement: PostgreSQL parses and plans it once
 * per connection instead of on every call. Put it first in the statement (`sql\`${prepared('x')} select …\``);
 * the text must be the same on every call (pass varying lists as array parameters), and each name
 * belongs to one text.
 *
 * `deferred`: the caller never reads the result (an insert without `returning`, such as an audit record).
 * Inside a transaction the statement may then travel with the next one (at the latest with `commit`);
 * an error it raises surfaces there, and the transaction rolls back whole as before.
 *
 * `commits`: the transaction's last statement. It travels with `commit` (and with what waits before it), so
 * its answer arrives once the transaction is durable, and locks it takes are never held across a round trip
 * to Node. The transaction may send nothing after it; its `commit` is then answered without a round trip.
 * If it fails, the transaction is rolled back and the error is thrown as usual.
 */
export function prepared(name: string, options: { deferred?: boolean; commits?: boolean } = {}): RawBuilder<unknown> {
  if (options.deferred && options.commits) throw new Error(`prepared statement ${name} cannot be both deferred and the one that commits`);
  const marker = `${PREPARED_PREFIX}${name}${options.deferred ? ' deferred' : options.commits ? ' commits' : ''} */`;
  let raw = markers.get(marker);
  if (!raw) {
    if (!PREPARED_NAME.test(marker)) throw new Error(`prepared statement name ${name} is not a lower-case identifier`);
    raw = sql.raw(marker);
    markers.set(marker, raw);
  }
  return raw;
}

const RLS_SCOPE_STATEMENT = 'platform_set_rls_scope';
/** The settings row-level-security policies read, in the order `setRlsScope` sends their values. */
const RLS_SETTINGS = ['app.org_id', 'app.user_id', 'app.platform_admin'] as const;
const done = (command: string) => ({ command, rowCount: null, rows: [], fields: [] });

type Query = (...args: unknown[]) => Promise<unknown>;
interface ParsedStatements { connection?: { parsedStatements?: Record<string, string> } }
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils.prepareValue;

/**
 * A string as an SQL literal, as pg's `escapeLiteral` writes it (quotes doubled; with a backslash, an
 * E'' string with backslashes doubled), by whole-string replacement: ~25× faster on an audit record's JSON.
 */
export function quoteLiteral(text: string): string {
  const quoted = text.replace(/'/g, "''");
  return text.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/**
 * Kysely sends `client.query(text, values)`, one statement at a time, each a round trip (a socket write
 * and a wake-up of the PostgreSQL backend: in the warehouse benchmark about a tenth of a stock-out's CPU
 * each). On the way:
 * - statements that start with a `prepared()` marker go as named prepared statements;
 * - inside a transaction, what needs no answer yet waits and travels with the next statement in one
 *   simple query: `begin`, the row-level-security scope (`select set_config(…)`, values escaped as
 *   literals) and `deferred` statements. The next statement joins them as `execute <name>(<literals>)` when
 *   it is a prepared statement this connection has already parsed (the same plan, through SQL's EXECUTE),
 *   or as itself when it is `commit`; anything else goes on its own after them. `rollback` drops what
 *   never reached the server.
 * - a `commits` statement takes `commit` with it (see `prepared`).
 * A typical request (begin, scope, a prepared read, writes, a deferred audit record, commit) saves two
 * round trips. Values that are not text (Buffers) are never inlined.
 */
function coalesceStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as Query;
  const parsed = (): Record<string, string> => (client as unknown as ParsedStatements).connection?.parsedStatements ?? {};
  let inTransaction = false;
  /** The transaction ended with a `commits` statement: Kysely's own commit (or rollback) is answered here. */
  let ended = false;
  let waiting: string[] = [];

  const literal = (value: unknown): string | null => {
    const prepared = prepareValue(value);
    if (prepared === null || prepared === undefined) return 'null';
    return typeof prepared === 'string' ? quoteLiteral(prepared) : null;
  };
  /** `execute name(…)` for a prepared statement this connection has parsed with this text; null if it cannot be. */
  const asExecute = (name: string, text: string, values: unknown[]): string | null => {
    if (parsed()[name] !== text) return null;
    const literals = values.map(literal);
    if (literals.some((l) => l === null)) return null;
    return literals.length === 0 ? `execute ${name}` : `execute ${name}(${literals.join(', ')})`;
  };
  const lastOf = (results: unknown): unknown => (Array.isArray(results) ? results[results.length - 1] : results);
  /** A message that failed before its commit leaves an aborted transaction: end it, then throw the message's error. */
  const rolledBack = (error: unknown): Promise<never> => query('rollback').then(() => { throw error; }, () => { throw error; });
  /** Sends what waits together with `statement` (SQL without parameters) in one simple query. */
  const withWaiting = (statement: string): Promise<unknown> => {
    const batch = [...waiting, statement].join(';\n');
    waiting = [];
    return query(batch).then(lastOf);
  };
  const flush = async (): Promise<void> => {
    if (waiting.length === 0) return;
    const batch = waiting.join(';\n');
    waiting = [];
    await query(batch);
  };
  /** Sends what waits (if anything), then the statement: named when it carries a prepared() marker. */
  const send = (text: string, values: unknown[], name: string | undefined): Promise<unknown> => {
    const own = () => (name ? query({ name, text, values }) : query(text, values));
    return waiting.length === 0 ? own() : flush().then(own);
  };

  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (ended) {
      if (text === 'commit' || text === 'rollback') {
        ended = false;
        return Promise.resolve(done(text === 'commit' ? 'COMMIT' : 'ROLLBACK'));
      }
      return Promise.reject(new Error('a statement after the transaction\'s last (`commits`) statement'));
    }
    if (args.length !== 2 || typeof text !== 'string' || !Array.isArray(values)) return flush().then(() => query(...args));
    if (text === 'begin' && values.length === 0 && !inTransaction) {
      inTransaction = true;
      waiting.push('begin');
      return Promise.resolve(done('BEGIN'));
    }
    if ((text === 'commit' || text === 'rollback') && values.length === 0 && inTransaction) {
      inTransaction = false;
      if (text === 'rollback') {
        const sent = waiting[0] !== 'begin';
        waiting = [];
        return sent ? query(text) : Promise.resolve(done('ROLLBACK'));
      }
      return withWaiting(text).catch(rolledBack);
    }
    const marker = PREPARED_NAME.exec(text);
    const name = marker?.[1];
    if (!inTransaction || !name) return send(text, values, name);
    if (name === RLS_SCOPE_STATEMENT && values.length === RLS_SETTINGS.length) {
      waiting.push(`select ${RLS_SETTINGS.map((setting, i) => `set_config('${setting}', ${quoteLiteral(String(values[i]))}, true)`).join(', ')}`);
      return Promise.resolve(done('SELECT'));
    }
    const execute = asExecute(name, text, values);
    if (execute === null) return send(text, values, name);
    if (marker?.[2] === ' deferred') {
      waiting.push(execute);
      return Promise.resolve(done('EXECUTE'));
    }
    if (marker?.[2] === ' commits') {
      const batch = [...waiting, execute, 'commit'].join(';\n');
      waiting = [];
      inTransaction = false;
      ended = true;
      // Its answer is the one before commit's.
      return query(batch)
        .then((results) => (Array.isArray(results) ? results[results.length - 2] : results))
        .catch(rolledBack);
    }
    return waiting.length === 0 ? send(text, values, name) : withWaiting(execute);
  };
}

export function createPool(options: CreateDbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max_connections ?? 10,
    application_name: options.application_name ?? 'chaharsu',
    statement_timeout: options.statement_timeout_ms ?? 30_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('connect', coalesceStatements);
  // An idle connection the server closed (PostgreSQL restarted, the connection was terminated) is dropped
  // by the pool and the next query opens a new one; without a listener, Node would crash the process.
  pool.on('error', (error) => options.on_idle_connection_error?.(error));
  return pool;
}

export function createDb(options: CreateDbOptions): { db: Db; pool: pg.Pool } {
  const pool = createPool(options);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}

/** What row-level security reads: the organisation (and person) the transaction acts for. */
export interface RlsScope {
  org_id: string | null;
  user_id: string | null;
  /** Set only after the server has verified the actor is a platform admin. */
  platform_admin?: boolean;
}

export async function setRlsScope(tx: Tx, scope: RlsScope): Promise<void> {
  const values = [scope.org_id ?? '', scope.user_id ?? '', scope.platform_admin ? 'on' : 'off'];
  const settings = RLS_SETTINGS.map((name, i) => sql`set_config(${sql.lit(name)}, ${values[i]}, true)`);
  await sql`${prepared(RLS_SCOPE_STATEMENT)} select ${sql.join(settings)}`.execute(tx);
}

/**
 * Runs `fn` in one transaction whose row-level-security scope is `scope`. Everything a request changes,
 * and its audit record, commits or rolls back together.
 */
export async function inTransaction<T>(db: Db, scope: RlsScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await setRlsScope(tx, scope);
    return fn(tx);
  });
}

/** Postgres error code of a failed query, when there is one (e.g. '23505' unique violation). */
export function pgErrorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    return (error as { code: string }).code;
  }
  return undefined;
}

export function pgConstraint(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'constraint' in error) {
    const constraint = (error as { constraint: unknown }).constraint;
    return typeof constraint === 'string' ? constraint : undefined;
  }
  return undefined;
}
