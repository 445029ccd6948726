/**
 * The Holoo tables this package reads and writes, as the public record shows them
 * (`shared/research/holoo-schema.md`, SQL Server types). One definition serves three purposes:
 * the simulator's PostgreSQL DDL (types mapped), the fake INFORMATION_SCHEMA answers of the
 * SQL Server compile tests, and documentation. Queries never rely on it: the adapter discovers the
 * real columns of each database at runtime (Holoo's columns differ by version).
 *
 * Types of the NOT NULL columns marked "type guessed" are not shown by any public source; they are
 * only here so the simulator has NOT NULL columns without defaults, like a real Holoo database.
 */
export type SqlServerType =
  | { kind: 'varchar' | 'nvarchar'; length: number | 'max' }
  | { kind: 'int' | 'smallint' | 'tinyint' | 'bigint' | 'float' | 'bit' | 'datetime' | 'uniqueidentifier' };

export type ColumnDefault = { kind: 'number'; value: number } | { kind: 'text'; value: string } | { kind: 'now' };

export interface ColumnDefinition {
  name: string;
  type: SqlServerType;
  nullable: boolean;
  default?: ColumnDefault;
  identity?: boolean;
}

export interface TableDefinition {
  name: string;
  columns: ColumnDefinition[];
  primary_key: string[];
}

const vc = (length: number | 'max') => ({ kind: 'varchar', length }) as const;
const nvc = (length: number | 'max') => ({ kind: 'nvarchar', length }) as const;
const t = (kind: 'int' | 'smallint' | 'tinyint' | 'bigint' | 'float' | 'bit' | 'datetime' | 'uniqueidentifier') => ({ kind }) as const;

function col(name: string, type: SqlServerType, nullable = true, extra: Partial<ColumnDefinition> = {}): ColumnDefinition {
  return { name, type, nullable, ...extra };
}

/** NOT NULL without a default: an INSERT must give a value (the adapter fills the type's zero value). */
const required = (name: string, type: SqlServerType) => col(name, type, false);
const num = (value: number): ColumnDefault => ({ kind: 'number', value });

const priceLevels = ['Sel_Price', ...Array.from({ length: 9 }, (_, i) => `Sel_Price${i + 2}`)];

export const ARTICLE: TableDefinition = {
  name: 'ARTICLE',
  primary_key: ['A_Code'],
  columns: [
    col('A_Code', vc(7), false),
    col('A_Code_C', vc(50), true, { default: { kind: 'text', value: '' } }),
    col('A_Name', vc(255)),
    col('Model', vc(50)),
    col('Attribute', nvc(4000)),
    ...priceLevels.map((name) => col(name, t('float'))),
    col('Buy_Price', t('float')),
    col('EndBuy_Price', t('float')),
    col('First_exist', t('float')),
    col('Exist', t('float')),
    col('A_Min', t('float')),
    col('A_Max', t('float')),
    col('VahedCode', t('int')),
    col('Karton', t('float')),
    col('Type_Anbar_C', t('smallint')),
    col('IsActive', t('bit'), false, { default: num(1) }),
    col('Delete', t('bit')),
    col('A_codeIdTax', vc(50)),
    col('Creation_Date', t('datetime')),
    col('Endeditdate', t('datetime')),
    col('IncField', t('int'), false, { identity: true }),
    col('TypeArt', t('int'), false, { default: num(12) }),
    col('TimeService', t('int'), false, { default: num(30) }),
    col('ArtForKiosk', t('bit'), false, { default: num(1) }),
    col('FilterGroupId', nvc(3000), false, { default: { kind: 'text', value: '' } }),
    required('Include_Tax', t('bit')),
    required('PLUNo', t('int')),
    required('ReqRadifForAhan', t('bit')), // type guessed
    required('Check_Resting', t('bit')), // type guessed
    required('PriceTakhfif', t('float')),
    required('WeightUnit', t('smallint')), // type guessed
    required('Choice', t('bit')),
    required('WebId', t('int')),
    required('Synced', t('bit')),
    required('SendToSite', t('smallint')),
    required('KartonSelPrice', t('float')),
    required('A_MinReq', t('float')),
    required('A_MaxReq', t('float')),
    required('Sigar_Levy', t('float')),
    required('Sigar_Scot', t('float')),
  ],
};

export const M_GROUP: TableDefinition = {
  name: 'M_GROUP',
  primary_key: ['M_groupcode'],
  columns: [
    col('M_groupcode', vc(2), false),
    col('M_groupname', nvc(80)),
    col('Type_Anbar_C', t('smallint')),
    col('Selected', t('bit')),
    col('MNegative_Sel', t('bit')),
    col('Creation_Date', t('datetime')),
    col('Endeditdate', t('datetime')),
    required('PriceTakhfif', t('float')),
    required('Choice', t('bit')),
  ],
};

