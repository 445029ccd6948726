/**
 * The T-SQL a real Holoo (SQL Server) receives, for every read and write: the adapter's real code
 * paths run on Kysely's MssqlAdapter/MssqlQueryCompiler with a driver that records each statement
 * instead of sending it (no SQL Server runs here). Answers come from a fake catalog built from the
 * research's column lists.
 */
import { Kysely } from 'kysely';
import * as Tarn from 'tarn';
import * as Tedious from 'tedious';
import { describe, expect, it } from 'vitest';
import { HolooMssqlDialect } from './mssql-compiler.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HolooInstance, mssqlDialect, type HolooCommand } from './index.js';
import { fakeInformationSchema, recordingMssql, type RecordedStatement } from './testing/index.js';

const NOW = '2026-03-21T10:15:30.123';
const COMMAND_ID = '0195f0c2-1d2e-7a3b-8c4d-5e6f7a8b9c0d';

function respond(statement: RecordedStatement): Array<Record<string, unknown>> {
  const text = statement.sql;
  if (text.includes('INFORMATION_SCHEMA.COLUMNS')) return fakeInformationSchema({ ARTICLE: ['A_codeIdTax'] });
  if (text.includes('sys.databases')) return [{ name: 'Holoo1' }, { name: 'holoo1_1404' }];
  if (text.includes('GETDATE(), 126')) return [{ now: NOW }];
  if (text.includes('@@VERSION')) return [{ version: 'Microsoft SQL Server 2014 (SP3)\n...', product_version: '12.0.6024.0' }];
  if (text.includes('sys.database_files')) return [{ size_bytes: '52428800' }];
  if (text.includes('ChaharsuAppliedCommand') && text.startsWith('select')) return [];
  if (text.includes('max(')) return [{ max_value: null, max_code: '000041', max_display: 41 }];
  if (text.includes('from [dbo].[ARTICLE] with (updlock, holdlock)') && !text.includes('max(')) {
    return statement.parameters.map((code) => ({ A_Code: code, A_Name: 'old', Exist: 10, Buy_Price: 800, A_Code_C: '626', VahedCode: 1, Type_Anbar_C: null, Sel_Price2: 1, IsActive: true }));
  }
  if (text.includes('from [dbo].[M_GROUP]')) return [{ M_groupcode: '02', M_groupname: 'x', Type_Anbar_C: 2 }];
  if (text.includes('from [dbo].[S_GROUP]')) return [{ M_groupcode: '02', S_groupcode: '01' }];
  if (text.includes('from [dbo].[CUSTOMER]')) return [{ C_Code: '00002' }];
  if (text.includes('from [dbo].[UNIT]')) return [{ Unit_Code: 1 }];
  return [];
}

function sqlServer() {
  const { db, statements } = recordingMssql(respond);
  const instance = new HolooInstance(mssqlDialect, db, () => ({ db, schema: 'dbo', close: async () => {} }), async () => {});
  const company = instance.company('Holoo1');
  /** Statements after the catalog discovery (which every first call makes). */
  const after = async <T>(fn: () => Promise<T>) => {
    await company.shape();
    await company.ensureAgentTables();
    const start = statements.length;
    const result = await fn();
    return { result, statements: statements.slice(start) };
  };
  return { instance, company, statements, after };
}

const apply = (company: ReturnType<typeof sqlServer>['company'], command: HolooCommand) =>
  company.applyHolooCommand({ command_id: COMMAND_ID, requested_by: 'panel-user-7', command });

