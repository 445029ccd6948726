/**
 * PostgreSQL (the simulator). A simulated SQL Server instance is one PostgreSQL database; each
 * simulated Holoo company database is a schema in it named like the company database ("Holoo1").
 */
import { sql } from 'kysely';
import {
  APPLIED_COMMAND_TABLE,
  CHANGE_LOG_TABLE,
  errorField,
  toNaiveDateTime,
  type AnySelect,
  type BackupHistoryRow,
  type ColumnInfo,
  type ColumnKind,
  type HolooDb,
  type HolooDialect,
  type HolooTx,
  type NaiveDateTime,
  type UpdateFromValues,
} from './dialect.js';

const kindByType: Record<string, ColumnKind> = {
  integer: 'integer', smallint: 'integer', bigint: 'integer',
  'double precision': 'float', real: 'float', numeric: 'float',
  boolean: 'boolean',
  'character varying': 'text', character: 'text', text: 'text',
  'timestamp without time zone': 'datetime', 'timestamp with time zone': 'datetime', date: 'datetime',
  uuid: 'uuid',
  bytea: 'binary',
};

const transientCodes = new Set(['40P01', '40001', '55P03', '57014', '57P01', '57P02', '57P03', '53300', '08000', '08003', '08006', '08001', '08004', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE']);

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export const postgresDialect: HolooDialect = {
  kind: 'postgres',

  async listCompanyDatabases(db: HolooDb): Promise<string[]> {
    const result = await sql<{ name: string }>`select table_schema as name from information_schema.tables
      where table_name = 'ARTICLE' and table_type = 'BASE TABLE' order by table_schema`.execute(db);
    return result.rows.map((row) => row.name);
  },

  async readColumns(db: HolooDb, schema: string, tables: readonly string[]): Promise<ColumnInfo[]> {
    if (tables.length === 0) return [];
    const result = await sql<{
      table_name: string; column_name: string; data_type: string; is_nullable: string; max_length: number | null;
      column_default: string | null; is_identity: string; is_generated: string;
    }>`select table_name, column_name, data_type, is_nullable, character_maximum_length as max_length,
        column_default, is_identity, is_generated
      from information_schema.columns
      where table_schema = ${schema} and table_name in (${sql.join(tables)})
      order by table_name, ordinal_position`.execute(db);
    return result.rows.map((row) => ({
      table: row.table_name,
      name: row.column_name,
      kind: kindByType[row.data_type] ?? 'other',
      raw_type: row.data_type,
      max_length: row.max_length,
      nullable: row.is_nullable === 'YES',
      default_sql: row.column_default,
      generated: row.is_identity === 'YES' || row.is_generated === 'ALWAYS',
    }));
  },

  async serverVersion(db: HolooDb): Promise<string> {
    const result = await sql<{ version: string }>`select version() as version`.execute(db);
    return result.rows[0]?.version ?? 'unknown';
  },

  async backupHistory(db: HolooDb): Promise<BackupHistoryRow[]> {
    // The simulator's stand-in for msdb.dbo.backupset (simulator/backups.ts); absent until a backup is recorded.
    const exists = await sql<{ present: boolean }>`select to_regclass('msdb.backupset') is not null as present`.execute(db);
    if (!exists.rows[0]?.present) return [];
    const result = await sql<{ database_name: string; last_backup_at: unknown; last_full_backup_at: unknown }>`select database_name,
      max(backup_finish_date) as last_backup_at,
      max(case when type = 'D' then backup_finish_date end) as last_full_backup_at
      from msdb.backupset where backup_finish_date is not null and not is_copy_only
      group by database_name`.execute(db);
    return result.rows.map((row) => ({ database: row.database_name, last_backup_at: toNaiveDateTime(row.last_backup_at), last_full_backup_at: toNaiveDateTime(row.last_full_backup_at) }));
  },

  async databaseSizeBytes(db: HolooDb, schema: string): Promise<number | null> {
    const result = await sql<{ size_bytes: string | null }>`select sum(pg_total_relation_size(c.oid))::text as size_bytes
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and c.relkind = 'r'`.execute(db);
    const value = result.rows[0]?.size_bytes;
    return value === null || value === undefined ? null : Number(value);
  },

  async serverClock(db: HolooDb): Promise<NaiveDateTime> {
    const result = await sql<{ now: string }>`select to_char(localtimestamp, 'YYYY-MM-DD"T"HH24:MI:SS.MS') as now`.execute(db);
    const now = toNaiveDateTime(result.rows[0]?.now);
    if (!now) throw new Error('PostgreSQL returned no clock');
    return now;
  },

  firstRows<Q extends AnySelect>(query: Q, count: number): Q {
    return query.limit(count) as Q;
  },

  rangeLockHint() {
    return sql``;
  },

  async lockRange(tx: HolooTx, key: string): Promise<void> {
    // Aggregates cannot take FOR UPDATE; a transaction-scoped advisory lock per numbering range can.
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
  },

  castType(column: ColumnInfo): string {
    return column.max_length === null ? column.raw_type : `${column.raw_type}(${column.max_length})`;
  },

  updateFromValues(input: UpdateFromValues) {
    const all = [input.key, ...input.columns];
    const casts = all.map((c) => sql.raw(this.castType(c)));
    const values = input.rows.map((row) => sql`(${sql.join(row.map((value, i) => sql`CAST(${value} as ${casts[i]})`))})`);
    const sets = input.columns.map((c) => sql`${sql.ref(c.name)} = ${sql.ref(`v.${c.name}`)}`);
    if (input.touch) sets.push(sql`${sql.ref(input.touch)} = CURRENT_TIMESTAMP`);
    return sql`update ${sql.table(`${input.schema}.${input.table}`)} as t set ${sql.join(sets)}
      from (values ${sql.join(values)}) as v(${sql.join(all.map((c) => sql.ref(c.name)))})
      where ${sql.ref(`t.${input.key.name}`)} = ${sql.ref(`v.${input.key.name}`)}`;
  },

  naiveTimestamp(value: NaiveDateTime) {
    return sql`CAST(${value} as timestamp)`;
  },

  async prepareCommandTransaction(tx: HolooTx, lock_timeout_ms: number): Promise<void> {
    await sql`select set_config('lock_timeout', ${`${Math.trunc(lock_timeout_ms)}ms`}, true)`.execute(tx);
  },

  agentTablesDdl(schema: string): string[] {
    const s = quoteIdent(schema);
    return [
      `create table if not exists ${s}."${APPLIED_COMMAND_TABLE}" (
  command_id uuid primary key,
  command_kind varchar(100) not null,
  outcome varchar(10) not null,
  result text not null,
  requested_by varchar(200) not null,
  applied_at timestamp not null default localtimestamp
)`,
      `create table if not exists ${s}."${CHANGE_LOG_TABLE}" (
  change_id bigint generated by default as identity primary key,
  command_id uuid not null,
  requested_by varchar(200) not null,
  table_name varchar(30) not null,
  row_key varchar(50) not null,
  change_kind varchar(20) not null,
  before_json text,
  after_json text,
  changed_at timestamp not null default localtimestamp
)`,
    ];
  },

  isUniqueViolation(error: unknown): boolean {
    return errorField(error, 'code') === '23505';
  },

  isTransient(error: unknown): boolean {
    const code = errorField(error, 'code');
    return typeof code === 'string' && transientCodes.has(code);
  },
};
