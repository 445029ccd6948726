/**
 * Deterministic seed data for a simulated Holoo company: units, warehouses, main/sub groups, articles
 * with Persian names stored in Holoo's Arabic forms (ي/ك), barcodes, ten price levels, stock (a few
 * negative, as in real shops), min/max, customers standing for the other branches. The same seed
 * always gives the same rows, so two "branches" seeded alike start identical.
 */
import pg from 'pg';
import { toArabicLetters } from '@chaharsu/kit';
import { ARTICLE, PRICE_LEVEL_COLUMNS, type TableDefinition } from '../holoo.tables.js';
import { quoteIdent } from './schema.js';

export interface SeedOptions {
  seed: number;
  articles: number;
  main_groups?: number;
  sub_groups_per_main?: number;
  warehouses?: number;
  /** Customers 00001…: "branch N", the counterparties of transfer documents. */
  customers?: number;
}

export interface SeedSummary {
  articles: number;
  main_groups: number;
  sub_groups: number;
  warehouses: number;
  units: number;
  customers: number;
  /** Sum of Exist over all articles (for tests that check stock moves). */
  total_stock: number;
}

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const categories = ['لبنیات', 'خشکبار', 'نوشیدنی', 'شوینده', 'بهداشتی', 'کنسرو', 'حبوبات', 'ادویه', 'تنقلات', 'نان و شیرینی', 'روغن', 'برنج', 'چای و قهوه', 'کیک و کلوچه', 'لوازم تحریر', 'ظروف یکبار مصرف', 'منجمد', 'سس و چاشنی', 'شکلات', 'آبمیوه'];
const subNames = ['ممتاز', 'معمولی', 'وارداتی', 'بسته‌بندی', 'فله', 'کوچک', 'بزرگ', 'خانواده', 'اقتصادی', 'ویژه'];
const products = ['شیر', 'ماست', 'پنیر', 'کره', 'دوغ', 'پسته', 'بادام', 'کشمش', 'نوشابه', 'آب معدنی', 'مایع ظرفشویی', 'پودر لباسشویی', 'شامپو', 'صابون', 'کنسرو ماهی', 'لوبیا', 'عدس', 'نخود', 'زردچوبه', 'فلفل سیاه', 'چیپس', 'پفک', 'بیسکویت', 'کیک یزدی', 'روغن مایع', 'برنج هاشمی', 'چای سیاه', 'قهوه فوری', 'دفتر', 'لیوان کاغذی', 'سبزی منجمد', 'سس مایونز', 'کچاپ', 'شکلات تلخ', 'آبمیوه پرتقال'];
const brands = ['کاله', 'میهن', 'پاک', 'دامداران', 'گلستان', 'تک ماکارون', 'چی‌توز', 'مینو', 'فرمند', 'یک و یک', 'کامبیز', 'شیرین‌عسل', 'تبرک', 'بهروز', 'نسیم', 'سحر'];
const sizes = ['۱ کیلویی', '۵۰۰ گرمی', '۲۵۰ گرمی', '۱ لیتری', '۱.۵ لیتری', 'کوچک', 'بزرگ', 'خانواده', '۱۰ عددی', 'بسته ۶ تایی'];
const units = ['عدد', 'کیلوگرم', 'بسته', 'کارتن', 'لیتر', 'متر'];

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)] as T;
const holoo = (text: string) => toArabicLetters(text.replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d))));

/** Zero values for the NOT NULL columns without default, as Holoo's own program would have written them. */
function requiredZeros(table: TableDefinition, present: ReadonlySet<string>): Record<string, unknown> {
  const zeros: Record<string, unknown> = {};
  for (const c of table.columns) {
    if (c.nullable || c.default || c.identity || !present.has(c.name)) continue;
    zeros[c.name] = c.type.kind === 'bit' ? false : c.type.kind === 'varchar' || c.type.kind === 'nvarchar' ? '' : 0;
  }
  return zeros;
}

