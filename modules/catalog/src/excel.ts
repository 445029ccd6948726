/**
 * The product sheet: one header row, one product per row. Headers are matched in Persian or English
 * (the export writes Persian or English by locale, so an exported file imports back as is).
 * exceljs@4.4.0 reads and writes it (SheetJS `xlsx` on npm is frozen with known CVEs).
 */
import ExcelJS from 'exceljs';
import { AppError, normaliseForSearch, toLatinDigits, toPersianLetters } from '@chaharsu/kit';
import './catalog.errors.js';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** The sum of uncompressed part sizes a file may claim (a zip bomb stops here, before parsing). */
export const MAX_IMPORT_UNCOMPRESSED_BYTES = 100 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;

export type SheetColumn = 'code' | 'name' | 'unit' | 'category' | 'barcodes' | 'is_active' | `price_${number}`;

const PRICE_LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

export const COLUMN_LABELS: Record<'fa' | 'en', Record<string, string>> = {
  fa: {
    code: 'کد کالا', name: 'نام کالا', unit: 'واحد', category: 'گروه', barcodes: 'بارکدها', is_active: 'فعال',
    ...Object.fromEntries(PRICE_LEVELS.map((l) => [`price_${l}`, `قیمت ${l}`])),
  },
  en: {
    code: 'Code', name: 'Name', unit: 'Unit', category: 'Category', barcodes: 'Barcodes', is_active: 'Active',
    ...Object.fromEntries(PRICE_LEVELS.map((l) => [`price_${l}`, `Price ${l}`])),
  },
};

const ALIASES: Record<string, string[]> = {
  code: ['کد', 'کد کالا', 'code', 'sku'],
  name: ['نام', 'نام کالا', 'name'],
  unit: ['واحد', 'unit'],
  category: ['گروه', 'دسته', 'دسته بندی', 'category'],
  barcodes: ['بارکد', 'بارکدها', 'barcode', 'barcodes'],
  is_active: ['فعال', 'active', 'is_active'],
  ...Object.fromEntries(PRICE_LEVELS.map((l) => [`price_${l}`, [`قیمت ${l}`, `price ${l}`, `price_${l}`]])),
};

const columnByHeader = new Map<string, string>();
for (const [column, names] of Object.entries(ALIASES)) for (const name of names) columnByHeader.set(normaliseForSearch(name), column);

export interface SheetRow {
  /** 1-based row number in the sheet, as the user sees it in Excel. */
  row: number;
  cells: Partial<Record<string, string>>;
}

/** Reads a 32-bit little-endian unsigned integer. */
function u32(buffer: Buffer, at: number): number {
  return buffer.readUInt32LE(at);
}

/** Sums the uncompressed sizes the zip's central directory declares (xlsx is a zip). */
export function declaredUncompressedBytes(buffer: Buffer): number {
  const minEnd = Math.max(0, buffer.length - 65_557);
  let end = -1;
  for (let i = buffer.length - 22; i >= minEnd; i--) {
    if (u32(buffer, i) === 0x06054b50) { end = i; break; }
  }
  if (end < 0) throw new AppError('catalog.import_file_invalid');
  const entries = buffer.readUInt16LE(end + 10);
  let at = u32(buffer, end + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > buffer.length || u32(buffer, at) !== 0x02014b50) throw new AppError('catalog.import_file_invalid');
    total += u32(buffer, at + 24);
    at += 46 + buffer.readUInt16LE(at + 28) + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
  }
  return total;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
  }
  return '';
}

/** Per cell: Latin digits, Persian letter forms, no invisible marks, trimmed. */
export function normaliseCell(text: string): string {
  return toPersianLetters(toLatinDigits(text)).replace(/[\u200e\u200f\u202a-\u202e\ufeff]/g, '').replace(/\s+/g, ' ').trim();
}

export async function readProductSheet(file: Buffer): Promise<{ columns: string[]; rows: SheetRow[] }> {
  if (file.length > MAX_IMPORT_BYTES) throw new AppError('common.payload_too_large', { max_bytes: MAX_IMPORT_BYTES });
  if (declaredUncompressedBytes(file) > MAX_IMPORT_UNCOMPRESSED_BYTES) throw new AppError('common.payload_too_large', { max_bytes: MAX_IMPORT_UNCOMPRESSED_BYTES });
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ExcelJS.Buffer);
  } catch {
    throw new AppError('catalog.import_file_invalid');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new AppError('catalog.import_file_invalid');
  if (sheet.actualRowCount - 1 > MAX_IMPORT_ROWS) throw new AppError('catalog.import_too_many_rows', { max_rows: MAX_IMPORT_ROWS });
  const header = sheet.getRow(1);
  const columnAt = new Map<number, string>();
  header.eachCell((cell, index) => {
    const column = columnByHeader.get(normaliseForSearch(cellText(cell.value)));
    if (column) columnAt.set(index, column);
  });
  const columns = [...columnAt.values()];
  if (!columns.includes('code')) throw new AppError('catalog.import_file_invalid', { missing_column: 'code' });
  const rows: SheetRow[] = [];
  sheet.eachRow((row, number) => {
    if (number === 1) return;
    const cells: SheetRow['cells'] = {};
    let any = false;
    for (const [index, column] of columnAt) {
      const text = normaliseCell(cellText(row.getCell(index).value));
      if (text) { cells[column] = text; any = true; }
    }
    if (any) rows.push({ row: number, cells });
  });
  return { columns, rows };
}

export interface ExportProduct {
  code: string; name: string; unit: string; category: string; barcodes: string[]; is_active: boolean; prices: Map<number, number>;
}

/** Writes the product sheet; right-to-left for Persian and Arabic readers. */
export async function writeProductSheet(products: AsyncIterable<ExportProduct[]>, locale: string): Promise<Buffer> {
  const language = locale === 'en' ? 'en' : 'fa';
  const labels = COLUMN_LABELS[language];
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Chaharsu';
  const sheet = workbook.addWorksheet(language === 'fa' ? 'کالاها' : 'Products', { views: [{ rightToLeft: language === 'fa', state: 'frozen', ySplit: 1 }] });
  sheet.columns = Object.entries(labels).map(([key, header]) => ({
    key, header, width: key === 'name' ? 40 : key === 'category' || key === 'barcodes' ? 28 : 14,
    ...(key.startsWith('price_') ? { style: { numFmt: '#,##0' } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  for await (const batch of products) {
    for (const p of batch) {
      sheet.addRow({
        code: p.code, name: p.name, unit: p.unit, category: p.category, barcodes: p.barcodes.join(', '), is_active: p.is_active ? 1 : 0,
        ...Object.fromEntries([...p.prices].map(([level, amount]) => [`price_${level}`, amount])),
      });
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
