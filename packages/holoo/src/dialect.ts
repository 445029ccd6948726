/**
 * What differs between SQL Server (a real Holoo) and PostgreSQL (the simulator), behind one small
 * interface: catalog introspection, paging, range locks for MAX+1 numbering, the server clock,
 * the agent-owned tables' DDL and error classification. Everything else is plain Kysely, written
 * once and compiled by each dialect.
 */
import { type Kysely, type RawBuilder, type SelectQueryBuilder, type Transaction } from 'kysely';

// Holoo's columns are discovered at runtime, so queries are untyped at the Kysely level; rows are
// checked field by field where they are mapped to DTOs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HolooDb = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HolooTx = Transaction<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySelect = SelectQueryBuilder<any, any, any>;

/** A column's type reduced to what the adapter needs to know to read it or to give it a zero value. */
export type ColumnKind = 'integer' | 'float' | 'boolean' | 'text' | 'datetime' | 'uuid' | 'binary' | 'other';

export interface ColumnInfo {
  table: string;
  name: string;
  kind: ColumnKind;
  /** The database's own type name (`varchar`, `double precision`, …). */
  raw_type: string;
  max_length: number | null;
  nullable: boolean;
  /** The column default as the catalog prints it, or null when the column has none. */
  default_sql: string | null;
  /** Identity, computed or rowversion: never inserted. */
  generated: boolean;
}

/** A wall-clock time of the database server, without a time zone: `YYYY-MM-DDTHH:MM:SS.mmm`. */
export type NaiveDateTime = string;

export interface BackupHistoryRow { database: string; last_backup_at: NaiveDateTime | null; last_full_backup_at: NaiveDateTime | null }

export interface HolooDialect {
  readonly kind: 'mssql' | 'postgres';
  /** Names of the databases (SQL Server) or schemas (simulator) on the instance that hold an ARTICLE table. */
  listCompanyDatabases(db: HolooDb): Promise<string[]>;
  readColumns(db: HolooDb, schema: string, tables: readonly string[]): Promise<ColumnInfo[]>;
  serverVersion(db: HolooDb): Promise<string>;
  /** Size of one company database, or null when the login may not see it. */
  databaseSizeBytes(db: HolooDb, schema: string): Promise<number | null>;
  serverClock(db: HolooDb): Promise<NaiveDateTime>;
  /**
   * The newest finished backups per database, from the instance's backup history (SQL Server: msdb.dbo.backupset;
   * simulator: msdb.backupset). Databases never backed up are absent.
   */
  backupHistory(db: HolooDb): Promise<BackupHistoryRow[]>;
  /** `TOP (n)` on SQL Server, `LIMIT n` on PostgreSQL. */
  firstRows<Q extends AnySelect>(query: Q, count: number): Q;
  /** A table hint that makes a read hold a key-range update lock to the end of the transaction (SQL Server). */
  rangeLockHint(): RawBuilder<unknown>;
  /** Serialises writers of one numbering range where table hints do not exist (PostgreSQL advisory lock). */
  lockRange(tx: HolooTx, key: string): Promise<void>;
  /** A naive timestamp literal as the database's datetime type. */
  naiveTimestamp(value: NaiveDateTime): RawBuilder<unknown>;
  /** The type to CAST a parameter to so it matches `column` exactly (varchar keeps its length). */
  castType(column: ColumnInfo): string;
  /**
   * One UPDATE that sets different values on many rows, joined to a VALUES list on the key:
   * SQL Server `UPDATE t SET … FROM tbl AS t JOIN (VALUES …) AS v(…) ON …`, PostgreSQL `UPDATE … FROM (VALUES …) AS v(…) WHERE …`.
   */
  updateFromValues(input: UpdateFromValues): RawBuilder<unknown>;
  /** Per-transaction settings of every command transaction (lock timeout). */
  prepareCommandTransaction(tx: HolooTx, lock_timeout_ms: number): Promise<void>;
  /** DDL that creates the agent-owned tables when missing (idempotent). */
  agentTablesDdl(schema: string): string[];
  isUniqueViolation(error: unknown): boolean;
  /** Deadlock, lock timeout, lost connection, server restarting: worth retrying the whole command. */
  isTransient(error: unknown): boolean;
}

export interface UpdateFromValues {
  schema: string;
  table: string;
  key: ColumnInfo;
  columns: readonly ColumnInfo[];
  /** Each row: the key value, then one value per column. */
  rows: ReadonlyArray<readonly unknown[]>;
  /** A datetime column set to the server's clock on every updated row (Endeditdate). */
  touch?: string;
}

/** The agent-owned tables (exactly-once record and per-change log), created in every company database. */
export const APPLIED_COMMAND_TABLE = 'ChaharsuAppliedCommand';
export const CHANGE_LOG_TABLE = 'ChaharsuChangeLog';

export function errorField(error: unknown, field: string): unknown {
  if (error && typeof error === 'object' && field in error) return (error as Record<string, unknown>)[field];
  return undefined;
}

/** Converts what a driver returns for a datetime column to a naive wall-clock string. */
export function toNaiveDateTime(value: unknown): NaiveDateTime | null {
  if (value === null || value === undefined) return null;
  // tedious (useUTC) returns the server's wall clock in the UTC fields of a Date.
  if (value instanceof Date) return value.toISOString().slice(0, 23);
  if (typeof value === 'string') {
    const iso = value.replace(' ', 'T');
    const [whole = '', fraction = ''] = iso.split('.');
    return `${whole.slice(0, 19)}.${fraction.padEnd(3, '0').slice(0, 3)}`;
  }
  throw new Error(`unexpected datetime value ${String(value)}`);
}
