import { describe, expect, it } from 'vitest';
import { formatDate, formatNumber, formatPhone, localiseDigits, moneyNumber, normaliseIranianMobile, toLatinDigits } from './format';
import { jalaliDayEndIso, jalaliDayStartIso, parseJalaliDate } from './jalali';
import { keyToken } from './shortcuts';
import { changedFields } from '../modules/audit/audit-diff';
import { entriesFromFile } from '../modules/content/import-file';
import { organisationToOpen } from '../app/org-entry';

describe('digits and numbers', () => {
  it('reads Persian and Arabic digits as Latin, and writes them back per language', () => {
    expect(toLatinDigits('۰۹۱۲-٣٤٥')).toBe('0912-345');
    expect(localiseDigits('1404/01/15', 'fa')).toBe('۱۴۰۴/۰۱/۱۵');
    expect(localiseDigits('15', 'ar')).toBe('١٥');
    expect(localiseDigits('15', 'en')).toBe('15');
    expect(formatNumber(1250000, 'fa')).toBe('۱٬۲۵۰٬۰۰۰');
    expect(formatNumber(1250000, 'en')).toBe('1,250,000');
  });
});

describe('money (integer Rial)', () => {
  it('shows Rial as stored and Toman as a tenth, without floating point', () => {
    expect(moneyNumber(12_500_000, 'rial', 'en')).toBe('12,500,000');
    expect(moneyNumber(12_500_000, 'toman', 'en')).toBe('1,250,000');
    expect(moneyNumber(12_500_005, 'toman', 'en')).toBe('1,250,000.5');
    expect(moneyNumber(-30n, 'toman', 'en')).toBe('-3');
    // A negative Toman amount carries the locale's own minus, as a Rial amount does (fa: LRM + U+2212, kept left of the digits in RTL).
    expect(moneyNumber(-30n, 'toman', 'fa')).toBe(moneyNumber(-3n, 'rial', 'fa'));
    expect(moneyNumber(-35n, 'toman', 'fa')).toBe('\u200e\u2212۳٫۵');
    expect(moneyNumber(-35n, 'toman', 'ar')).toBe('\u061c-٣٫٥');
    expect(moneyNumber(9_007_199_254_740_993n, 'toman', 'en')).toBe('900,719,925,474,099.3');
    expect(moneyNumber(12_500_000, 'toman', 'fa')).toBe('۱٬۲۵۰٬۰۰۰');
  });
});

describe('phones', () => {
  it('normalises what people type to 09xxxxxxxxx', () => {
    for (const input of ['۰۹۱۲۱۲۳۴۵۶۷', '+989121234567', '00989121234567', '9121234567', '0912 123 4567', '٠٩١٢١٢٣٤٥٦٧']) {
      expect(normaliseIranianMobile(input), input).toBe('09121234567');
    }
    expect(normaliseIranianMobile('0212345678')).toBeNull();
    expect(normaliseIranianMobile('09121234')).toBeNull();
  });
  it('displays a number in groups, isolated left-to-right', () => {
    expect(formatPhone('+989121234567', 'en')).toBe('\u20660912 123 4567\u2069');
    expect(formatPhone('+989121234567', 'fa')).toBe('\u2066۰۹۱۲ ۱۲۳ ۴۵۶۷\u2069');
  });
});

describe('Jalali dates', () => {
  it('formats in the Jalali calendar for Persian and Gregorian otherwise', () => {
    const nowruz1404 = new Date(2025, 2, 21, 9, 5);
    expect(formatDate(nowruz1404, 'fa', 'date')).toBe('۱۴۰۴/۰۱/۰۱');
    expect(formatDate(nowruz1404, 'fa')).toBe('۱۴۰۴/۰۱/۰۱ ۰۹:۰۵');
    expect(formatDate(nowruz1404, 'en', 'date')).toBe('Mar 21, 2025');
    expect(formatDate(null, 'fa')).toBe('');
  });
  it('parses typed Jalali dates and rejects days a month does not have', () => {
    const date = parseJalaliDate('۱۴۰۴/۰۱/۰۱');
    expect(date && [date.getFullYear(), date.getMonth(), date.getDate()]).toEqual([2025, 2, 21]);
    expect(parseJalaliDate('1403/12/30')).not.toBeNull(); // 1403 is a leap year
    expect(parseJalaliDate('1404/12/30')).toBeNull();
    expect(parseJalaliDate('1404/13/01')).toBeNull();
    expect(parseJalaliDate('hello')).toBeNull();
    const start = new Date(jalaliDayStartIso('1404/01/01') ?? '');
    const end = new Date(jalaliDayEndIso('1404/01/01') ?? '');
    expect(end.getTime() - start.getTime()).toBe(24 * 60 * 60 * 1000 - 1);
  });
});

describe('keyboard', () => {
  const key = (init: Partial<KeyboardEvent>) => keyToken({ key: '', code: '', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...init });
  it('names keys by their physical position, so a Persian layout works too', () => {
    expect(key({ key: 'گ', code: 'KeyG' })).toBe('g');
    expect(key({ key: 'k', code: 'KeyK', ctrlKey: true })).toBe('mod+k');
    expect(key({ key: '؟', code: 'Slash', shiftKey: true })).toBe('?');
    expect(key({ key: '/', code: 'Slash' })).toBe('/');
    expect(key({ key: 'F2', code: 'F2' })).toBe('F2');
    expect(key({ key: 'Shift', code: 'ShiftLeft', shiftKey: true })).toBeNull();
  });
});

describe('audit diff', () => {
  it('lists only the fields that changed, and every field of a creation', () => {
    expect(changedFields({ name: 'a', code: 'x' }, { name: 'b', code: 'x' })).toEqual([{ field: 'name', before: 'a', after: 'b' }]);
    expect(changedFields(null, { name: 'b', active: true }).map((r) => r.field)).toEqual(['active', 'name']);
  });
});

describe('translation import files', () => {
  it('accepts flat maps, {entries}, and nested catalogues; drops what is not text', () => {
    expect(entriesFromFile({ 'auth.title': 'A' })).toEqual({ 'auth.title': 'A' });
    expect(entriesFromFile({ entries: { 'auth.title': 'A' } })).toEqual({ 'auth.title': 'A' });
    expect(entriesFromFile({ auth: { title: 'A', n: 5, z: null } })).toEqual({ 'auth.title': 'A' });
    expect(entriesFromFile([1, 2])).toEqual({});
  });
});

describe('which organisation opens', () => {
  const org = (org_id: string) => ({ org_id, slug: org_id, name: org_id, roles: ['staff'], manager_title: null, is_default: false, last_used_at: null, via: 'membership' });
  it('opens the only one, else the default, else the last used, else asks', () => {
    expect(organisationToOpen({ items: [org('a')], default_org_id: null, last_used_org_id: null, current_org_id: null })).toBe('a');
    expect(organisationToOpen({ items: [org('a'), org('b')], default_org_id: 'b', last_used_org_id: 'a', current_org_id: null })).toBe('b');
    expect(organisationToOpen({ items: [org('a'), org('b')], default_org_id: null, last_used_org_id: 'a', current_org_id: null })).toBe('a');
    expect(organisationToOpen({ items: [org('a'), org('b')], default_org_id: 'gone', last_used_org_id: null, current_org_id: null })).toBeNull();
    expect(organisationToOpen({ items: [], default_org_id: null, last_used_org_id: null, current_org_id: null })).toBeNull();
  });
});
