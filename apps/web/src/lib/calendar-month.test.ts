import { describe, expect, it } from 'vitest';
import { calendarMonth, dayNumber, dayText, monthOf, shiftMonth } from './calendar-month';
import { parseLocalDate } from './jalali-input';

describe('the date picker’s month', () => {
  it('lays out Farvardin 1404 in weeks from Saturday, with Persian names and digits', () => {
    // 1 Farvardin 1404 = Friday 21 March 2025.
    const month = calendarMonth(monthOf(new Date(2025, 3, 4), 'fa'), 'fa');
    expect(month.label).toBe('فروردین ۱۴۰۴');
    expect(month.weekdays[0]).toBe('ش');
    expect(month.weeks[0]?.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(month.weeks[0]?.[6]).toEqual(new Date(2025, 2, 21));
    expect(month.weeks.flat().filter(Boolean)).toHaveLength(31);
    expect(dayNumber(new Date(2025, 3, 4), 'fa')).toBe('۱۵');
    // What a click writes is what the field reads back.
    expect(dayText(new Date(2025, 3, 4), 'fa')).toBe('۱۴۰۴/۰۱/۱۵');
    expect(parseLocalDate(dayText(new Date(2025, 3, 4), 'fa'), true)).toEqual(new Date(2025, 3, 4));
    // Esfand 1403 (before it) has 30 days; the month after Esfand is Farvardin of the next year.
    const esfand = calendarMonth(shiftMonth(month.first, -1, 'fa'), 'fa');
    expect(esfand.label).toBe('اسفند ۱۴۰۳');
    expect(esfand.weeks.flat().filter(Boolean)).toHaveLength(30);
    expect(calendarMonth(shiftMonth(esfand.first, 1, 'fa'), 'fa').label).toBe('فروردین ۱۴۰۴');
  });

  it('uses the Gregorian calendar in the other languages, each with its own first weekday', () => {
    const april = monthOf(new Date(2025, 3, 15), 'en');
    expect(calendarMonth(april, 'en').label).toBe('April 2025');
    // 1 April 2025 was a Tuesday: two empty cells from Sunday, one from Monday, three from Saturday.
    expect(calendarMonth(april, 'en').weeks[0]?.findIndex((d) => d !== null)).toBe(2);
    expect(calendarMonth(april, 'uz').weeks[0]?.findIndex((d) => d !== null)).toBe(1);
    expect(calendarMonth(april, 'ar').weeks[0]?.findIndex((d) => d !== null)).toBe(3);
    expect(dayText(new Date(2025, 3, 4), 'en')).toBe('2025-04-04');
    expect(parseLocalDate(dayText(new Date(2025, 3, 4), 'uz'), false)).toEqual(new Date(2025, 3, 4));
    expect(calendarMonth(shiftMonth(april, -4, 'en'), 'en').label).toBe('December 2024');
  });
});
