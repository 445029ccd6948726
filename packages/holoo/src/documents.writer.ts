/**
 * Transfer documents: a sale (FACTURE/FACTART, Fac_Type 'F') in the origin branch and a pre-invoice
 * (FBAILPRE/ABAILPRE, Fac_Type 'P', "reserved") in the destination.
 *
 * CAVEAT (see README): Holoo's own UI keeps cached aggregates when it saves an invoice — ARTICLE.Exist,
 * the moving average cost, the customer's account balance (SARFASL.Mandeh) and an automatic accounting
 * voucher (SANAD/SND_LIST). A direct INSERT does only part of that: the sale here lowers ARTICLE.Exist
 * by the quantities sold (so stock stays right) but writes no voucher and no balance; Holoo's
 * "rebuild" (بازسازی) or an accountant must complete it. No public code inserts FACTURE directly.
 */
import { sql } from 'kysely';
import { type z } from 'zod';
import { AppError } from '@chaharsu/kit';
import { type CommandScope, logChanges } from './catalog.writer.js';
import { varcharKey } from './catalog.reader.js';
import { DocumentInput, type DocumentResult } from './holoo.contracts.js';
import { HolooErrors } from './holoo.errors.js';
import { insertRow } from './shape.js';
import { toHolooText } from './text.js';
import { parseCommandInput } from './validate.js';

type DocumentKind = 'sale' | 'pre_invoice';
const tablesOf = {
  sale: { header: 'FACTURE', lines: 'FACTART', fac_type: 'F' },
  pre_invoice: { header: 'FBAILPRE', lines: 'ABAILPRE', fac_type: 'P' },
} as const;

interface ArticleFacts { a_code: string; stock: number; buy_price: number | null; barcode: unknown; unit_code: unknown; warehouse_code: number | null }

/** The Jalali date Holoo shows in DateUser (yyyy/mm/dd), from the server's wall-clock date. */
export function jalaliDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  const format = new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' });
  const parts = Object.fromEntries(format.formatToParts(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1))).map((p) => [p.type, p.value]));
  return `${parts.year}/${parts.month}/${parts.day}`;
}

async function readArticleFacts(scope: CommandScope, codes: readonly string[]): Promise<Map<string, ArticleFacts>> {
  const table = scope.shape.table('ARTICLE');
  const code = table.require('A_Code');
  const wanted = ['Exist', 'Buy_Price', 'A_Code_C', 'VahedCode', 'Type_Anbar_C'].map((c) => table.column(c)).filter((c): c is string => c !== undefined);
  // Update locks: the sale changes Exist of these rows in this transaction.
  const result = await sql<Record<string, unknown>>`select ${sql.join([code, ...wanted].map((c) => sql.ref(c)))}
    from ${sql.table(`${scope.schema}.${table.table}`)}${scope.dialect.rangeLockHint()}
    where ${sql.ref(code)} in (${sql.join(codes.map((c) => varcharKey(c, 7)))})`.execute(scope.tx);
  const value = (row: Record<string, unknown>, name: string) => row[table.column(name) ?? ''] ?? null;
  return new Map(
    result.rows.map((row) => {
      const aCode = String(row[code]).trim();
      const warehouse = value(row, 'Type_Anbar_C');
      const buy = value(row, 'Buy_Price');
      return [aCode, {
        a_code: aCode,
        stock: Number(value(row, 'Exist') ?? 0),
        buy_price: buy === null ? null : Number(buy),
        barcode: value(row, 'A_Code_C'),
        unit_code: value(row, 'VahedCode'),
        warehouse_code: warehouse === null ? null : Number(warehouse),
      }];
    }),
  );
}

async function assertInWarehouse(scope: CommandScope, warehouseCode: number, facts: Iterable<ArticleFacts>): Promise<void> {
  const groups = scope.shape.table('M_GROUP');
  const rows = (await scope.tx.withSchema(scope.schema).selectFrom(groups.table).selectAll().execute()) as Array<Record<string, unknown>>;
  const groupWarehouse = new Map(rows.map((r) => [String(r[groups.require('M_groupcode')]).trim(), r[groups.column('Type_Anbar_C') ?? ''] ?? null]));
  for (const article of facts) {
    // The research's model: a warehouse is a main group (M_GROUP.Type_Anbar_C); an article may also carry its own.
    const own = article.warehouse_code;
    const viaGroup = groupWarehouse.get(article.a_code.slice(0, 2));
    const warehouse = own ?? (viaGroup === null || viaGroup === undefined ? null : Number(viaGroup));
    if (warehouse !== warehouseCode) throw new AppError(HolooErrors['holoo.article_not_in_warehouse'], { a_code: article.a_code, warehouse_code: warehouseCode });
  }
}

async function assertCustomer(scope: CommandScope, customerCode: string): Promise<void> {
  const table = scope.shape.table('CUSTOMER');
  const found = await scope.tx.withSchema(scope.schema).selectFrom(table.table).select(table.require('C_Code')).where(table.require('C_Code'), '=', varcharKey(customerCode, 5)).executeTakeFirst();
  if (!found) throw new AppError(HolooErrors['holoo.customer_not_found'], { customer_code: customerCode });
}