describe('SQL Server: catalog discovery and health', () => {
  it('lists company databases through sys.databases + OBJECT_ID and reads columns with COLUMNPROPERTY', async () => {
    const { instance, statements } = sqlServer();
    await instance.listCompanyDatabases();
    expect(statements[0]?.sql).toBe(`select d.name as name from sys.databases as d
      where d.database_id > 4 and d.state_desc = 'ONLINE' and HAS_DBACCESS(d.name) = 1
        and OBJECT_ID(QUOTENAME(d.name) + N'.dbo.ARTICLE', N'U') is not null
      order by d.name`);
    const columns = statements.find((s) => s.sql.includes('INFORMATION_SCHEMA.COLUMNS'));
    expect(columns?.sql).toContain(`COLUMNPROPERTY(OBJECT_ID(QUOTENAME(c.TABLE_SCHEMA) + N'.' + QUOTENAME(c.TABLE_NAME)), c.COLUMN_NAME, 'IsIdentity') as is_identity`);
    expect(columns?.sql).toContain('where c.TABLE_SCHEMA = @1 and c.TABLE_NAME in (@2, @3, @4, @5, @6, @7, @8, @9, @10, @11, @12)');
    expect(columns?.parameters.slice(0, 3)).toEqual(['dbo', 'CompName', 'UNIT']);
    expect(statements.find((s) => s.sql.includes('[CompName]'))?.sql).toBe('select top(1) [CompName] from [dbo].[CompName] order by [CompCode]');
  });

  it('probes health with select 1, @@VERSION and sys.database_files', async () => {
    const { instance, statements } = sqlServer();
    const health = await instance.probeHealth({ timeout_ms: 1_000 });
    expect(health).toMatchObject({ reachable: true, server_version: '12.0.6024.0 Microsoft SQL Server 2014 (SP3)', database_sizes: [{ database: 'Holoo1', size_bytes: 52_428_800 }, { database: 'holoo1_1404', size_bytes: 52_428_800 }] });
    expect(statements[0]?.sql).toBe('select 1 as ok');
    expect(statements.some((s) => s.sql.includes('from sys.database_files'))).toBe(true);
  });
});

describe('SQL Server: reads', () => {
  it('pages articles with TOP and a varchar keyset, only the columns this version has (no A_codeIdTax)', async () => {
    const { company, after } = sqlServer();
    const { statements } = await after(() => company.readArticlePage({ after_code: '0101005', limit: 500, edited_since: '2026-03-01T00:00:00.000' }));
    expect(statements).toEqual([{
      sql: 'select top(500) [A_Code], [A_Name], [A_Code_C], [Sel_Price], [Sel_Price2], [Sel_Price3], [Sel_Price4], [Sel_Price5], [Sel_Price6], [Sel_Price7], [Sel_Price8], [Sel_Price9], [Sel_Price10], [Exist], [A_Min], [A_Max], [VahedCode], [Type_Anbar_C], [IsActive], [Delete], [Creation_Date], [Endeditdate] from [dbo].[ARTICLE] where [A_Code] > CAST(@1 as varchar(7)) and COALESCE([Endeditdate], [Creation_Date]) >= CAST(@2 as datetime) order by [A_Code]',
      parameters: ['0101005', '2026-03-01T00:00:00.000'],
    }]);
    // Keyset paging, not OFFSET … FETCH: OFFSET makes SQL Server read and skip every earlier row of a 50,000-row table.
    expect(statements[0]?.sql).not.toMatch(/offset|fetch/i);
  });

  it('reads groups, units, warehouses with bracket-quoted names', async () => {
    const { company, after } = sqlServer();
    const { statements } = await after(async () => {
      await company.readMainGroups();
      await company.readSubGroups();
      await company.readUnits();
      await company.readWarehouses();
      await company.readArticlesByCode(['0101001', '0101002']);
    });
    expect(statements.map((s) => s.sql)).toEqual([
      'select [M_groupcode], [M_groupname], [Type_Anbar_C], [Endeditdate] from [dbo].[M_GROUP] order by [M_groupcode]',
      'select [M_groupcode], [S_groupcode], [S_groupname], [Endeditdate] from [dbo].[S_GROUP] order by [M_groupcode], [S_groupcode]',
      'select [Unit_Code], [Unit_Name] from [dbo].[UNIT] order by [Unit_Code]',
      'select [Type_Anbar_C], [Type_Anbar_N], [ParentType_C] from [dbo].[TYPE_ANB] order by [Type_Anbar_C]',
      expect.stringMatching(/^select \[A_Code\], .* from \[dbo\]\.\[ARTICLE\] where \[A_Code\] in \(CAST\(@1 as varchar\(7\)\), CAST\(@2 as varchar\(7\)\)\) order by \[A_Code\]$/),
    ]);
  });
});

