/**
 * What the panel can ask a branch's Holoo to do, and what the adapter reads back. Shared by the
 * server (branch-sync) and the agent: no server or driver imports here.
 *
 * Prices are in the company's own currency unit (a Holoo setting, usually Rial), as Holoo stores
 * them; the server converts to its `bigint` Rial.
 */
import { z } from 'zod';

export const ArticleCode = z.string().regex(/^\d{7}$/, 'seven digits: group(2) + subgroup(2) + serial(3)');
export const GroupCode = z.string().regex(/^\d{2}$/, 'two digits');
const HolooName = (max: number) => z.string().trim().min(1).max(max);
export const PriceLevel = z.number().int().min(1).max(10);
const Price = z.number().int().min(0).max(1e15);
const Quantity = z.number().positive().max(1e9);
const StockLimit = z.number().min(0).max(1e9);

export const ArticleChange = z
  .object({
    a_code: ArticleCode,
    name: HolooName(255).optional(),
    prices: z.array(z.object({ level: PriceLevel, price: Price })).min(1).max(10).optional(),
    is_active: z.boolean().optional(),
    min_stock: StockLimit.nullable().optional(),
  })
  .refine((c) => c.name !== undefined || c.prices !== undefined || c.is_active !== undefined || c.min_stock !== undefined, {
    message: 'nothing to change',
  });
export type ArticleChange = z.infer<typeof ArticleChange>;

export const CreateArticleInput = z.object({
  /** Given when the panel wants the same code in every branch; otherwise the next free serial of the subgroup. */
  a_code: ArticleCode.optional(),
  main_group_code: GroupCode,
  sub_group_code: GroupCode,
  name: HolooName(255),
  barcode: z.string().trim().max(50).optional(),
  unit_code: z.number().int().min(0).optional(),
  prices: z.array(z.object({ level: PriceLevel, price: Price })).max(10).default([]),
  min_stock: StockLimit.optional(),
  max_stock: StockLimit.optional(),
  is_active: z.boolean().default(true),
});
export type CreateArticleInput = z.input<typeof CreateArticleInput>;

export const DocumentLineInput = z.object({
  a_code: ArticleCode,
  quantity: Quantity,
  unit_price: Price,
  comment: z.string().trim().max(4000).optional(),
});

export const DocumentInput = z.object({
  /** Holoo customer (طرف حساب) standing for the other branch; null writes a document without one. */
  customer_code: z.string().regex(/^\d{1,5}$/).nullable(),
  /** When set, every line's article must belong to this warehouse (TYPE_ANB), directly or through its main group. */
  warehouse_code: z.number().int().min(0).nullable().default(null),
  comment: z.string().trim().max(4000).nullable().default(null),
  lines: z.array(DocumentLineInput).min(1).max(999),
});
export type DocumentInput = z.input<typeof DocumentInput>;

export const HolooCommand = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('articles.update'), changes: z.array(ArticleChange).min(1).max(50_000) }),
  z.object({ kind: z.literal('article.create'), article: CreateArticleInput }),
  z.object({ kind: z.literal('main_group.create'), code: GroupCode.optional(), name: HolooName(80), warehouse_code: z.number().int().min(0).optional() }),
  z.object({ kind: z.literal('main_group.rename'), code: GroupCode, name: HolooName(80) }),
  z.object({ kind: z.literal('sub_group.create'), main_code: GroupCode, code: GroupCode.optional(), name: HolooName(80) }),
  z.object({ kind: z.literal('sub_group.rename'), main_code: GroupCode, code: GroupCode, name: HolooName(80) }),
  z.object({ kind: z.literal('document.sale'), document: DocumentInput }),
  z.object({ kind: z.literal('document.pre_invoice'), document: DocumentInput }),
]);
export type HolooCommand = z.input<typeof HolooCommand>;
export type HolooCommandKind = HolooCommand['kind'];

// ---- results of commands ----

export interface ArticlesUpdateResult { updated: number; unchanged: number }
export interface ArticleCreateResult { a_code: string }
export interface GroupResult { main_code: string; code: string | null }
export interface DocumentResult {
  fac_type: 'F' | 'P';
  fac_code: string;
  fac_code_c: number;
  line_count: number;
  total_quantity: number;
  total_price: number;
}
export type HolooCommandResult = ArticlesUpdateResult | ArticleCreateResult | GroupResult | DocumentResult;

// ---- rows read back (names shown in Persian letters; codes as Holoo has them) ----

export interface ArticleRow {
  a_code: string;
  name: string | null;
  barcode: string | null;
  /** Sel_Price … Sel_Price10; null where this Holoo version lacks the level or the cell is empty. */
  prices: Array<number | null>;
  stock: number | null;
  min_stock: number | null;
  max_stock: number | null;
  unit_code: number | null;
  warehouse_code: number | null;
  is_active: boolean;
  is_deleted: boolean;
  tax_id: string | null;
  created_at: string | null;
  /** Endeditdate, the server's wall clock without a time zone. */
  edited_at: string | null;
  /** sha256 over the normalised fields above (not the timestamps): equal hashes mean equal rows. */
  row_hash: string;
}

export interface MainGroupRow { code: string; name: string | null; warehouse_code: number | null; edited_at: string | null; row_hash: string }
export interface SubGroupRow { main_code: string; code: string; name: string | null; edited_at: string | null; row_hash: string }
export interface UnitRow { code: number; name: string | null }
export interface WarehouseRow { code: number; name: string | null; parent_code: number | null }

export interface ArticlePage {
  rows: ArticleRow[];
  /** Pass as `after_code` to read the next page; null at the end. */
  next_after_code: string | null;
}

/** One fingerprint of a whole catalog: equal digests mean equal articles and groups (by row hash). */
export interface CatalogDigest {
  article_count: number;
  articles_digest: string;
  group_count: number;
  groups_digest: string;
}

export interface CompanyDatabase { database: string; company_name: string | null }
export interface CompanyDatabaseDiff { added: string[]; removed: string[] }

export interface HolooHealth {
  reachable: boolean;
  /** How the probe failed (driver message), when it did. */
  error: string | null;
  server_version: string | null;
  company_databases: CompanyDatabase[];
  database_sizes: Array<{ database: string; size_bytes: number | null }>;
  /** Newest finished backups of each company database (naive server times); null times: never backed up. */
  backups: CompanyBackup[];
  /** Why the backup history could not be read (the login lacks SELECT on msdb.dbo.backupset, SQL Server down). */
  backups_error: string | null;
}

export interface CompanyBackup { database: string; last_backup_at: string | null; last_full_backup_at: string | null }