/** Next Fac_Code (6 digits, per Fac_Type) and Fac_Code_C, read as MAX+1 under a key-range lock. */
async function nextDocumentNumber(scope: CommandScope, header: string, facType: string): Promise<{ fac_code: string; fac_code_c: number }> {
  const table = scope.shape.table(header);
  await scope.dialect.lockRange(scope.tx, `${scope.schema}.${table.table}.${facType}`);
  const display = table.column('Fac_Code_C');
  const result = await sql<{ max_code: string | null; max_display: number | null }>`select max(${sql.ref(table.require('Fac_Code'))}) as max_code,
      ${display ? sql`max(${sql.ref(display)})` : sql`NULL`} as max_display
    from ${sql.table(`${scope.schema}.${table.table}`)}${scope.dialect.rangeLockHint()}
    where ${sql.ref(table.require('Fac_Type'))} = ${varcharKey(facType, 1)}`.execute(scope.tx);
  const row = result.rows[0];
  const maxCode = row?.max_code ? String(row.max_code).trim() : '0';
  const next = (/^\d+$/.test(maxCode) ? Number(maxCode) : 0) + 1;
  if (next > 999_999) throw new AppError(HolooErrors['holoo.document_numbering_exhausted'], { fac_type: facType });
  const nextDisplay = Math.max(Number(row?.max_display ?? 0) + 1, 1);
  return { fac_code: String(next).padStart(6, '0'), fac_code_c: nextDisplay };
}

async function insertLines(scope: CommandScope, kind: DocumentKind, number: string, input: z.output<typeof DocumentInput>, facts: Map<string, ArticleFacts>): Promise<void> {
  const { lines: linesTable, fac_type } = tablesOf[kind];
  const table = scope.shape.table(linesTable);
  const rows = input.lines.map((line, index) => {
    const article = facts.get(line.a_code);
    return insertRow(table, {
      Fac_Code: number,
      Fac_Type: fac_type,
      A_Code: line.a_code,
      A_Index: index + 1,
      Few_Article: line.quantity,
      First_Article: line.quantity,
      Price_BS: line.unit_price,
      Buy_Price: article?.buy_price ?? undefined,
      ArtExist: article?.stock,
      VahedCode: article?.unit_code ?? undefined,
      ACode_C: article?.barcode ?? undefined,
      FacArtic_Comment: line.comment ? toHolooText(line.comment) : undefined,
    });
  });
  // ~25 parameters a row; SQL Server accepts at most 2,100 per statement.
  for (let i = 0; i < rows.length; i += 50) {
    await scope.tx.withSchema(scope.schema).insertInto(table.table).values(rows.slice(i, i + 50)).execute();
  }
}

async function lowerStock(scope: CommandScope, input: z.output<typeof DocumentInput>): Promise<void> {
  const table = scope.shape.table('ARTICLE');
  const exist = table.require('Exist');
  const quantities = new Map<string, number>();
  for (const line of input.lines) quantities.set(line.a_code, (quantities.get(line.a_code) ?? 0) + line.quantity);
  for (const [aCode, quantity] of quantities) {
    await scope.tx
      .withSchema(scope.schema)
      .updateTable(table.table)
      .set({ [exist]: sql`COALESCE(${sql.ref(exist)}, 0) - ${quantity}` })
      .where(table.require('A_Code'), '=', varcharKey(aCode, 7))
      .execute();
  }
}

/** Writes one document (header + lines) in the command's transaction; a sale also lowers ARTICLE.Exist. */
export async function writeDocument(scope: CommandScope, kind: DocumentKind, raw: unknown): Promise<DocumentResult> {
  const input = parseCommandInput(DocumentInput, raw);
  const { header, fac_type } = tablesOf[kind];
  const codes = [...new Set(input.lines.map((l) => l.a_code))];
  const facts = await readArticleFacts(scope, codes);
  const missing = codes.filter((c) => !facts.has(c));
  if (missing.length > 0) throw new AppError(HolooErrors['holoo.article_not_found'], { a_code: missing.join(','), count: missing.length });
  if (input.warehouse_code !== null) await assertInWarehouse(scope, input.warehouse_code, facts.values());
  const customer = input.customer_code === null ? null : input.customer_code.padStart(5, '0');
  if (customer !== null) await assertCustomer(scope, customer);

  const number = await nextDocumentNumber(scope, header, fac_type);
  const clock = await scope.dialect.serverClock(scope.tx);
  const [date = '', time = ''] = clock.split('T');
  const totalQuantity = input.lines.reduce((sum, l) => sum + l.quantity, 0);
  const totalPrice = input.lines.reduce((sum, l) => sum + l.quantity * l.unit_price, 0);
  const headerTable = scope.shape.table(header);
  await scope.tx.withSchema(scope.schema).insertInto(headerTable.table).values(insertRow(headerTable, {
    Fac_Code: number.fac_code,
    Fac_Type: fac_type,
    Fac_Code_C: number.fac_code_c,
    C_Code: customer ?? undefined,
    Fac_Date: scope.dialect.naiveTimestamp(`${date}T00:00:00.000`),
    // Holoo keeps the time of day on 1900-01-01.
    Fac_Time: scope.dialect.naiveTimestamp(`1900-01-01T${time}`),
    Sum_Price: totalPrice,
    Sum_Few: totalQuantity,
    // Between branches the sale is settled later: the whole amount is credit (نسیه).
    FNesieh: totalPrice,
    Fac_Comment: input.comment ? toHolooText(input.comment) : undefined,
    Delete: headerTable.column('Delete') ? false : undefined,
    DateUser: jalaliDate(date),
    TimeUser: time.slice(0, 8),
    Creation_Date: sql`CURRENT_TIMESTAMP`,
  })).execute();
  await insertLines(scope, kind, number.fac_code, input, facts);
  if (kind === 'sale') await lowerStock(scope, input);

  const result: DocumentResult = { fac_type, fac_code: number.fac_code, fac_code_c: number.fac_code_c, line_count: input.lines.length, total_quantity: totalQuantity, total_price: totalPrice };
  await logChanges(scope, [{ table_name: headerTable.table, row_key: `${fac_type}/${number.fac_code}`, change_kind: 'insert', before: null, after: { ...result, customer_code: customer, lines: input.lines } }]);
  return result;
}
