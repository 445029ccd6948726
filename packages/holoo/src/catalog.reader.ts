/**
 * Reads of a company database: articles (keyset pages by A_Code, optionally only rows edited since
 * a watermark), groups, units, warehouses, the company name. Every read is built from the columns
 * this database has; missing optional columns read as null.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { type HolooDb, type HolooDialect, type NaiveDateTime, toNaiveDateTime } from './dialect.js';
import {
  type ArticlePage,
  type ArticleRow,
  type MainGroupRow,
  type SubGroupRow,
  type UnitRow,
  type WarehouseRow,
} from './holoo.contracts.js';
import { PRICE_LEVEL_COLUMNS } from './holoo.tables.js';
import { type CompanyShape, type TableShape } from './shape.js';
import { fromHolooText } from './text.js';

export interface ReadScope {
  dialect: HolooDialect;
  db: HolooDb;
  schema: string;
  shape: CompanyShape;
}

export const ARTICLE_PAGE_MAX = 5_000;

const articleColumns = [
  'A_Code', 'A_Name', 'A_Code_C', ...PRICE_LEVEL_COLUMNS, 'Exist', 'A_Min', 'A_Max', 'VahedCode', 'Type_Anbar_C',
  'IsActive', 'Delete', 'A_codeIdTax', 'Creation_Date', 'Endeditdate',
];

/** sha256 over the fields a person compares; timestamps are left out so a touch without change hashes the same. */
export function rowHash(fields: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** A varchar key as a varchar parameter: SQL Server then seeks the index instead of converting the column to nvarchar. */
export function varcharKey(value: string, length: number) {
  return sql`CAST(${value} as varchar(${sql.raw(String(length))}))`;
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function bool(value: unknown, fallback: boolean): boolean {
  if (value === null || value === undefined) return fallback;
  return value === true || value === 1 || value === '1';
}

/** Existing columns among `wanted`, as their real names. */
function presentColumns(table: TableShape, wanted: readonly string[]): string[] {
  return wanted.map((name) => table.column(name)).filter((name): name is string => name !== undefined);
}

function pick(row: Record<string, unknown>, table: TableShape, name: string): unknown {
  const real = table.column(name);
  return real === undefined ? null : row[real];
}

export function toArticleRow(row: Record<string, unknown>, table: TableShape): ArticleRow {
  const base = {
    a_code: String(pick(row, table, 'A_Code')).trim(),
    name: fromHolooText(pick(row, table, 'A_Name')),
    barcode: fromHolooText(pick(row, table, 'A_Code_C')),
    prices: PRICE_LEVEL_COLUMNS.map((name) => numberOrNull(pick(row, table, name))),
    stock: numberOrNull(pick(row, table, 'Exist')),
    min_stock: numberOrNull(pick(row, table, 'A_Min')),
    max_stock: numberOrNull(pick(row, table, 'A_Max')),
    unit_code: numberOrNull(pick(row, table, 'VahedCode')),
    warehouse_code: numberOrNull(pick(row, table, 'Type_Anbar_C')),
    is_active: bool(pick(row, table, 'IsActive'), true),
    is_deleted: bool(pick(row, table, 'Delete'), false),
    tax_id: fromHolooText(pick(row, table, 'A_codeIdTax')),
  };
  return {
    ...base,
    created_at: toNaiveDateTime(pick(row, table, 'Creation_Date')),
    edited_at: toNaiveDateTime(pick(row, table, 'Endeditdate')),
    row_hash: rowHash(Object.values(base)),
  };
}

export interface ArticlePageInput {
  /** Start after this code (keyset paging); omit for the first page. */
  after_code?: string | null;
  limit: number;
  /** Only rows whose Endeditdate (or Creation_Date when never edited) is at or after this wall-clock time. */
  edited_since?: NaiveDateTime | null;
}

export function articlePageQuery(scope: ReadScope, input: ArticlePageInput) {
  const table = scope.shape.table('ARTICLE');
  const code = table.require('A_Code');
  let query = scope.db.withSchema(scope.schema).selectFrom(table.table).select(presentColumns(table, articleColumns)).orderBy(code);
  if (input.after_code) query = query.where(code, '>', varcharKey(input.after_code, 7));
  if (input.edited_since) {
    const edited = table.column('Endeditdate');
    const created = table.column('Creation_Date');
    const stamps = [edited, created].filter((c): c is string => c !== undefined).map((c) => sql.ref(c));
    if (stamps.length > 0) {
      query = query.where(sql`COALESCE(${sql.join(stamps)})`, '>=', scope.dialect.naiveTimestamp(input.edited_since));
    }
  }
  return scope.dialect.firstRows(query, Math.min(Math.max(1, Math.trunc(input.limit)), ARTICLE_PAGE_MAX));
}

export async function readArticlePage(scope: ReadScope, input: ArticlePageInput): Promise<ArticlePage> {
  const table = scope.shape.table('ARTICLE');
  const limit = Math.min(Math.max(1, Math.trunc(input.limit)), ARTICLE_PAGE_MAX);
  const rows = (await articlePageQuery(scope, input).execute()) as Array<Record<string, unknown>>;
  const mapped = rows.map((row) => toArticleRow(row, table));
  const last = mapped[mapped.length - 1];
  return { rows: mapped, next_after_code: mapped.length === limit && last ? last.a_code : null };
}

export function articlesByCodeQuery(scope: ReadScope, codes: readonly string[]) {
  const table = scope.shape.table('ARTICLE');
  return scope.db
    .withSchema(scope.schema)
    .selectFrom(table.table)
    .select(presentColumns(table, articleColumns))
    .where(table.require('A_Code'), 'in', codes.map((c) => varcharKey(c, 7)))
    .orderBy(table.require('A_Code'));
}

export async function readArticlesByCode(scope: ReadScope, codes: readonly string[]): Promise<ArticleRow[]> {
  const table = scope.shape.table('ARTICLE');
  const out: ArticleRow[] = [];
  // SQL Server allows 2,100 parameters per statement: read in chunks.
  for (let i = 0; i < codes.length; i += 1_000) {
    const chunk = codes.slice(i, i + 1_000);
    const rows = (await articlesByCodeQuery(scope, chunk).execute()) as Array<Record<string, unknown>>;
    out.push(...rows.map((row) => toArticleRow(row, table)));
  }
  return out;
}

export function mainGroupsQuery(scope: ReadScope) {
  const table = scope.shape.table('M_GROUP');
  const columns = presentColumns(table, ['M_groupcode', 'M_groupname', 'Type_Anbar_C', 'Endeditdate']);
  return scope.db.withSchema(scope.schema).selectFrom(table.table).select(columns).orderBy(table.require('M_groupcode'));
}

export async function readMainGroups(scope: ReadScope): Promise<MainGroupRow[]> {
  const table = scope.shape.table('M_GROUP');
  const rows = (await mainGroupsQuery(scope).execute()) as Array<Record<string, unknown>>;
  return rows.map((row) => {
    const base = {
      code: String(pick(row, table, 'M_groupcode')).trim(),
      name: fromHolooText(pick(row, table, 'M_groupname')),
      warehouse_code: numberOrNull(pick(row, table, 'Type_Anbar_C')),
    };
    return { ...base, edited_at: toNaiveDateTime(pick(row, table, 'Endeditdate')), row_hash: rowHash(Object.values(base)) };
  });
}

export function subGroupsQuery(scope: ReadScope) {
  const table = scope.shape.table('S_GROUP');
  const columns = presentColumns(table, ['M_groupcode', 'S_groupcode', 'S_groupname', 'Endeditdate']);
  return scope.db
    .withSchema(scope.schema)
    .selectFrom(table.table)
    .select(columns)
    .orderBy(table.require('M_groupcode'))
    .orderBy(table.require('S_groupcode'));
}

export async function readSubGroups(scope: ReadScope): Promise<SubGroupRow[]> {
  const table = scope.shape.table('S_GROUP');
  const rows = (await subGroupsQuery(scope).execute()) as Array<Record<string, unknown>>;
  return rows.map((row) => {
    const base = {
      main_code: String(pick(row, table, 'M_groupcode')).trim(),
      code: String(pick(row, table, 'S_groupcode')).trim(),
      name: fromHolooText(pick(row, table, 'S_groupname')),
    };
    return { ...base, edited_at: toNaiveDateTime(pick(row, table, 'Endeditdate')), row_hash: rowHash(Object.values(base)) };
  });
}

export function unitsQuery(scope: ReadScope) {
  const table = scope.shape.table('UNIT');
  return scope.db
    .withSchema(scope.schema)
    .selectFrom(table.table)
    .select(presentColumns(table, ['Unit_Code', 'Unit_Name']))
    .orderBy(table.require('Unit_Code'));
}

export async function readUnits(scope: ReadScope): Promise<UnitRow[]> {
  const table = scope.shape.table('UNIT');
  const rows = (await unitsQuery(scope).execute()) as Array<Record<string, unknown>>;
  return rows.map((row) => ({ code: Number(pick(row, table, 'Unit_Code')), name: fromHolooText(pick(row, table, 'Unit_Name')) }));
}

export function warehousesQuery(scope: ReadScope) {
  const table = scope.shape.table('TYPE_ANB');
  return scope.db
    .withSchema(scope.schema)
    .selectFrom(table.table)
    .select(presentColumns(table, ['Type_Anbar_C', 'Type_Anbar_N', 'ParentType_C']))
    .orderBy(table.require('Type_Anbar_C'));
}

export async function readWarehouses(scope: ReadScope): Promise<WarehouseRow[]> {
  if (!scope.shape.has('TYPE_ANB')) return [];
  const table = scope.shape.table('TYPE_ANB');
  const rows = (await warehousesQuery(scope).execute()) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    code: Number(pick(row, table, 'Type_Anbar_C')),
    name: fromHolooText(pick(row, table, 'Type_Anbar_N')),
    // Holoo writes 0 for "no parent" in some versions, NULL in others.
    parent_code: numberOrNull(pick(row, table, 'ParentType_C')) || null,
  }));
}

export function companyNameQuery(scope: ReadScope) {
  const table = scope.shape.table('CompName');
  return scope.dialect.firstRows(
    scope.db.withSchema(scope.schema).selectFrom(table.table).select(table.require('CompName')).orderBy(table.column('CompCode') ?? table.require('CompName')),
    1,
  );
}

export async function readCompanyName(scope: ReadScope): Promise<string | null> {
  if (!scope.shape.has('CompName')) return null;
  const table = scope.shape.table('CompName');
  const row = (await companyNameQuery(scope).executeTakeFirst()) as Record<string, unknown> | undefined;
  return row ? fromHolooText(pick(row, table, 'CompName')) : null;
}
