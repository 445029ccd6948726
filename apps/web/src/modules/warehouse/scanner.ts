/**
 * USB scanners in keyboard ("HID wedge") mode send scancodes; the operating system turns them into characters
 * through the ACTIVE keyboard layout, so with the Persian layout `ABC-123` arrives as `شذز-۱۲۳`. We therefore
 * rebuild each character from `KeyboardEvent.code` (the physical key) with a US-layout map, and fall back to the
 * event's `key` (Persian/Arabic digits turned into ASCII) only for keys the map does not know.
 * A scan is told apart from a person typing by timing: scanners type a character every few milliseconds.
 */
import { toLatinDigits } from '../../lib/format';

const US_SYMBOLS: Record<string, [string, string]> = {
  Minus: ['-', '_'], Equal: ['=', '+'], BracketLeft: ['[', '{'], BracketRight: [']', '}'], Backslash: ['\\', '|'],
  Semicolon: [';', ':'], Quote: ["'", '"'], Backquote: ['`', '~'], Comma: [',', '<'], Period: ['.', '>'], Slash: ['/', '?'],
  Space: [' ', ' '], IntlBackslash: ['\\', '|'],
  NumpadDivide: ['/', '/'], NumpadMultiply: ['*', '*'], NumpadSubtract: ['-', '-'], NumpadAdd: ['+', '+'], NumpadDecimal: ['.', '.'],
};
const SHIFTED_DIGITS = ')!@#$%^&*(';

export interface KeyLike {
  code: string;
  key: string;
  shiftKey: boolean;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

/**
 * The character a US-layout keyboard would have typed for this physical key, or null for keys that type
 * nothing (Shift, Enter, F-keys…). CapsLock is not visible in `code`, so letters follow Shift only; codes are
 * case-sensitive only in rare symbologies, and the server's lookup is case-insensitive for product codes.
 */
export function usLayoutChar(event: KeyLike): string | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  const { code, shiftKey } = event;
  if (/^Key[A-Z]$/.test(code)) {
    const letter = code.slice(3);
    return shiftKey ? letter : letter.toLowerCase();
  }
  if (/^Digit[0-9]$/.test(code)) {
    const digit = Number(code.slice(5));
    return shiftKey ? (SHIFTED_DIGITS[digit] ?? null) : String(digit);
  }
  if (/^Numpad[0-9]$/.test(code)) return code.slice(6);
  const symbol = US_SYMBOLS[code];
  if (symbol) return shiftKey ? symbol[1] : symbol[0];
  // Unknown physical key (virtual keyboards, some scanners send `code: ''`): trust the character, in ASCII digits.
  if (event.key.length === 1) return toLatinDigits(event.key);
  return null;
}

/**
 * A scanned value as the server should see it: Persian/Arabic digits in ASCII, control characters (AIM
 * prefixes, GS separators of GS1 codes, a trailing CR/LF/Tab) and surrounding spaces removed.
 */
export function normaliseScannedCode(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const withoutControls = toLatinDigits(raw).replace(/[\u0000-\u001f\u007f\u200b-\u200f\u2066-\u2069\ufeff]/g, '');
  // AIM symbology identifiers (`]Q1`, `]E0`, `]C1`) that some scanners are set to send before the data.
  return withoutControls.replace(/^\][A-Za-z][0-9]/, '').trim();
}

/** A quantity typed by a person: Persian/Arabic digits and decimal separators (٫ ، /) accepted; null if not a positive number with ≤3 decimals. */
export function parseQuantity(input: string): number | null {
  const text = toLatinDigits(input.trim()).replace(/[٫،/]/g, '.').replace(/[٬,\s]/g, '');
  if (!/^\d{1,9}(\.\d{1,3})?$/.test(text)) return null;
  const value = Number(text);
  return value > 0 ? value : null;
}

/** Keys typed faster than this (ms between keydowns) are a scanner, not a person. */
export const SCANNER_MAX_GAP_MS = 50;
/** Shorter bursts are a person's quick typing (e.g. "12" in the quantity field), not a scan. */
export const SCANNER_MIN_LENGTH = 3;

/**
 * Collects a scanner burst from keydowns: feed every keydown with its timestamp; `Enter` (or Tab) at the end of
 * a burst returns the code. Slow keys restart the buffer, so a person typing in another field never triggers a scan.
 */
export class ScanBuffer {
  private chars: string[] = [];
  private last = -Infinity;

  /** Returns the finished code on the terminating key, `null` otherwise. */
  feed(event: KeyLike, at_ms: number): string | null {
    const gap = at_ms - this.last;
    this.last = at_ms;
    if (event.code === 'Enter' || event.code === 'NumpadEnter' || event.key === 'Enter' || event.code === 'Tab') {
      const code = normaliseScannedCode(this.chars.join(''));
      const wasScanner = this.chars.length >= SCANNER_MIN_LENGTH && gap <= SCANNER_MAX_GAP_MS * 4;
      this.reset();
      return wasScanner && code ? code : null;
    }
    const char = usLayoutChar(event);
    if (char === null) return null; // Shift and friends: part of the burst, no character
    // A slow key starts a new candidate burst: what came before was a person typing.
    if (gap > SCANNER_MAX_GAP_MS) this.chars = [];
    this.chars.push(char);
    return null;
  }

  /** The characters so far (for the scan field, which shows what the scanner typed). */
  get pending(): string {
    return this.chars.join('');
  }

  reset(): void {
    this.chars = [];
  }
}
