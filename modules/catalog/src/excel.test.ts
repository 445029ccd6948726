import { describe, it, expect } from 'vitest';
import ExcelJS from 'exceljs';
import { declaredUncompressedBytes, normaliseCell, readProductSheet, writeProductSheet } from './excel.js';
import { normaliseCode } from './codes.js';

async function workbookWith(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet('Sheet1');
  for (const row of rows) ws.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('the product sheet', () => {
  it('reads Persian or English headers and normalises every cell (digits, letter forms, invisible marks)', async () => {
    const file = await workbookWith([
      ['Code', 'نام', 'Unit', 'قیمت ۳', 'ignored column'],
      ['۱۲۳\u200f', 'كيك يزدي', 'عدد', 1500000, 'x'],
      [],
      ['A-2', 'چای', null, null, null],
    ]);
    const { columns, rows } = await readProductSheet(file);
    expect(columns).toEqual(['code', 'name', 'unit', 'price_3']);
    expect(rows).toEqual([
      { row: 2, cells: { code: '123', name: 'کیک یزدی', unit: 'عدد', price_3: '1500000' } },
      { row: 4, cells: { code: 'A-2', name: 'چای' } },
    ]);
  });

  it('refuses a sheet without a code column, a file that is not xlsx, and a zip that claims too much uncompressed data', async () => {
    await expect(readProductSheet(await workbookWith([['نام'], ['x']]))).rejects.toMatchObject({ code: 'catalog.import_file_invalid' });
    await expect(readProductSheet(Buffer.from('not a spreadsheet at all, just text'))).rejects.toMatchObject({ code: 'catalog.import_file_invalid' });
    const file = await workbookWith([['code'], ['1']]);
    expect(declaredUncompressedBytes(file)).toBeGreaterThan(0);
    // Forge the central directory's uncompressed size of the first entry to 4 GB - 1: a zip bomb's claim.
    const forged = Buffer.from(file);
    const end = forged.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const central = forged.readUInt32LE(end + 16);
    forged.writeUInt32LE(0xffffffff, central + 24);
    await expect(readProductSheet(forged)).rejects.toMatchObject({ code: 'common.payload_too_large' });
  });

  it('writes a right-to-left Persian sheet that reads back to the same rows', async () => {
    async function* one() {
      yield [{ code: 'P-1', name: 'شیر', unit: 'عدد', category: 'لبنیات', barcodes: ['111', '222'], is_active: true, prices: new Map([[1, 450000], [10, 400000]]) }];
    }
    const file = await writeProductSheet(one(), 'fa');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets[0]?.views[0]?.rightToLeft).toBe(true);
    const { rows } = await readProductSheet(file);
    expect(rows[0]?.cells).toEqual({ code: 'P-1', name: 'شیر', unit: 'عدد', category: 'لبنیات', barcodes: '111, 222', is_active: '1', price_1: '450000', price_10: '400000' });
  });
});

describe('code normalisation', () => {
  it('makes what a scanner types under any keyboard layout comparable', () => {
    expect(normaliseCode('۶۲۶۰\u200e۱۲۳\r\n')).toBe('6260123');
    expect(normaliseCode(' sku-ab٣ ')).toBe('SKU-AB3');
    expect(normaliseCell('  كتاب   ي ')).toBe('کتاب ی');
  });
});
