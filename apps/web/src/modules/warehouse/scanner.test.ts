import { describe, expect, it } from 'vitest';
import { ScanBuffer, normaliseScannedCode, parseQuantity, usLayoutChar, type KeyLike } from './scanner';

/** What a USB scanner typing `text` produces with the Persian layout active: right `code`s, Persian `key`s. */
const PERSIAN_KEYS: Record<string, string> = { KeyA: 'ش', KeyB: 'ذ', KeyC: 'ز', KeyS: 'س', KeyK: 'ن', KeyU: 'ع', Minus: '-', Digit1: '۱', Digit2: '۲', Digit3: '۳', Digit4: '۴' };
function persianScannerKeys(text: string): KeyLike[] {
  return [...text].map((ch) => {
    const upper = /[A-Z]/.test(ch);
    const code = /[a-z]/i.test(ch) ? `Key${ch.toUpperCase()}` : /\d/.test(ch) ? `Digit${ch}` : ch === '-' ? 'Minus' : 'Unknown';
    return { code, key: PERSIAN_KEYS[code] ?? ch, shiftKey: upper };
  });
}

describe('scanner decoding by physical key', () => {
  it('rebuilds a code typed through the Persian layout from KeyboardEvent.code', () => {
    expect(persianScannerKeys('SKU-1234').map(usLayoutChar).join('')).toBe('SKU-1234');
    expect(persianScannerKeys('abc').map(usLayoutChar).join('')).toBe('abc');
  });

  it('maps shifted digits and symbols as a US keyboard does, and ignores modifier combinations', () => {
    expect(usLayoutChar({ code: 'Digit2', key: '@', shiftKey: true })).toBe('@');
    expect(usLayoutChar({ code: 'Slash', key: '/', shiftKey: false })).toBe('/');
    expect(usLayoutChar({ code: 'Numpad7', key: '7', shiftKey: false })).toBe('7');
    expect(usLayoutChar({ code: 'KeyV', key: 'v', shiftKey: false, ctrlKey: true })).toBeNull();
    expect(usLayoutChar({ code: 'ShiftLeft', key: 'Shift', shiftKey: true })).toBeNull();
  });

  it('falls back to the character, in ASCII digits, when the key has no physical code', () => {
    expect(usLayoutChar({ code: '', key: '۷', shiftKey: false })).toBe('7');
    expect(usLayoutChar({ code: '', key: '٣', shiftKey: false })).toBe('3');
  });

  it('strips control characters, AIM prefixes and spaces; normalises Persian/Arabic digits', () => {
    expect(normaliseScannedCode(']Q1 6260000000017\r\n')).toBe('6260000000017');
    expect(normaliseScannedCode('\u0002۶۲۶۰۱۲\u0003')).toBe('626012');
    expect(normaliseScannedCode('01\u001d0626\t')).toBe('010626');
  });
});

describe('scan bursts', () => {
  it('returns the code of a fast burst ending in Enter and nothing for slow typing', () => {
    const buffer = new ScanBuffer();
    let at = 1000;
    let result: string | null = null;
    for (const key of persianScannerKeys('AB-12')) result = buffer.feed(key, (at += 8));
    expect(result).toBeNull();
    expect(buffer.feed({ code: 'Enter', key: 'Enter', shiftKey: false }, (at += 8))).toBe('AB-12');

    for (const key of persianScannerKeys('123')) buffer.feed(key, (at += 400));
    expect(buffer.feed({ code: 'Enter', key: 'Enter', shiftKey: false }, (at += 400))).toBeNull();
  });

  it('does not treat two quick keys as a scan', () => {
    const buffer = new ScanBuffer();
    buffer.feed({ code: 'Digit1', key: '1', shiftKey: false }, 0);
    buffer.feed({ code: 'Digit2', key: '2', shiftKey: false }, 10);
    expect(buffer.feed({ code: 'Enter', key: 'Enter', shiftKey: false }, 20)).toBeNull();
  });
});

describe('quantity prompt', () => {
  it('accepts Persian and Arabic digits and decimal separators', () => {
    expect(parseQuantity('۱۲')).toBe(12);
    expect(parseQuantity('٢٫٥')).toBe(2.5);
    expect(parseQuantity('1.250')).toBe(1.25);
    expect(parseQuantity('۱٬۰۰۰')).toBe(1000);
  });

  it('refuses zero, negatives, text and more than three decimals', () => {
    for (const bad of ['0', '-1', 'abc', '1.2345', '', '۰']) expect(parseQuantity(bad)).toBeNull();
  });
});
