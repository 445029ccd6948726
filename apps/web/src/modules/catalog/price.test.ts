import { describe, expect, it } from 'vitest';
import { parseBarcodes, parsePriceToRial, parseQuantity, pricesFromInputs, rialToInput } from './price';
import { buildCategoryTree, categoryOptions, categoryPath } from './category-tree';

describe('prices typed in the person’s unit', () => {
  it('reads Persian digits and separators in Toman as Rial', () => {
    expect(parsePriceToRial('۱۲٬۵۰۰', 'toman')).toBe(125_000);
    expect(parsePriceToRial('12,500', 'rial')).toBe(12_500);
    expect(parsePriceToRial('0', 'rial')).toBe(0);
    expect(parsePriceToRial('  ', 'toman')).toBeNull();
    expect(parsePriceToRial('12.5', 'toman')).toBeUndefined();
    expect(parsePriceToRial('-5', 'rial')).toBeUndefined();
  });
  it('turns the ten boxes into levels and names the first bad one', () => {
    expect(pricesFromInputs({ 1: '۱۰۰', 3: '', 4: '۲۰' }, 'toman')).toEqual({ prices: [{ level: 1, amount_rial: 1000 }, { level: 4, amount_rial: 200 }], invalid_level: null });
    expect(pricesFromInputs({ 1: '۱۰۰', 2: 'x' }, 'rial').invalid_level).toBe(2);
    expect(rialToInput(125_000, 'toman')).toBe('12500');
  });
  it('splits barcodes and quantities', () => {
    expect(parseBarcodes('123\n456، 123,,789')).toEqual(['123', '456', '789']);
    expect(parseQuantity('۲٫۵')).toBe(2.5);
    expect(parseQuantity('')).toBeNull();
    expect(parseQuantity('1.2345')).toBeUndefined();
  });
});

describe('category tree', () => {
  const items = [
    { id: 'b', parent_id: 'a', name: 'Dairy', path_ids: ['a', 'b'], depth: 1, sort_order: 0 },
    { id: 'a', parent_id: null, name: 'Food', path_ids: ['a'], depth: 0, sort_order: 0 },
    { id: 'c', parent_id: 'b', name: 'Milk', path_ids: ['a', 'b', 'c'], depth: 2, sort_order: 0 },
  ];
  it('nests any depth and labels options with the full path', () => {
    expect(buildCategoryTree(items)[0]?.children[0]?.children[0]?.id).toBe('c');
    expect(categoryPath(items, 'c')).toBe('Food / Dairy / Milk');
    expect(categoryOptions(items).map((o) => o.value)).toEqual(['a', 'b', 'c']);
    expect(categoryOptions(items, 'b').map((o) => o.value)).toEqual(['a']);
  });
});

describe('import report', () => {
  it('counts the rows without errors once per row', async () => {
    const { validRowCount } = await import('./import-file');
    expect(validRowCount({ total_rows: 5, errors: [{ row: 2, column: 'A', code: 'x' }, { row: 2, column: 'B', code: 'y' }, { row: 4, column: null, code: 'z' }] })).toBe(3);
  });
});
