/**
 * The adapter's real queries against the Holoo simulator on PostgreSQL: a branch instance with a
 * 20,000-article company (seeded once for the file) and an older-version company without some columns.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@chaharsu/kit';
import { createTestDatabase, type TestDatabase } from '@chaharsu/db/testing';
import { connectHolooSimulator, diffCompanyDatabases, type HolooInstance, type HolooCommand } from './index.js';
import { createSimulatedCompany, dropSimulatedCompany, seedSimulatedCompany, type SeedSummary } from './simulator/index.js';

const COMPANY = 'Holoo1';
const OLD_COMPANY = 'holoo1_1403';
let database: TestDatabase;
let instance: HolooInstance;
let raw: pg.Pool;
let seeded: SeedSummary;

async function rawRow(query: string, params: unknown[] = []): Promise<Record<string, unknown>> {
  const result = await raw.query(query, params);
  return result.rows[0] as Record<string, unknown>;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await createSimulatedCompany(database.owner_url, { database: COMPANY, company_name: 'فروشگاه زنجیره‌ای یکتا' });
  seeded = await seedSimulatedCompany(database.owner_url, COMPANY, { seed: 42, articles: 20_000 });
  await createSimulatedCompany(database.owner_url, { database: OLD_COMPANY, company_name: 'یکتا ۱۴۰۳', omit_columns: { ARTICLE: ['A_codeIdTax', 'Sel_Price10', 'Endeditdate'] } });
  await seedSimulatedCompany(database.owner_url, OLD_COMPANY, { seed: 7, articles: 300, main_groups: 3, sub_groups_per_main: 2 });
  instance = connectHolooSimulator({ url: database.owner_url });
  raw = new pg.Pool({ connectionString: database.owner_url, max: 2 });
  raw.on('error', () => {});
});

afterAll(async () => {
  await instance?.close();
  await raw?.end();
  await database?.drop();
});

const apply = (command: HolooCommand, requested_by = 'panel-user-1', command_id = newId()) =>
  instance.company(COMPANY).applyHolooCommand({ command_id, requested_by, command });

describe('company databases on the instance', () => {
  it('lists the Holoo databases with their company names in Persian letters, and notices added and removed ones', async () => {
    const before = await instance.listCompanyDatabases();
    expect(before).toEqual([
      { database: COMPANY, company_name: 'فروشگاه زنجیره‌ای یکتا' },
      { database: OLD_COMPANY, company_name: 'یکتا 1403' },
    ]);
    expect(await rawRow(`select "CompName" from "${COMPANY}"."CompName"`)).toEqual({ CompName: 'فروشگاه زنجيره‌اي يكتا' });

    await createSimulatedCompany(database.owner_url, { database: 'holoo2', company_name: 'شرکت دوم' });
    await dropSimulatedCompany(database.owner_url, OLD_COMPANY);
    const after = await instance.listCompanyDatabases();
    expect(diffCompanyDatabases(before.map((d) => d.database), after.map((d) => d.database))).toEqual({ added: ['holoo2'], removed: [OLD_COMPANY] });
    await dropSimulatedCompany(database.owner_url, 'holoo2');
    await createSimulatedCompany(database.owner_url, { database: OLD_COMPANY, company_name: 'یکتا ۱۴۰۳', omit_columns: { ARTICLE: ['A_codeIdTax', 'Sel_Price10', 'Endeditdate'] } });
    await seedSimulatedCompany(database.owner_url, OLD_COMPANY, { seed: 7, articles: 300, main_groups: 3, sub_groups_per_main: 2 });
    await instance.company(OLD_COMPANY).refreshShape();
  });

  it('reports health: reachable, server version, databases and their sizes; an unreachable server is reported, not thrown', async () => {
    const health = await instance.probeHealth({ timeout_ms: 5_000 });
    expect(health.reachable).toBe(true);
    expect(health.server_version).toMatch(/PostgreSQL 15/);
    expect(health.company_databases.map((d) => d.database)).toEqual([COMPANY, OLD_COMPANY]);
    expect(health.database_sizes.find((d) => d.database === COMPANY)?.size_bytes).toBeGreaterThan(1_000_000);

    const url = new URL(database.owner_url);
    url.port = '1';
    const down = connectHolooSimulator({ url: url.toString() });
    const unreachable = await down.probeHealth({ timeout_ms: 2_000 });
    await down.close();
    expect(unreachable.reachable).toBe(false);
    expect(unreachable.error).toBeTruthy();
  });
});

describe('reading the catalog for the mirror', () => {
  it('pages through all 20,000 articles by A_Code with stable row hashes and Persian letters', async () => {
    const company = instance.company(COMPANY);
    const codes: string[] = [];
    const hashes = new Map<string, string>();
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result = await company.readArticlePage({ after_code: after, limit: 5_000 });
      for (const row of result.rows) { codes.push(row.a_code); hashes.set(row.a_code, row.row_hash); }
      after = result.next_after_code;
      if (!after) break;
    }
    expect(codes).toHaveLength(seeded.articles);
    expect([...codes].sort()).toEqual(codes);
    const again = await company.readArticlePage({ limit: 100 });
    expect(again.rows.every((r) => hashes.get(r.a_code) === r.row_hash)).toBe(true);
    const sample = again.rows[0];
    expect(sample?.prices).toHaveLength(10);
    expect(sample?.name).not.toMatch(/[يك]/);
    const rawName = await rawRow(`select "A_Name" from "${COMPANY}"."ARTICLE" where "A_Code" = $1`, [sample?.a_code]);
    expect(String(rawName.A_Name)).not.toMatch(/[یک]/);
  });

  it('reads groups, units and warehouses', async () => {
    const company = instance.company(COMPANY);
    const mains = await company.readMainGroups();
    expect(mains).toHaveLength(seeded.main_groups);
    expect(mains[0]).toMatchObject({ code: '01', name: 'لبنیات', warehouse_code: 1 });
    expect(await company.readSubGroups()).toHaveLength(seeded.sub_groups);
    expect((await company.readUnits())[0]).toEqual({ code: 1, name: 'عدد' });
    expect(await company.readWarehouses()).toEqual([
      { code: 1, name: 'انبار مرکزی', parent_code: null },
      { code: 2, name: 'انبار فروشگاه', parent_code: null },
      { code: 3, name: 'انبار 3', parent_code: null },
    ]);
  });

  it('returns only what was edited since a watermark, and a changed row carries a new hash', async () => {
    const company = instance.company(COMPANY);
    const watermark = await company.serverClock();
    expect((await company.readArticlePage({ limit: 100, edited_since: watermark })).rows).toEqual([]);
    const [before] = await company.readArticlesByCode(['0101001']);
    await apply({ kind: 'articles.update', changes: [{ a_code: '0101001', prices: [{ level: 2, price: 123_000 }] }] });
    const changed = await company.readArticlePage({ limit: 100, edited_since: watermark });
    expect(changed.rows.map((r) => r.a_code)).toEqual(['0101001']);
    expect(changed.rows[0]?.prices[1]).toBe(123_000);
    expect(changed.rows[0]?.row_hash).not.toBe(before?.row_hash);
  });

  it('gives two branches seeded alike the same catalog digest, and a different one after an edit in one of them', async () => {
    for (const name of ['branch_a', 'branch_b']) {
      await createSimulatedCompany(database.owner_url, { database: name, company_name: name });
      await seedSimulatedCompany(database.owner_url, name, { seed: 99, articles: 600, main_groups: 3, sub_groups_per_main: 4 });
    }
    const [a, b] = [instance.company('branch_a'), instance.company('branch_b')];
    const before = await a.catalogDigest();
    expect(before).toMatchObject({ article_count: 600, group_count: 15 });
    expect(await b.catalogDigest()).toEqual(before);
    await b.applyHolooCommand({ command_id: newId(), requested_by: 'u', command: { kind: 'sub_group.rename', main_code: '01', code: '01', name: 'تغییر' } });
    const after = await b.catalogDigest();
    expect(after.articles_digest).toBe(before.articles_digest);
    expect(after.groups_digest).not.toBe(before.groups_digest);
    await dropSimulatedCompany(database.owner_url, 'branch_a');
    await dropSimulatedCompany(database.owner_url, 'branch_b');
  });

  it('reads an older Holoo version: missing columns read as null', async () => {
    const page = await instance.company(OLD_COMPANY).readArticlePage({ limit: 5 });
    expect(page.rows).toHaveLength(5);
    expect(page.rows[0]?.tax_id).toBeNull();
    expect(page.rows[0]?.prices[9]).toBeNull();
    expect(page.rows[0]?.edited_at).toBeNull();
  });
});

describe('commands, exactly once', () => {
  it('changes name, price level, active flag and min stock in Holoo’s forms, logs who asked, and a re-delivery applies nothing', async () => {
    const id = newId();
    const command: HolooCommand = {
      kind: 'articles.update',
      changes: [
        { a_code: '0102001', name: 'کیک یزدی ۱۲ عددی', prices: [{ level: 1, price: 250_000 }, { level: 10, price: 199_000 }] },
        { a_code: '0102002', is_active: false, min_stock: 12 },
      ],
    };
    const first = await apply(command, 'panel-user-7', id);
    expect(first).toMatchObject({ outcome: 'applied', replayed: false, result: { updated: 2, unchanged: 0 } });
    const row = await rawRow(`select "A_Name", "Sel_Price", "Sel_Price10" from "${COMPANY}"."ARTICLE" where "A_Code" = '0102001'`);
    expect(row).toEqual({ A_Name: 'كيك يزدي 12 عددي', Sel_Price: 250_000, Sel_Price10: 199_000 });
    const [shown] = await instance.company(COMPANY).readArticlesByCode(['0102001']);
    expect(shown?.name).toBe('کیک یزدی 12 عددی');
    const log = await instance.company(COMPANY).readChangeLog(id);
    expect(log.map((l) => [l.row_key, l.requested_by])).toEqual([['0102001', 'panel-user-7'], ['0102002', 'panel-user-7']]);
    expect(log[1]?.after).toEqual({ IsActive: false, A_Min: 12 });

    await raw.query(`update "${COMPANY}"."ARTICLE" set "A_Name" = 'changed by hand' where "A_Code" = '0102001'`);
    const again = await apply(command, 'panel-user-7', id);
    expect(again).toMatchObject({ outcome: 'applied', replayed: true, result: { updated: 2, unchanged: 0 } });
    expect(await rawRow(`select "A_Name" from "${COMPANY}"."ARTICLE" where "A_Code" = '0102001'`)).toEqual({ A_Name: 'changed by hand' });
    expect(await instance.company(COMPANY).readChangeLog(id)).toHaveLength(2);
  });

  it('applies a bulk change of 3,000 articles with their own prices and names, in a few statements', async () => {
    const page = await instance.company(COMPANY).readArticlePage({ after_code: '1000000', limit: 3_000 });
    const changes = page.rows.map((row, i) => ({ a_code: row.a_code, prices: [{ level: 3, price: 10_000 + i }], ...(i % 2 === 0 ? { name: `کالای ${i}` } : {}) }));
    const outcome = await apply({ kind: 'articles.update', changes });
    expect(outcome).toMatchObject({ outcome: 'applied', result: { updated: 3_000, unchanged: 0 } });
    const after = await instance.company(COMPANY).readArticlesByCode(page.rows.map((r) => r.a_code));
    expect(after.map((r) => r.prices[2])).toEqual(page.rows.map((_, i) => 10_000 + i));
    expect(after[2]?.name).toBe('کالای 2');
    expect(after[1]?.name).toBe(page.rows[1]?.name);
  });

  it('rejects a command naming a missing article as a whole, records the rejection, and answers a re-delivery the same way', async () => {
    const id = newId();
    const command: HolooCommand = { kind: 'articles.update', changes: [{ a_code: '0103001', name: 'نام تازه' }, { a_code: '9999999', name: 'ناموجود' }] };
    const first = await apply(command, 'panel-user-1', id);
    expect(first).toMatchObject({ outcome: 'rejected', result: { code: 'holoo.article_not_found', params: { a_code: '9999999' } } });
    expect(await rawRow(`select "A_Name" from "${COMPANY}"."ARTICLE" where "A_Code" = '0103001'`)).not.toEqual({ A_Name: 'نام تازه' });
    expect(await apply(command, 'panel-user-1', id)).toMatchObject({ outcome: 'rejected', replayed: true, result: { code: 'holoo.article_not_found' } });
  });

  it('rejects a price level this Holoo version does not have, and malformed commands', async () => {
    const old = instance.company(OLD_COMPANY);
    const outcome = await old.applyHolooCommand({ command_id: newId(), requested_by: 'u', command: { kind: 'articles.update', changes: [{ a_code: '0101001', prices: [{ level: 10, price: 5 }] }] } });
    expect(outcome).toMatchObject({ outcome: 'rejected', result: { code: 'holoo.column_missing', params: { column: 'Sel_Price10' } } });
    const bad = await apply({ kind: 'articles.update', changes: [{ a_code: '12', name: 'x' }] } as HolooCommand);
    expect(bad).toMatchObject({ outcome: 'rejected', result: { code: 'holoo.invalid_command' } });
  });

  it('creates main and sub groups with the next free codes, renames them, and creates an article with every required column filled', async () => {
    const mainGroup = await apply({ kind: 'main_group.create', name: 'لوازم آشپزخانه', warehouse_code: 2 });
    expect(mainGroup).toMatchObject({ outcome: 'applied', result: { main_code: '21', code: null } });
    const sub = await apply({ kind: 'sub_group.create', main_code: '21', name: 'قابلمه' });
    expect(sub.result).toEqual({ main_code: '21', code: '01' });
    await apply({ kind: 'sub_group.rename', main_code: '21', code: '01', name: 'قابلمه و تابه' });
    expect((await instance.company(COMPANY).readSubGroups()).find((s) => s.main_code === '21')).toMatchObject({ name: 'قابلمه و تابه' });
    expect(await apply({ kind: 'main_group.create', code: '21', name: 'تکراری' })).toMatchObject({ outcome: 'rejected', result: { code: 'holoo.group_code_taken' } });

    const first = await apply({ kind: 'article.create', article: { main_group_code: '21', sub_group_code: '01', name: 'قابلمه تفلون ۲۴', barcode: '۶۲۶۱۲۳', unit_code: 1, prices: [{ level: 1, price: 4_500_000 }] } });
    const second = await apply({ kind: 'article.create', article: { main_group_code: '21', sub_group_code: '01', name: 'تابه ۲۸' } });
    expect([first.result, second.result]).toEqual([{ a_code: '2101001' }, { a_code: '2101002' }]);
    const row = await rawRow(`select "A_Name", "A_Code_C", "Sel_Price", "PLUNo", "TypeArt", "IsActive", "Exist", "Type_Anbar_C", "KartonSelPrice" from "${COMPANY}"."ARTICLE" where "A_Code" = '2101001'`);
    expect(row).toEqual({ A_Name: 'قابلمه تفلون 24', A_Code_C: '626123', Sel_Price: 4_500_000, PLUNo: 0, TypeArt: 12, IsActive: true, Exist: 0, Type_Anbar_C: 2, KartonSelPrice: 0 });
    expect(await apply({ kind: 'article.create', article: { a_code: '2101002', main_group_code: '21', sub_group_code: '01', name: 'x' } })).toMatchObject({ result: { code: 'holoo.article_code_taken' } });
    expect(await apply({ kind: 'article.create', article: { main_group_code: '21', sub_group_code: '09', name: 'x' } })).toMatchObject({ result: { code: 'holoo.group_not_found' } });
  });
});

describe('transfer documents', () => {
  it('writes a sale (FACTURE/FACTART "F") numbered MAX+1 and lowers stock; a pre-invoice ("P") reserves without moving stock', async () => {
    const [a, b] = await instance.company(COMPANY).readArticlesByCode(['0201001', '0201002']);
    const sale = await apply({ kind: 'document.sale', document: { customer_code: '2', warehouse_code: 2, comment: 'انتقال به شعبه ۲', lines: [{ a_code: '0201001', quantity: 3, unit_price: 10_000 }, { a_code: '0201002', quantity: 1.5, unit_price: 20_000 }] } });
    expect(sale).toMatchObject({ outcome: 'applied', result: { fac_type: 'F', fac_code: '000001', fac_code_c: 1, line_count: 2, total_quantity: 4.5, total_price: 60_000 } });
    const second = await apply({ kind: 'document.sale', document: { customer_code: '00002', lines: [{ a_code: '0201001', quantity: 1, unit_price: 10_000 }] } });
    expect(second.result).toMatchObject({ fac_code: '000002', fac_code_c: 2 });
    const [a2, b2] = await instance.company(COMPANY).readArticlesByCode(['0201001', '0201002']);
    expect(a2?.stock).toBe((a?.stock ?? 0) - 4);
    expect(b2?.stock).toBe((b?.stock ?? 0) - 1.5);
    const header = await rawRow(`select "C_Code", "Sum_Price", "FNesieh", "Fac_Comment", "DateUser" from "${COMPANY}"."FACTURE" where "Fac_Code" = '000001' and "Fac_Type" = 'F'`);
    expect(header).toMatchObject({ C_Code: '00002', Sum_Price: 60_000, FNesieh: 60_000, Fac_Comment: 'انتقال به شعبه 2' });
    expect(String(header.DateUser)).toMatch(/^14\d\d\/\d\d\/\d\d$/);
    const lines = await raw.query(`select "A_Index", "A_Code", "Few_Article", "Price_BS" from "${COMPANY}"."FACTART" where "Fac_Code" = '000001' order by "A_Index"`);
    expect(lines.rows).toEqual([{ A_Index: 1, A_Code: '0201001', Few_Article: 3, Price_BS: 10_000 }, { A_Index: 2, A_Code: '0201002', Few_Article: 1.5, Price_BS: 20_000 }]);

    const pre = await apply({ kind: 'document.pre_invoice', document: { customer_code: '1', lines: [{ a_code: '0201001', quantity: 5, unit_price: 10_000 }] } });
    expect(pre.result).toMatchObject({ fac_type: 'P', fac_code: '000001' });
    expect((await rawRow(`select count(*)::int as n from "${COMPANY}"."ABAILPRE" where "Fac_Type" = 'P'`)).n).toBe(1);
    expect((await instance.company(COMPANY).readArticlesByCode(['0201001']))[0]?.stock).toBe(a2?.stock);
  });

  it('rejects lines outside the chosen warehouse and unknown customers, writing nothing', async () => {
    const wrong = await apply({ kind: 'document.sale', document: { customer_code: '2', warehouse_code: 1, lines: [{ a_code: '0201001', quantity: 1, unit_price: 1 }] } });
    expect(wrong.result).toMatchObject({ code: 'holoo.article_not_in_warehouse' });
    const unknown = await apply({ kind: 'document.sale', document: { customer_code: '99999', lines: [{ a_code: '0201001', quantity: 1, unit_price: 1 }] } });
    expect(unknown.result).toMatchObject({ code: 'holoo.customer_not_found' });
    expect((await rawRow(`select count(*)::int as n from "${COMPANY}"."FACTURE"`)).n).toBe(2);
  });
});

describe('concurrency across OS processes', () => {
  const child = fileURLToPath(new URL('./testing/apply-command.child.ts', import.meta.url));

  async function race(commands: Array<{ id: string; command: HolooCommand }>): Promise<Array<{ ok: boolean; outcome?: { outcome: string; replayed: boolean; result: unknown }; error?: string }>> {
    const processes = commands.map(({ id, command }) =>
      fork(child, [database.owner_url, COMPANY, id, 'panel-user-race', JSON.stringify(command)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const ready = processes.map((p) => new Promise<void>((resolve) => p.once('message', () => resolve())));
    await Promise.all(ready);
    const answers = processes.map((p) => new Promise<never>((resolve) => p.once('message', (m) => resolve(m as never))));
    for (const p of processes) p.send('go');
    const results = await Promise.all(answers);
    await Promise.all(processes.map((p) => new Promise((r) => (p.exitCode === null ? p.once('exit', r) : r(null)))));
    return results;
  }

  it('a command delivered to two processes at once is applied exactly once, while two other commands racing with it get their own codes', async () => {
    const id = newId();
    const create = (name: string): HolooCommand => ({ kind: 'article.create', article: { main_group_code: '03', sub_group_code: '04', name } });
    const results = await race([{ id, command: create('رقابت') }, { id, command: create('رقابت') }, { id: newId(), command: create('موازی 1') }, { id: newId(), command: create('موازی 2') }]);
    expect(results.every((r) => r.ok)).toBe(true);
    const [first, second, other1, other2] = results.map((r) => r.outcome);
    expect(first?.result).toEqual(second?.result);
    expect([first?.replayed, second?.replayed].sort()).toEqual([false, true]);
    expect((await rawRow(`select count(*)::int as n from "${COMPANY}"."ARTICLE" where "A_Name" = 'رقابت'`)).n).toBe(1);
    const codes = [first, other1, other2].map((o) => (o?.result as { a_code?: string } | undefined)?.a_code);
    expect(new Set(codes).size).toBe(3);
    expect(codes.every((c) => c?.startsWith('0304'))).toBe(true);
  });
});
