import { flattenCatalogue, type Catalogue } from '@chaharsu/i18n/messages';

/** Accepts `{entries: {...}}`, a flat `{key: text}` map, or a nested catalogue. Non-string leaves are dropped. */
export function entriesFromFile(parsed: unknown): Record<string, string> {
  const source = parsed && typeof parsed === 'object' && 'entries' in parsed ? (parsed as { entries: unknown }).entries : parsed;
  if (!source || typeof source !== 'object' || Array.isArray(source)) return {};
  const flat = flattenCatalogue(source as Catalogue);
  return Object.fromEntries(Object.entries(flat).filter(([key, value]) => typeof value === 'string' && key.length > 0 && key.length <= 200));
}

