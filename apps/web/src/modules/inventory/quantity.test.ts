import { describe, expect, it } from 'vitest';
import { formatQuantity, parseMinimum } from './quantity';
import { itemMinimum } from './inventory.api';

describe('quantities', () => {
  it('shows up to three decimals in the reader’s digits and reads Persian input', () => {
    expect(formatQuantity(2.5, 'en')).toBe('2.5');
    expect(formatQuantity(1200, 'fa')).toBe('۱٬۲۰۰');
    expect(parseMinimum('۱۲٫۵')).toBe(12.5);
    expect(parseMinimum(' ')).toBeNull();
    expect(parseMinimum('-1')).toBeUndefined();
  });
  it('reads the item-wide minimum from a row without a warehouse override', () => {
    const row = { warehouse_id: 'w', item_id: 'i', product_id: 'p', variant_id: null, code: 'c', name: 'n', unit: 'u', quantity: 1, last_movement_at: null, updated_at: '' };
    expect(itemMinimum([{ ...row, min_quantity: 7, min_quantity_override: 7 }, { ...row, warehouse_id: 'v', min_quantity: 3, min_quantity_override: null }], 'i')).toBe(3);
    expect(itemMinimum([{ ...row, min_quantity: 7, min_quantity_override: 7 }], 'i')).toBeNull();
  });
});