describe('SQL Server: exactly-once commands', () => {
  it('updates articles in one transaction: lock timeout, UPDLOCK/HOLDLOCK lookups, identical values in one IN-list UPDATE, distinct values in one VALUES-join UPDATE, change log, applied-command row', async () => {
    const { company, after } = sqlServer();
    const { statements, result } = await after(() => apply(company, {
      kind: 'articles.update',
      changes: [
        { a_code: '0101001', name: 'کیک ۱۲ عددی', prices: [{ level: 2, price: 5_000 }] },
        { a_code: '0101002', is_active: false },
        { a_code: '0101003', is_active: false },
        { a_code: '0101004', prices: [{ level: 2, price: 7_000 }] },
        { a_code: '0101005', prices: [{ level: 2, price: 8_000 }] },
      ],
    }));
    expect(result).toMatchObject({ outcome: 'applied', replayed: false, result: { updated: 5, unchanged: 0 } });
    const text = statements.map((s) => s.sql.replace(/\s+/g, ' '));
    expect(text).toEqual([
      'select command_id, command_kind, outcome, result, requested_by, applied_at from [dbo].[ChaharsuAppliedCommand] where command_id = @1',
      'begin transaction',
      'SET LOCK_TIMEOUT 10000',
      'select command_id, command_kind, outcome, result, requested_by, applied_at from [dbo].[ChaharsuAppliedCommand] with (updlock, holdlock) where command_id = @1',
      'select [A_Code], [A_Name], [Sel_Price2], [IsActive] from [dbo].[ARTICLE] with (updlock, holdlock) where [A_Code] in (CAST(@1 as varchar(7)), CAST(@2 as varchar(7)), CAST(@3 as varchar(7)), CAST(@4 as varchar(7)), CAST(@5 as varchar(7)))',
      'update [dbo].[ARTICLE] set [IsActive] = @1, [Endeditdate] = CURRENT_TIMESTAMP where [A_Code] in (CAST(@2 as varchar(7)), CAST(@3 as varchar(7)))',
      'update t set [A_Name] = [v].[A_Name], [Sel_Price2] = [v].[Sel_Price2], [Endeditdate] = CURRENT_TIMESTAMP from [dbo].[ARTICLE] as t join (values (CAST(@1 as varchar(7)), CAST(@2 as nvarchar(255)), CAST(@3 as float))) as v([A_Code], [A_Name], [Sel_Price2]) on [t].[A_Code] = [v].[A_Code]',
      'update t set [Sel_Price2] = [v].[Sel_Price2], [Endeditdate] = CURRENT_TIMESTAMP from [dbo].[ARTICLE] as t join (values (CAST(@1 as varchar(7)), CAST(@2 as float)), (CAST(@3 as varchar(7)), CAST(@4 as float))) as v([A_Code], [Sel_Price2]) on [t].[A_Code] = [v].[A_Code]',
      'insert into [dbo].[ChaharsuChangeLog] ([command_id], [requested_by], [table_name], [row_key], [change_kind], [before_json], [after_json]) values (@1, @2, @3, @4, @5, @6, @7), (@8, @9, @10, @11, @12, @13, @14), (@15, @16, @17, @18, @19, @20, @21), (@22, @23, @24, @25, @26, @27, @28), (@29, @30, @31, @32, @33, @34, @35)',
      'insert into [dbo].[ChaharsuAppliedCommand] ([command_id], [command_kind], [outcome], [result], [requested_by]) values (@1, @2, @3, @4, @5)',
      'commit',
    ]);
    // Arabic ي/ك and Latin digits go to the varchar column.
    expect(statements[5]?.parameters).toEqual([false, '0101002', '0101003']);
    expect(statements[6]?.parameters).toEqual(['0101001', 'كيك 12 عددي', 5_000]);
    expect(statements[7]?.parameters).toEqual(['0101004', 7_000, '0101005', 8_000]);
    expect(statements[9]?.parameters).toEqual([COMMAND_ID, 'articles.update', 'applied', '{"updated":5,"unchanged":0}', 'panel-user-7']);
  });

  it('creates an article: next serial by MAX under UPDLOCK/HOLDLOCK, every NOT NULL column without default given its zero, identity left out', async () => {
    const { company, after } = sqlServer();
    const { statements, result } = await after(() => apply(company, { kind: 'article.create', article: { main_group_code: '02', sub_group_code: '01', name: 'پیک نیک', unit_code: 1 } }));
    expect(result).toMatchObject({ outcome: 'applied', result: { a_code: '0201001' } });
    const max = statements.find((s) => s.sql.includes('max('));
    expect(max?.sql.replace(/\s+/g, ' ')).toBe('select max([A_Code]) as max_value from [dbo].[ARTICLE] with (updlock, holdlock) where [A_Code] >= CAST(@1 as varchar(7)) and [A_Code] <= CAST(@2 as varchar(7))');
    expect(max?.parameters).toEqual(['0201000', '0201999']);
    const insert = statements.find((s) => s.sql.startsWith('insert into [dbo].[ARTICLE]'));
    expect(insert?.sql).toBe(
      'insert into [dbo].[ARTICLE] ([A_Code], [A_Name], [VahedCode], [IsActive], [Delete], [Exist], [First_exist], [Type_Anbar_C], [Creation_Date], [Endeditdate], '
      + '[Include_Tax], [PLUNo], [ReqRadifForAhan], [Check_Resting], [PriceTakhfif], [WeightUnit], [Choice], [WebId], [Synced], [SendToSite], [KartonSelPrice], [A_MinReq], [A_MaxReq], [Sigar_Levy], [Sigar_Scot]) '
      + 'values (@1, @2, @3, @4, @5, @6, @7, @8, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, @9, @10, @11, @12, @13, @14, @15, @16, @17, @18, @19, @20, @21, @22, @23)',
    );
    expect(insert?.parameters).toEqual(['0201001', 'پيك نيك', 1, true, false, 0, 0, 2, false, 0, false, false, 0, 0, false, 0, false, 0, 0, 0, 0, 0, 0]);
  });

  it('creates a main group with the next code under UPDLOCK/HOLDLOCK', async () => {
    const { company, after } = sqlServer();
    const { statements } = await after(() => apply(company, { kind: 'main_group.create', name: 'گروه تازه' }));
    expect(statements.find((s) => s.sql.includes('max('))?.sql.replace(/\s+/g, ' ')).toBe('select max([M_groupcode]) as max_value from [dbo].[M_GROUP] with (updlock, holdlock) where 1 = 1');
    expect(statements.find((s) => s.sql.startsWith('insert into [dbo].[M_GROUP]'))?.sql).toBe(
      'insert into [dbo].[M_GROUP] ([M_groupcode], [M_groupname], [Creation_Date], [Endeditdate], [PriceTakhfif], [Choice]) values (@1, @2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, @3, @4)',
    );
  });

  it('writes a sale: Fac_Code MAX+1 under UPDLOCK/HOLDLOCK per Fac_Type, FACTURE + FACTART, Exist lowered', async () => {
    const { company, after } = sqlServer();
    const { statements, result } = await after(() => apply(company, { kind: 'document.sale', document: { customer_code: '2', lines: [{ a_code: '0201001', quantity: 2, unit_price: 1_000 }] } }));
    expect(result).toMatchObject({ outcome: 'applied', result: { fac_type: 'F', fac_code: '000042', fac_code_c: 42 } });
    const text = statements.map((s) => s.sql.replace(/\s+/g, ' '));
    expect(text).toContain('select max([Fac_Code]) as max_code, max([Fac_Code_C]) as max_display from [dbo].[FACTURE] with (updlock, holdlock) where [Fac_Type] = CAST(@1 as varchar(1))');
    expect(text).toContain('select CONVERT(varchar(23), GETDATE(), 126) as now');
    const header = statements.find((s) => s.sql.startsWith('insert into [dbo].[FACTURE]'));
    expect(header?.sql).toContain('[Fac_Date], [Fac_Time]');
    expect(header?.sql).toContain('CAST(@5 as datetime), CAST(@6 as datetime)');
    expect(header?.parameters.slice(0, 6)).toEqual(['000042', 'F', 42, '00002', '2026-03-21T00:00:00.000', '1900-01-01T10:15:30.123']);
    expect(header?.parameters).toContain('1405/01/01');
    expect(text).toContain('update [dbo].[ARTICLE] set [Exist] = COALESCE([Exist], 0) - @1 where [A_Code] = CAST(@2 as varchar(7))');
    expect(statements.some((s) => s.sql.startsWith('insert into [dbo].[FACTART]'))).toBe(true);
  });

  it('writes a pre-invoice into FBAILPRE/ABAILPRE with Fac_Type P and leaves Exist alone', async () => {
    const { company, after } = sqlServer();
    const { statements } = await after(() => apply(company, { kind: 'document.pre_invoice', document: { customer_code: '2', lines: [{ a_code: '0201001', quantity: 2, unit_price: 1_000 }] } }));
    const text = statements.map((s) => s.sql.replace(/\s+/g, ' '));
    expect(text).toContain('select max([Fac_Code]) as max_code, max([Fac_Code_C]) as max_display from [dbo].[FBAILPRE] with (updlock, holdlock) where [Fac_Type] = CAST(@1 as varchar(1))');
    expect(statements.find((s) => s.sql.startsWith('insert into [dbo].[ABAILPRE]'))?.parameters.slice(0, 4)).toEqual(['000042', 'P', '0201001', 1]);
    expect(text.some((s) => s.includes('[Exist] = COALESCE'))).toBe(false);
  });
});

