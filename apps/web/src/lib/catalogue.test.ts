/**
 * Translations are data, so their completeness is checked here: every key the web client uses exists
 * in Persian and English, the two are complete and in step, Arabic and Uzbek cover the shell, every
 * error code of the foundation modules has a message, and placeholders agree across languages.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registeredErrorCodes } from '@chaharsu/kit';
import '../../../../modules/identity/src/identity.errors';
import '../../../../modules/orgs/src/orgs.errors';
import { catalogues, defaultMessages, flattenCatalogue, unflattenMessages } from '@chaharsu/i18n';

const webSrc = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const flat = {
  fa: flattenCatalogue(catalogues.fa),
  en: flattenCatalogue(catalogues.en),
  ar: flattenCatalogue(catalogues.ar),
  uz: flattenCatalogue(catalogues.uz),
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.test.ts') ? [full] : [];
  });
}

const NAMESPACES = Object.keys(catalogues.en).join('|');
/** Quoted literals that look like catalogue keys, e.g. 'auth.send_code' (permissions and ids are not in the namespaces). */
function literalKeys(): Set<string> {
  const pattern = new RegExp(`['"\`]((?:${NAMESPACES})\\.[a-z0-9_]+(?:\\.[a-z0-9_]+)*)['"\`]`, 'g');
  const keys = new Set<string>();
  for (const file of sourceFiles(webSrc)) {
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '')
      // shortcut ids are names, not texts
      .replace(/\bid: '[^']*'/g, '');
    for (const match of code.matchAll(pattern)) if (match[1]) keys.add(match[1]);
  }
  return keys;
}

const NOT_KEYS = new Set(['audit.read', 'help.open', 'help.not_found', 'orgs.read']);

function placeholders(text: string): string[] {
  return [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1] ?? '').sort();
}

describe('message catalogues', () => {
  it('has every key the web client uses, in Persian and English', () => {
    // Error codes (`common.not_found`) appear as literals too: they are shown through `errors.<code>`.
    const used = [...literalKeys()].filter((k) => !NOT_KEYS.has(k) && !(`errors.${k}` in flat.en));
    expect(used.length).toBeGreaterThan(200);
    expect(used.filter((k) => !(k in flat.fa))).toEqual([]);
    expect(used.filter((k) => !(k in flat.en))).toEqual([]);
  });

  it('has a title for every registered page (pages.<page_key>)', () => {
    const registry = sourceFiles(path.join(webSrc, 'modules')).filter((f) => f.endsWith('.module.ts'));
    const pageKeys = registry.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/page_key: '([a-z_]+)'/g)].map((m) => m[1]));
    expect(pageKeys.length).toBeGreaterThan(15);
    expect(pageKeys.filter((k) => !(`pages.${k}` in flat.fa) || !(`pages.${k}` in flat.en) || !(`pages.${k}` in flat.ar) || !(`pages.${k}` in flat.uz))).toEqual([]);
  });

  it('keeps Persian and English complete and in step', () => {
    expect(Object.keys(flat.fa).sort()).toEqual(Object.keys(flat.en).sort());
    expect(Object.entries(flat.fa).filter(([, v]) => v.trim() === '')).toEqual([]);
  });

  it('covers the shell in Arabic and Uzbek, and adds no unknown keys', () => {
    const shellPrefixes = ['common.', 'shell.', 'nav.', 'pages.', 'auth.', 'languages.', 'shortcuts.', 'help.', 'money.', 'errors.common.', 'orgs.'];
    const shellKeys = Object.keys(flat.en).filter((k) => shellPrefixes.some((p) => k.startsWith(p)));
    for (const locale of ['ar', 'uz'] as const) {
      expect(shellKeys.filter((k) => !(k in flat[locale])), locale).toEqual([]);
      expect(Object.keys(flat[locale]).filter((k) => !(k in flat.en)), locale).toEqual([]);
    }
  });

  it('translates every error code of the foundation (common, identity, orgs)', () => {
    const codes = registeredErrorCodes().filter((c) => /^(common|identity|orgs)\./.test(c));
    expect(codes).toContain('identity.otp_invalid');
    expect(codes.filter((c) => !(`errors.${c}` in flat.fa) || !(`errors.${c}` in flat.en))).toEqual([]);
  });

  it('uses the same placeholders in every language', () => {
    const mismatches: string[] = [];
    for (const locale of ['fa', 'ar', 'uz'] as const) {
      for (const [key, text] of Object.entries(flat[locale])) {
        const english = flat.en[key];
        if (english !== undefined && placeholders(english).join() !== placeholders(text).join()) mismatches.push(`${locale}:${key}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('flattens and unflattens without loss, and fills partial languages from English', () => {
    expect(unflattenMessages(flat.fa)).toEqual(catalogues.fa);
    expect(defaultMessages('uz')['profile.font_size']).toBe(flat.en['profile.font_size']);
    expect(defaultMessages('uz')['auth.send_code']).toBe(flat.uz['auth.send_code']);
  });
});
