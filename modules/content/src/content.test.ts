import { describe, expect, it } from 'vitest';
import { placeholderDifference, placeholdersOf } from './placeholders.js';
import { entryProblem } from './content.service.js';
import { etagMatches } from './content.routes.js';

describe('placeholders', () => {
  it('reads i18next placeholders with spaces and formats', () => {
    expect([...placeholdersOf('سلام {{name}}، {{ count }} مورد تا {{date, datetime}}')]).toEqual(['name', 'count', 'date']);
  });

  it('names what an override drops and what it invents', () => {
    expect(placeholderDifference('{{name}} joined {{org}}', 'Welcome {{user}} to {{org}}')).toEqual({ missing: ['name'], extra: ['user'] });
  });
});

describe('an override entry', () => {
  const defaults = { 'auth.title': 'ورود یا ثبت‌نام', 'auth.code_sent_sms': 'رمز با پیامک به {{phone}} فرستاده شد.' };

  it('is refused for a key the catalogue does not have', () => {
    expect(entryProblem(defaults, 'auth.titel', 'ورود')?.code).toBe('content.unknown_key');
  });

  it('is refused when empty or too long', () => {
    expect(entryProblem(defaults, 'auth.title', '   ')?.code).toBe('content.value_invalid');
    expect(entryProblem(defaults, 'auth.title', 'x'.repeat(2001))?.code).toBe('content.value_invalid');
  });

  it('must keep the placeholders of the default text', () => {
    expect(entryProblem(defaults, 'auth.code_sent_sms', 'رمز فرستاده شد.')).toEqual({
      code: 'content.placeholders_mismatch', params: { key: 'auth.code_sent_sms', missing: 'phone', extra: '' },
    });
    expect(entryProblem(defaults, 'auth.code_sent_sms', 'کد به {{ phone }} رفت')).toBeNull();
  });
});

describe('If-None-Match', () => {
  it('matches lists, weak validators and *', () => {
    expect(etagMatches('"fa-3"', '"fa-3"')).toBe(true);
    expect(etagMatches('"fa-2", W/"fa-3"', '"fa-3"')).toBe(true);
    expect(etagMatches('*', '"fa-3"')).toBe(true);
    expect(etagMatches('"fa-2"', '"fa-3"')).toBe(false);
    expect(etagMatches(undefined, '"fa-3"')).toBe(false);
  });
});
