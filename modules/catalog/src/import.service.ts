import { z } from 'zod';
import { sql } from 'kysely';
import { newId, normaliseForSearch } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import { barcodeRepository as barcodes, categoryRepository as categories, priceRepository as prices, productRepository as products } from './catalog.repository.js';
import type { BarcodeRow, CategoryRow, PriceRow, ProductRow } from './catalog.tables.js';
import type { ImportReport, ImportRowError } from './catalog.contracts.js';
import { normaliseCode } from './codes.js';
import { orgOf, pathIds } from './category.service.js';
import type { CatalogEventBus } from './catalog.events.js';
import { readProductSheet, writeProductSheet, type ExportProduct, type SheetRow } from './excel.js';
import { searchTextOf, type ProductService } from './product.service.js';

const DEFAULT_UNIT = 'عدد';
const EXPORT_BATCH = 2000;

const yes = new Set(['1', 'true', 'yes', 'بله', 'بلی', 'فعال', 'y']);
const no = new Set(['0', 'false', 'no', 'خیر', 'غیرفعال', 'n']);
const Amount = z.string().transform((v) => v.replace(/[,٬\s]/g, '')).pipe(z.string().regex(/^\d{1,15}$/)).transform(Number);

const ImportRow = z.object({
  code: z.string().min(1).max(64),
  name: z.string().min(1).max(300).optional(),
  unit: z.string().min(1).max(32).optional(),
  category: z.string().max(1000).optional(),
  barcodes: z.string().max(4000).transform((v) => v.split(/[,،;\n]/).map((b) => b.trim()).filter(Boolean)).pipe(z.array(z.string().max(200)).max(20)).optional(),
  is_active: z.string().transform((v, issue) => {
    const key = v.toLowerCase();
    if (yes.has(key)) return true;
    if (no.has(key)) return false;
    issue.addIssue({ code: 'custom', message: 'not a yes/no value' });
    return z.NEVER;
  }).optional(),
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((l) => [`price_${l}`, Amount.optional()])),
});
type ImportRow = z.infer<typeof ImportRow> & Partial<Record<`price_${number}`, number>>;

interface ValidRow { row: number; data: ImportRow; code_normalised: string; barcodes: string[]; category_id: string | null | undefined }

function categoryPaths(rows: CategoryRow[]): Map<string, string> {
  const byId = new Map(rows.map((c) => [c.id, c]));
  const out = new Map<string, string>();
  const leafCount = new Map<string, number>();
  for (const c of rows) {
    const names = pathIds(c.path).map((id) => byId.get(id)?.name ?? '');
    out.set(normaliseForSearch(names.join(' / ')), c.id);
    const leaf = normaliseForSearch(c.name);
    leafCount.set(leaf, (leafCount.get(leaf) ?? 0) + 1);
  }
  // A bare leaf name is accepted when it names one category only.
  for (const c of rows) if (leafCount.get(normaliseForSearch(c.name)) === 1) out.set(normaliseForSearch(c.name), c.id);
  return out;
}

function pathName(rows: Map<string, CategoryRow>, category_id: string | null): string {
  const category = category_id ? rows.get(category_id) : undefined;
  return category ? pathIds(category.path).map((id) => rows.get(id)?.name ?? '').join(' / ') : '';
}

function pricesOfRow(data: ImportRow): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let level = 1; level <= 10; level++) {
    const amount = data[`price_${level}`];
    if (typeof amount === 'number') out.push([level, amount]);
  }
  return out;
}

