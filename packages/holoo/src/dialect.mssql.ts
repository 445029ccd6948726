/**
 * SQL Server (a real Holoo). Nothing here has run against a SQL Server on this machine: the
 * statements are checked as compiled text (see mssql-compile.test.ts) and the README lists what a
 * first real installation must confirm.
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
  int: 'integer', smallint: 'integer', tinyint: 'integer', bigint: 'integer',
  float: 'float', real: 'float', decimal: 'float', numeric: 'float', money: 'float', smallmoney: 'float',
  bit: 'boolean',
  char: 'text', varchar: 'text', nchar: 'text', nvarchar: 'text', text: 'text', ntext: 'text',
  datetime: 'datetime', datetime2: 'datetime', smalldatetime: 'datetime', date: 'datetime', datetimeoffset: 'datetime',
  uniqueidentifier: 'uuid',
  binary: 'binary', varbinary: 'binary', image: 'binary',
};

// Deadlock victim, lock request timeout, server shutting down / connection killed, too busy.
const transientNumbers = new Set([1205, 1222, 6005, 233, 10053, 10054, 10060, 40197, 40501, 40613, 49918]);
const transientCodes = new Set(['ESOCKET', 'ETIMEOUT', 'ECLOSE', 'ECONNRESET', 'ECONNREFUSED', 'EINVALIDSTATE', 'ENOTOPEN']);

export const mssqlDialect: HolooDialect = {
  kind: 'mssql',

  async listCompanyDatabases(db: HolooDb): Promise<string[]> {
    // HAS_DBACCESS hides the databases the agent's login has no user in; OBJECT_ID with a
    // three-part name is NULL when the database has no dbo.ARTICLE (not a Holoo company).
    const result = await sql<{ name: string }>`select d.name as name from sys.databases as d
      where d.database_id > 4 and d.state_desc = 'ONLINE' and HAS_DBACCESS(d.name) = 1
        and OBJECT_ID(QUOTENAME(d.name) + N'.dbo.ARTICLE', N'U') is not null
      order by d.name`.execute(db);
    return result.rows.map((row) => row.name);
  },

  async readColumns(db: HolooDb, schema: string, tables: readonly string[]): Promise<ColumnInfo[]> {
    if (tables.length === 0) return [];
    const result = await sql<{
      table_name: string; column_name: string; data_type: string; is_nullable: string; max_length: number | null;
      column_default: string | null; is_identity: number | null; is_computed: number | null;
    }>`select c.TABLE_NAME as table_name, c.COLUMN_NAME as column_name, c.DATA_TYPE as data_type,
        c.IS_NULLABLE as is_nullable, c.CHARACTER_MAXIMUM_LENGTH as max_length, c.COLUMN_DEFAULT as column_default,
        COLUMNPROPERTY(OBJECT_ID(QUOTENAME(c.TABLE_SCHEMA) + N'.' + QUOTENAME(c.TABLE_NAME)), c.COLUMN_NAME, 'IsIdentity') as is_identity,
        COLUMNPROPERTY(OBJECT_ID(QUOTENAME(c.TABLE_SCHEMA) + N'.' + QUOTENAME(c.TABLE_NAME)), c.COLUMN_NAME, 'IsComputed') as is_computed
      from INFORMATION_SCHEMA.COLUMNS as c
      where c.TABLE_SCHEMA = ${schema} and c.TABLE_NAME in (${sql.join(tables)})
      order by c.TABLE_NAME, c.ORDINAL_POSITION`.execute(db);
    return result.rows.map((row) => {
      const rawType = row.data_type.toLowerCase();
      return {
        table: row.table_name,
        name: row.column_name,
        kind: kindByType[rawType] ?? 'other',
        raw_type: rawType,
        max_length: row.max_length,
        nullable: row.is_nullable === 'YES',
        default_sql: row.column_default,
        // `timestamp`/`rowversion` is filled by the server, like identity and computed columns.
        generated: row.is_identity === 1 || row.is_computed === 1 || rawType === 'timestamp' || rawType === 'rowversion',
      };
    });
  },

  async serverVersion(db: HolooDb): Promise<string> {
    const result = await sql<{ version: string; product_version: string | null }>`select @@VERSION as version,
      CAST(SERVERPROPERTY('ProductVersion') as nvarchar(128)) as product_version`.execute(db);
    const row = result.rows[0];
    return row ? `${row.product_version ?? ''} ${row.version.split('\n')[0] ?? ''}`.trim() : 'unknown';
  },

  async backupHistory(db: HolooDb): Promise<BackupHistoryRow[]> {
    // Needs a user in msdb with SELECT on dbo.backupset (sql/create-agent-login.sql grants exactly that).
    const result = await sql<{ database_name: string; last_backup_at: unknown; last_full_backup_at: unknown }>`select database_name,
      MAX(backup_finish_date) as last_backup_at,
      MAX(case when type = 'D' then backup_finish_date end) as last_full_backup_at
      from msdb.dbo.backupset where backup_finish_date is not null and is_copy_only = 0
      group by database_name`.execute(db);
    return result.rows.map((row) => ({ database: row.database_name, last_backup_at: toNaiveDateTime(row.last_backup_at), last_full_backup_at: toNaiveDateTime(row.last_full_backup_at) }));
  },

  async databaseSizeBytes(db: HolooDb): Promise<number | null> {
    // sys.database_files is visible to every user of the database (sys.master_files needs VIEW ANY DEFINITION).
    const result = await sql<{ size_bytes: number | string | null }>`select CAST(SUM(CAST(size as bigint)) * 8192 as bigint) as size_bytes
      from sys.database_files`.execute(db);
    const value = result.rows[0]?.size_bytes;
    return value === null || value === undefined ? null : Number(value);
  },

  async serverClock(db: HolooDb): Promise<NaiveDateTime> {
    const result = await sql<{ now: string }>`select CONVERT(varchar(23), GETDATE(), 126) as now`.execute(db);
    const now = toNaiveDateTime(result.rows[0]?.now);
    if (!now) throw new Error('SQL Server returned no clock');
    return now;
  },

  firstRows<Q extends AnySelect>(query: Q, count: number): Q {
    return query.top(count) as Q;
  },

  rangeLockHint() {
    return sql` with (updlock, holdlock)`;
  },

  async lockRange(): Promise<void> {
    // The UPDLOCK/HOLDLOCK hint on the MAX() read takes the key-range lock itself.
  },

  castType(column: ColumnInfo): string {
    if (column.max_length === null) return column.raw_type;
    return `${column.raw_type}(${column.max_length === -1 ? 'max' : column.max_length})`;
  },

  updateFromValues(input: UpdateFromValues) {
    const all = [input.key, ...input.columns];
    // Text values stay Unicode (nvarchar) until assigned: the column's own collation (Arabic_CI_AS) then
    // picks the code page. CAST(… as varchar) would use the database default collation, which may differ.
    // The key is digits only, and stays varchar so the join seeks the A_Code index.
    const unicode = (c: ColumnInfo) => (c.kind === 'text' ? `nvarchar(${c.max_length === -1 || (c.max_length ?? 0) > 4000 ? 'max' : c.max_length})` : this.castType(c));
    const casts = all.map((c, i) => sql.raw(i === 0 ? this.castType(c) : unicode(c)));
    const values = input.rows.map((row) => sql`(${sql.join(row.map((value, i) => sql`CAST(${value} as ${casts[i]})`))})`);
    const sets = input.columns.map((c) => sql`${sql.ref(c.name)} = ${sql.ref(`v.${c.name}`)}`);
    if (input.touch) sets.push(sql`${sql.ref(input.touch)} = CURRENT_TIMESTAMP`);
    return sql`update t set ${sql.join(sets)}
      from ${sql.table(`${input.schema}.${input.table}`)} as t
      join (values ${sql.join(values)}) as v(${sql.join(all.map((c) => sql.ref(c.name)))})
      on ${sql.ref(`t.${input.key.name}`)} = ${sql.ref(`v.${input.key.name}`)}`;
  },

  naiveTimestamp(value: NaiveDateTime) {
    // ISO 8601 with a `T` is read the same under every SET LANGUAGE / DATEFORMAT.
    return sql`CAST(${value} as datetime)`;
  },

  async prepareCommandTransaction(tx: HolooTx, lock_timeout_ms: number): Promise<void> {
    // A row Holoo's UI holds open makes the command fail fast with 1222 (retried later) instead of hanging.
    await sql`SET LOCK_TIMEOUT ${sql.raw(String(Math.trunc(lock_timeout_ms)))}`.execute(tx);
  },

  agentTablesDdl(schema: string): string[] {
    const s = `[${schema.replace(/]/g, ']]')}]`;
    return [
      `IF OBJECT_ID(N'${s}.[${APPLIED_COMMAND_TABLE}]', N'U') IS NULL
CREATE TABLE ${s}.[${APPLIED_COMMAND_TABLE}] (
  [command_id] uniqueidentifier NOT NULL CONSTRAINT [PK_${APPLIED_COMMAND_TABLE}] PRIMARY KEY,
  [command_kind] nvarchar(100) NOT NULL,
  [outcome] varchar(10) NOT NULL,
  [result] nvarchar(max) NOT NULL,
  [requested_by] nvarchar(200) NOT NULL,
  [applied_at] datetime NOT NULL CONSTRAINT [DF_${APPLIED_COMMAND_TABLE}_applied_at] DEFAULT (GETDATE())
)`,
      `IF OBJECT_ID(N'${s}.[${CHANGE_LOG_TABLE}]', N'U') IS NULL
CREATE TABLE ${s}.[${CHANGE_LOG_TABLE}] (
  [change_id] bigint IDENTITY(1,1) NOT NULL CONSTRAINT [PK_${CHANGE_LOG_TABLE}] PRIMARY KEY,
  [command_id] uniqueidentifier NOT NULL,
  [requested_by] nvarchar(200) NOT NULL,
  [table_name] varchar(30) NOT NULL,
  [row_key] nvarchar(50) NOT NULL,
  [change_kind] varchar(20) NOT NULL,
  [before_json] nvarchar(max) NULL,
  [after_json] nvarchar(max) NULL,
  [changed_at] datetime NOT NULL CONSTRAINT [DF_${CHANGE_LOG_TABLE}_changed_at] DEFAULT (GETDATE())
)`,
    ];
  },

  isUniqueViolation(error: unknown): boolean {
    const number = errorField(error, 'number');
    return number === 2627 || number === 2601;
  },

  isTransient(error: unknown): boolean {
    const number = errorField(error, 'number');
    const code = errorField(error, 'code');
    return (typeof number === 'number' && transientNumbers.has(number)) || (typeof code === 'string' && transientCodes.has(code));
  },
};