describe('the production dialect', () => {
  it('quotes with brackets (valid whatever QUOTED_IDENTIFIER is) and doubles a closing bracket', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const db = new Kysely<any>({
      dialect: new HolooMssqlDialect({
        tarn: { ...Tarn, options: { min: 0, max: 1 } },
        tedious: { ...Tedious, connectionFactory: () => { throw new Error('compile only'); } },
      }),
    });
    const compiled = db.withSchema('dbo').selectFrom('ARTICLE').select(['A_Code', 'Delete', 'odd]name']).where('A_Code', '=', '0101001').compile();
    expect(compiled.sql).toBe('select [A_Code], [Delete], [odd]]name] from [dbo].[ARTICLE] where [A_Code] = @1');
  });
});

describe('agent-owned tables', () => {
  it('creates them only when missing, and the login script carries the same DDL', () => {
    const ddl = mssqlDialect.agentTablesDdl('dbo');
    expect(ddl[0]).toMatch(/^IF OBJECT_ID\(N'\[dbo\]\.\[ChaharsuAppliedCommand\]', N'U'\) IS NULL\nCREATE TABLE/);
    // In the script the DDL sits inside N'…' strings, with its quotes doubled.
    const script = readFileSync(fileURLToPath(new URL('../sql/create-agent-login.sql', import.meta.url)), 'utf8').replace(/''/g, "'");
    for (const statement of ddl) expect(script).toContain(statement);
  });
});