export const S_GROUP: TableDefinition = {
  name: 'S_GROUP',
  primary_key: ['M_groupcode', 'S_groupcode'],
  columns: [
    col('M_groupcode', vc(2), false),
    col('S_groupcode', vc(2), false),
    col('S_groupname', vc(80)),
    col('Selected', t('bit')),
    col('SNegative_Sel', t('bit')),
    col('Creation_Date', t('datetime')),
    col('Endeditdate', t('datetime')),
    required('PriceTakhfif', t('float')),
    required('Choice', t('bit')),
  ],
};

export const UNIT: TableDefinition = {
  name: 'UNIT',
  primary_key: ['Unit_Code'],
  columns: [col('Unit_Code', t('int'), false), col('Unit_Name', vc(50)), col('Unit_Few', t('float')), col('Ayar', t('float')), col('Vahed_Vazn', t('smallint'))],
};

export const TYPE_ANB: TableDefinition = {
  name: 'TYPE_ANB',
  primary_key: ['Type_Anbar_C'],
  columns: [col('Type_Anbar_C', t('smallint'), false), col('Type_Anbar_N', vc(50)), col('ParentType_C', t('smallint'))],
};

export const COMP_NAME: TableDefinition = {
  name: 'CompName',
  primary_key: ['CompCode'],
  columns: [col('CompCode', t('int'), false), col('CompName', vc(100))],
};

export const CUSTOMER: TableDefinition = {
  name: 'CUSTOMER',
  primary_key: ['C_Code'],
  columns: [col('C_Code', vc(5), false), col('C_Name', vc(60)), col('Delete', t('bit'))],
};

const documentHeaderCommon = [
  col('Fac_Code', vc(6), false),
  col('Fac_Type', vc(1), false),
  col('Fac_Code_C', t('int')),
  col('C_Code', vc(5)),
  col('Fac_Date', t('datetime')),
  col('Fac_Time', t('datetime')),
  col('Sum_Price', t('float')),
  col('Fac_Comment', nvc(4000)),
  col('UserCode', t('int')),
];

export const FACTURE: TableDefinition = {
  name: 'FACTURE',
  primary_key: ['Fac_Code', 'Fac_Type'],
  columns: [
    ...documentHeaderCommon,
    col('Sum_Few', t('float')),
    col('FNaghd', t('float')),
    col('FNesieh', t('float')),
    col('Takhfif', t('float')),
    col('Sanad_Code', t('int')),
    col('Delete', t('bit')),
    col('DateUser', nvc(10)),
    col('TimeUser', nvc(8)),
    col('Creation_Date', t('datetime')),
    required('FCode_ChangeGold', t('int')), // type guessed
    required('Choice', t('bit')),
    required('SayerAvarez', t('float')), // type guessed
    required('HazHamlFact', t('float')), // type guessed
    required('FBon', t('float')),
    required('OrderId', t('int')),
    required('IsAnb', t('bit')),
    required('Sum_Sigar_Levy', t('float')),
    required('Sum_Sigar_Scot', t('float')),
  ],
};

const documentLineCommon = [
  col('Fac_Code', vc(6), false),
  col('Fac_Type', vc(1), false),
  col('A_Code', vc(7), false),
  col('A_Index', t('smallint'), false),
  col('Few_Article', t('float')),
  col('Price_BS', t('float')),
  col('VahedCode', t('smallint')),
  col('DarsadTakhfif', t('float')),
  col('ACode_C', vc(50)),
];

export const FACTART: TableDefinition = {
  name: 'FACTART',
  primary_key: ['Fac_Code', 'Fac_Type', 'A_Code', 'A_Index'],
  columns: [
    ...documentLineCommon,
    col('FacArtic_Comment', nvc(4000)),
    col('Buy_Price', t('float')),
    col('ArtExist', t('float')),
    col('Levy', t('float')),
    col('Scot', t('float')),
    required('GDarsadSoodF', t('float')),
    required('Ojrat_Price', t('float')),
    required('HazineHamlPrice', t('float')),
    required('PricePay', t('float')),
    required('Cust_Porsant', t('float')),
    required('EndBuy_Price', t('float')),
    required('Sigar_Levy', t('float')),
    required('Sigar_Scot', t('float')),
  ],
};

export const FBAILPRE: TableDefinition = { name: 'FBAILPRE', primary_key: ['Fac_Code', 'Fac_Type'], columns: [...documentHeaderCommon] };

export const ABAILPRE: TableDefinition = {
  name: 'ABAILPRE',
  primary_key: ['Fac_Code', 'Fac_Type', 'A_Code', 'A_Index'],
  columns: [...documentLineCommon, col('First_Article', t('float')), col('Unit_Few', t('float'))],
};

/** Every Holoo table the simulator creates, in creation order. */
export const HOLOO_TABLES: readonly TableDefinition[] = [COMP_NAME, UNIT, TYPE_ANB, M_GROUP, S_GROUP, ARTICLE, CUSTOMER, FACTURE, FACTART, FBAILPRE, ABAILPRE];

/** Column names of the ten price levels, level 1 first (Holoo: سطح قیمت ۱..۱۰). */
export const PRICE_LEVEL_COLUMNS: readonly string[] = priceLevels;
