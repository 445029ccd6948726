import { describe, it, expect } from 'vitest';
import { maskPhone, normaliseIranianMobile } from './phone.js';

describe('normaliseIranianMobile', () => {
  it.each([
    ['09121234567'],
    ['9121234567'],
    ['+989121234567'],
    ['00989121234567'],
    ['989121234567'],
    ['+98 912 123 4567'],
    ['0912-123-4567'],
    ['۰۹۱۲۱۲۳۴۵۶۷'],
    ['٠٩١٢١٢٣٤٥٦٧'],
    ['+98 (0)912 123 4567'],
    ['\u200e+98 912 123 4567'],
  ])('reads %s as +989121234567', (input) => {
    expect(normaliseIranianMobile(input)).toBe('+989121234567');
  });

  it.each([
    ['02112345678'], // Tehran landline
    ['+447911123456'], // another country
    ['0912123456'], // too short
    ['091212345678'], // too long
    ['09a21234567'],
    [''],
    ['+98'],
  ])('refuses %s', (input) => {
    expect(normaliseIranianMobile(input)).toBeNull();
  });

  it('masks numbers for logs', () => {
    expect(maskPhone('+989121234567')).toBe('+98912***567');
  });
});
