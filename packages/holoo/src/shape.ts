/**
 * The columns one company database really has, discovered at runtime (Holoo's columns differ by
 * version: A_codeIdTax, StateTax, ArtForKiosk… come and go). Queries are built from what exists;
 * inserts fill every NOT NULL column that has no default with its type's zero value.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '@chaharsu/kit';
import { type ColumnInfo, type HolooDb, type HolooDialect } from './dialect.js';
import { HolooErrors } from './holoo.errors.js';
import { HOLOO_TABLES } from './holoo.tables.js';

export class TableShape {
  readonly #byLowerName: Map<string, ColumnInfo>;

  constructor(readonly table: string, readonly columns: readonly ColumnInfo[]) {
    this.#byLowerName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  }

  /** The column's real name in this database (SQL Server names are case-insensitive, PostgreSQL's are not). */
  column(name: string): string | undefined {
    return this.#byLowerName.get(name.toLowerCase())?.name;
  }

  info(name: string): ColumnInfo | undefined {
    return this.#byLowerName.get(name.toLowerCase());
  }

  require(name: string): string {
    const real = this.column(name);
    if (!real) throw new AppError(HolooErrors['holoo.column_missing'], { table: this.table, column: name });
    return real;
  }

  /** NOT NULL, no default, not generated: an INSERT that leaves them out fails. */
  requiredWithoutDefault(): ColumnInfo[] {
    return this.columns.filter((c) => !c.nullable && c.default_sql === null && !c.generated);
  }
}

export class CompanyShape {
  readonly #tables: Map<string, TableShape>;

  constructor(tables: readonly TableShape[]) {
    this.#tables = new Map(tables.map((t) => [t.table.toUpperCase(), t]));
  }

  has(table: string): boolean {
    return this.#tables.has(table.toUpperCase());
  }

  table(table: string): TableShape {
    const shape = this.#tables.get(table.toUpperCase());
    if (!shape) throw new AppError(HolooErrors['holoo.unsupported_schema'], { table });
    return shape;
  }
}

export async function loadCompanyShape(dialect: HolooDialect, db: HolooDb, schema: string): Promise<CompanyShape> {
  const columns = await dialect.readColumns(db, schema, HOLOO_TABLES.map((t) => t.name));
  const byTable = new Map<string, ColumnInfo[]>();
  for (const column of columns) {
    const list = byTable.get(column.table) ?? [];
    list.push(column);
    byTable.set(column.table, list);
  }
  return new CompanyShape([...byTable].map(([table, list]) => new TableShape(table, list)));
}

/** What an INSERT gives a required column the command did not set: the type's zero value. */
export function zeroValue(column: ColumnInfo): unknown {
  switch (column.kind) {
    case 'integer':
    case 'float':
      return 0;
    case 'boolean':
      return false;
    case 'text':
      return '';
    case 'datetime':
      return sql`CURRENT_TIMESTAMP`;
    case 'uuid':
      return randomUUID();
    default:
      throw new AppError(HolooErrors['holoo.unsupported_required_column'], { table: column.table, column: column.name, type: column.raw_type });
  }
}

/**
 * The row to insert: the values given (by Holoo's column names, any case) for the columns this
 * database has, plus a zero value for every other required column. Values for columns this Holoo
 * version lacks are left out.
 */
export function insertRow(shape: TableShape, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const info = shape.info(name);
    if (info && !info.generated && value !== undefined) row[info.name] = value;
  }
  for (const column of shape.requiredWithoutDefault()) {
    if (!(column.name in row)) row[column.name] = zeroValue(column);
  }
  return row;
}

/** Validates a dialect never sees an unexpected identifier from input (names come from the catalog). */
export function assertCompanyName(name: string): void {
  if (!/^[A-Za-z0-9_\- ]{1,128}$/.test(name)) throw new AppError(HolooErrors['holoo.company_database_not_found'], { database: name });
}