async function insertRows(client: pg.Client, schema: string, table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const perStatement = Math.max(1, Math.floor(60_000 / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const part = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    const tuples = part.map((row) => `(${columns.map((c) => { params.push(row[c]); return `$${params.length}`; }).join(', ')})`);
    await client.query(`insert into ${quoteIdent(schema)}.${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) values ${tuples.join(', ')}`, params);
  }
}

async function presentColumns(client: pg.Client, schema: string, table: string): Promise<Set<string>> {
  const result = await client.query<{ column_name: string }>('select column_name from information_schema.columns where table_schema = $1 and table_name = $2', [schema, table]);
  return new Set(result.rows.map((r) => r.column_name));
}

function articleRow(random: () => number, code: string, unitCount: number, warehouse: number, present: ReadonlySet<string>): Record<string, unknown> {
  const base = Math.round(random() * 2_000) * 1_000 + 5_000;
  const minute = Math.floor(random() * 60 * 24 * 300);
  const stamp = (offset: number) => new Date(Date.UTC(2025, 0, 1) + (minute + offset) * 60_000).toISOString().replace('T', ' ').slice(0, 23);
  const row: Record<string, unknown> = {
    A_Code: code,
    A_Name: holoo(`${pick(products, random)} ${pick(brands, random)} ${pick(sizes, random)}`),
    A_Code_C: `626${String(Math.floor(random() * 1e10)).padStart(10, '0')}`,
    Exist: random() < 0.03 ? -Math.ceil(random() * 5) : Math.floor(random() * 500),
    A_Min: Math.floor(random() * 20),
    A_Max: 500 + Math.floor(random() * 500),
    VahedCode: 1 + Math.floor(random() * unitCount),
    Buy_Price: Math.round(base * 0.8),
    Type_Anbar_C: warehouse,
    IsActive: random() >= 0.05,
    Delete: false,
    A_codeIdTax: random() < 0.5 ? `2${String(Math.floor(random() * 1e12)).padStart(12, '0')}` : null,
    Creation_Date: stamp(-60 * 24 * 30),
    Endeditdate: stamp(0),
  };
  PRICE_LEVEL_COLUMNS.forEach((column, level) => {
    row[column] = level === 0 ? base : level < 3 ? Math.round(base * (1 - 0.05 * level)) : null;
  });
  row.First_exist = row.Exist;
  for (const key of Object.keys(row)) if (!present.has(key)) delete row[key];
  return row;
}

/** Fills one simulated company database with deterministic data. */
export async function seedSimulatedCompany(url: string, database: string, options: SeedOptions): Promise<SeedSummary> {
  const random = seededRandom(options.seed);
  const mainCount = Math.min(options.main_groups ?? 20, 99);
  const subCount = Math.min(options.sub_groups_per_main ?? 10, 99);
  const warehouseCount = Math.max(1, options.warehouses ?? 3);
  const customerCount = options.customers ?? 5;
  if (options.articles > mainCount * subCount * 999) throw new Error(`at most ${mainCount * subCount * 999} articles fit in ${mainCount}×${subCount} groups`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    await insertRows(client, database, 'UNIT', units.map((name, i) => ({ Unit_Code: i + 1, Unit_Name: holoo(name), Unit_Few: 1 })));
    const warehouseName = (i: number) => (i === 0 ? 'انبار مرکزی' : i === 1 ? 'انبار فروشگاه' : `انبار ${i + 1}`);
    await insertRows(client, database, 'TYPE_ANB', Array.from({ length: warehouseCount }, (_, i) => ({ Type_Anbar_C: i + 1, Type_Anbar_N: holoo(warehouseName(i)), ParentType_C: 0 })));
    const mains = Array.from({ length: mainCount }, (_, i) => ({
      M_groupcode: String(i + 1).padStart(2, '0'),
      M_groupname: holoo(categories[i % categories.length] ?? `گروه ${i + 1}`),
      Type_Anbar_C: (i % warehouseCount) + 1,
      PriceTakhfif: 0,
      Choice: false,
      Creation_Date: '2025-01-01 08:00:00',
      Endeditdate: '2025-01-01 08:00:00',
    }));
    await insertRows(client, database, 'M_GROUP', mains);
    const subs = mains.flatMap((m) => Array.from({ length: subCount }, (_, j) => ({
      M_groupcode: m.M_groupcode,
      S_groupcode: String(j + 1).padStart(2, '0'),
      S_groupname: holoo(subNames[j % subNames.length] ?? `زیرگروه ${j + 1}`),
      PriceTakhfif: 0,
      Choice: false,
      Creation_Date: '2025-01-01 08:00:00',
      Endeditdate: '2025-01-01 08:00:00',
    })));
    await insertRows(client, database, 'S_GROUP', subs);
    const present = await presentColumns(client, database, 'ARTICLE');
    const zeros = requiredZeros(ARTICLE, present);
    const articles: Array<Record<string, unknown>> = [];
    for (let n = 0; n < options.articles; n++) {
      const pair = n % subs.length;
      const sub = subs[pair];
      const serial = Math.floor(n / subs.length) + 1;
      if (!sub) throw new Error('no subgroup');
      const warehouse = ((Number(sub.M_groupcode) - 1) % warehouseCount) + 1;
      articles.push({ ...zeros, ...articleRow(random, `${sub.M_groupcode}${sub.S_groupcode}${String(serial).padStart(3, '0')}`, units.length, warehouse, present) });
    }
    await insertRows(client, database, 'ARTICLE', articles);
    await insertRows(client, database, 'CUSTOMER', Array.from({ length: customerCount }, (_, i) => ({ C_Code: String(i + 1).padStart(5, '0'), C_Name: holoo(`شعبه ${i + 1}`), Delete: false })));
    await client.query('commit');
    const totalStock = articles.reduce((sum, a) => sum + Number(a.Exist ?? 0), 0);
    return { articles: articles.length, main_groups: mains.length, sub_groups: subs.length, warehouses: warehouseCount, units: units.length, customers: customerCount, total_stock: totalStock };
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    await client.end();
  }
}
