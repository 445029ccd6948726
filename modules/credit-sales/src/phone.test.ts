import { describe, it, expect } from 'vitest';
import { parseMobile } from './phone.js';

describe('mobile numbers', () => {
  it('normalises the forms people type and names the operator', () => {
    expect(parseMobile('09121234567')).toEqual({ phone: '09121234567', operator: 'mci' });
    expect(parseMobile('+98 935 123 4567')).toEqual({ phone: '09351234567', operator: 'irancell' });
    expect(parseMobile('۰۹۲۱۱۲۳۴۵۶۷')).toEqual({ phone: '09211234567', operator: 'rightel' });
    expect(parseMobile('00989901234567')).toEqual({ phone: '09901234567', operator: 'mci' });
    expect(parseMobile('9011234567')).toEqual({ phone: '09011234567', operator: 'irancell' });
    expect(parseMobile('09981012345')).toEqual({ phone: '09981012345', operator: 'shatel' });
  });

  it('refuses numbers that are not mobile numbers or whose prefix no operator holds', () => {
    for (const bad of ['', '0912123456', '091212345678', '02112345678', '09501234567', '0912-abc-4567', '+1 912 123 4567']) {
      expect(parseMobile(bad)).toBeNull();
    }
  });
});