export function createImportService(audit: AuditApi, productService: ProductService, events: CatalogEventBus) {
  /** Parses and validates every row; checks codes and barcodes against the file and the database. */
  async function validate(ctx: Ctx, rows: SheetRow[]): Promise<{ valid: ValidRow[]; errors: ImportRowError[]; existing: Map<string, ProductRow> }> {
    const org_id = orgOf(ctx);
    const errors: ImportRowError[] = [];
    const valid: ValidRow[] = [];
    const paths = categoryPaths(await categories.list(ctx.db, org_id));
    const seenCodes = new Map<string, number>();
    const seenBarcodes = new Map<string, number>();
    for (const sheetRow of rows) {
      const parsed = ImportRow.safeParse(sheetRow.cells);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) errors.push({ row: sheetRow.row, column: String(issue.path[0] ?? ''), code: sheetRow.cells[String(issue.path[0])] ? 'catalog.import.invalid_value' : 'catalog.import.required' });
        continue;
      }
      const data = parsed.data as ImportRow;
      const code_normalised = normaliseCode(data.code);
      const rowErrors: ImportRowError[] = [];
      const first = seenCodes.get(code_normalised);
      if (first !== undefined) rowErrors.push({ row: sheetRow.row, column: 'code', code: 'catalog.import.duplicate_code_in_file', params: { first_row: first } });
      seenCodes.set(code_normalised, first ?? sheetRow.row);
      const barcodeList = (data.barcodes ?? []).map(normaliseCode).filter(Boolean);
      for (const b of barcodeList) {
        const other = seenBarcodes.get(b);
        if (other !== undefined && other !== sheetRow.row) rowErrors.push({ row: sheetRow.row, column: 'barcodes', code: 'catalog.import.duplicate_barcode_in_file', params: { barcode: b, first_row: other } });
        seenBarcodes.set(b, other ?? sheetRow.row);
      }
      let category_id: string | null | undefined;
      if (data.category !== undefined) {
        category_id = paths.get(normaliseForSearch(data.category)) ?? null;
        if (!category_id) rowErrors.push({ row: sheetRow.row, column: 'category', code: 'catalog.import.category_not_found', params: { category: data.category } });
      }
      if (rowErrors.length) errors.push(...rowErrors);
      else valid.push({ row: sheetRow.row, data, code_normalised, barcodes: data.barcodes ?? [], category_id });
    }
    const existing = new Map((await products.byCodes(ctx.db, org_id, valid.map((v) => v.code_normalised))).map((p) => [p.code_normalised, p]));
    const skuClash = new Set((await ctx.db.selectFrom('catalog.variant').select('sku_normalised').where('org_id', '=', org_id)
      .where('sku_normalised', 'in', valid.length ? valid.map((v) => v.code_normalised) : ['']).execute()).map((r) => r.sku_normalised as string));
    const owners = new Map((await barcodes.getMany(ctx.db, org_id, valid.flatMap((v) => v.barcodes.map(normaliseCode)))).map((b) => [b.code_normalised, b]));
    const stillValid: ValidRow[] = [];
    for (const v of valid) {
      const rowErrors: ImportRowError[] = [];
      const product = existing.get(v.code_normalised);
      if (skuClash.has(v.code_normalised)) rowErrors.push({ row: v.row, column: 'code', code: 'catalog.import.code_is_variant_sku' });
      if (!product && !v.data.name) rowErrors.push({ row: v.row, column: 'name', code: 'catalog.import.required' });
      for (const b of v.barcodes) {
        const owner = owners.get(normaliseCode(b));
        if (owner && (owner.product_id !== product?.id || owner.variant_id !== null)) rowErrors.push({ row: v.row, column: 'barcodes', code: 'catalog.import.barcode_taken', params: { barcode: b } });
      }
      if (rowErrors.length) errors.push(...rowErrors);
      else stillValid.push(v);
    }
    return { valid: stillValid, errors: errors.sort((a, b) => a.row - b.row), existing };
  }

  async function applyNew(ctx: Ctx, rows: ValidRow[]): Promise<void> {
    const org_id = orgOf(ctx);
    const productRows: Array<Omit<ProductRow, 'created_at' | 'updated_at'>> = [];
    const barcodeRows: BarcodeRow[] = [];
    const priceRows: PriceRow[] = [];
    for (const v of rows) {
      const id = newId();
      const name = v.data.name ?? v.data.code;
      productRows.push({
        org_id, id, code: v.data.code, code_normalised: v.code_normalised, name, unit: v.data.unit ?? DEFAULT_UNIT, category_id: v.category_id ?? null,
        is_active: v.data.is_active ?? true, description: null, search_text: searchTextOf({ name, code: v.data.code }, v.barcodes, []),
      });
      for (const b of v.barcodes) barcodeRows.push({ org_id, code_normalised: normaliseCode(b), code: b, product_id: id, variant_id: null });
      for (const [level, amount] of pricesOfRow(v.data)) priceRows.push({ org_id, item_id: id, product_id: id, level, amount_rial: BigInt(amount) });
    }
    await products.insertMany(ctx.db, productRows);
    await barcodes.insertMany(ctx.db, barcodeRows);
    await prices.replaceOfItems(ctx.db, org_id, [], priceRows);
    await events.itemsCreated(ctx, productRows.map((p) => ({ item_id: p.id, product_id: p.id, variant_id: null })));
  }

  async function applyExisting(ctx: Ctx, rows: ValidRow[], existing: Map<string, ProductRow>): Promise<void> {
    const org_id = orgOf(ctx);
    for (const v of rows) {
      const product = existing.get(v.code_normalised);
      if (!product) continue;
      await products.update(ctx.db, org_id, product.id, {
        ...(v.data.name !== undefined ? { name: v.data.name } : {}),
        ...(v.data.unit !== undefined ? { unit: v.data.unit } : {}),
        ...(v.data.is_active !== undefined ? { is_active: v.data.is_active } : {}),
        ...(v.category_id !== undefined ? { category_id: v.category_id } : {}),
      });
      if (v.data.barcodes !== undefined) {
        await barcodes.deleteOfItem(ctx.db, org_id, product.id, null);
        await barcodes.insertMany(ctx.db, v.barcodes.map((b) => ({ org_id, code_normalised: normaliseCode(b), code: b, product_id: product.id, variant_id: null })));
      }
      for (const [level, amount] of pricesOfRow(v.data)) {
        await ctx.db.insertInto('catalog.price').values({ org_id, item_id: product.id, product_id: product.id, level, amount_rial: BigInt(amount) })
          .onConflict((oc) => oc.columns(['org_id', 'item_id', 'level']).doUpdateSet({ amount_rial: BigInt(amount), updated_at: sql`now()` })).execute();
      }
      await productService.refreshSearchText(ctx, product.id);
    }
  }

  return {
    /**
     * Imports the product sheet in the caller's transaction. `all_or_nothing`: any row error imports
     * nothing; `valid_rows`: the valid rows are imported and the others reported.
     */
    async importProducts(ctx: Ctx, file: Buffer, mode: 'all_or_nothing' | 'valid_rows'): Promise<ImportReport> {
      const sheet = await readProductSheet(file);
      const { valid, errors, existing } = await validate(ctx, sheet.rows);
      const rejectedRows = new Set(errors.map((e) => e.row)).size;
      const base = { mode, total_rows: sheet.rows.length, errors };
      if (errors.length > 0 && mode === 'all_or_nothing') return { ...base, status: 'rejected', created: 0, updated: 0, skipped: sheet.rows.length };
      const fresh = valid.filter((v) => !existing.has(v.code_normalised));
      const known = valid.filter((v) => existing.has(v.code_normalised));
      await applyNew(ctx, fresh);
      await applyExisting(ctx, known, existing);
      const report: ImportReport = { ...base, status: 'imported', created: fresh.length, updated: known.length, skipped: rejectedRows };
      await audit.record(ctx, { action: 'catalog.products.imported', entity_type: 'catalog.product', after: { ...report, errors: errors.length } });
      return report;
    },

    /** The whole catalogue as an .xlsx sheet (products with their own barcodes and price levels). */
    async exportProducts(ctx: Ctx): Promise<Buffer> {
      const org_id = orgOf(ctx);
      const categoryById = new Map((await categories.list(ctx.db, org_id)).map((c) => [c.id, c]));
      async function* batches(): AsyncGenerator<ExportProduct[]> {
        let after: string | null = null;
        for (let guard = 0; guard < 10_000; guard++) {
          const rows = await products.listAll(ctx.db, org_id, after, EXPORT_BATCH);
          if (rows.length === 0) return;
          const ids = rows.map((r) => r.id);
          const [codes, priceList] = await Promise.all([barcodes.ofProducts(ctx.db, org_id, ids), prices.ofProducts(ctx.db, org_id, ids)]);
          yield rows.map((r) => ({
            code: r.code, name: r.name, unit: r.unit, category: pathName(categoryById, r.category_id), is_active: r.is_active,
            barcodes: codes.filter((b) => b.product_id === r.id && b.variant_id === null).map((b) => b.code),
            prices: new Map(priceList.filter((p) => p.item_id === r.id).map((p) => [p.level, Number(p.amount_rial)])),
          }));
          after = rows[rows.length - 1]?.code_normalised ?? null;
          if (rows.length < EXPORT_BATCH) return;
        }
      }
      const file = await writeProductSheet(batches(), ctx.locale);
      await audit.record(ctx, { action: 'catalog.products.exported', entity_type: 'catalog.product' });
      return file;
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
