/**
 * Helpers over message catalogues, free of the catalogues themselves so the web client can import them
 * without pulling every language into its first bundle.
 *
 * A catalogue is authored nested (`{ auth: { title: "…" } }`); the database, the admin's editor and the
 * import/export files use flat dotted keys (`auth.title`). These two functions convert between them.
 */
export const LOCALES = ['fa', 'en', 'ar', 'uz'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'fa';

/** Languages written right to left. */
const RTL_LOCALES: ReadonlySet<Locale> = new Set<Locale>(['fa', 'ar']);

export interface Catalogue {
  [key: string]: string | Catalogue;
}
export type FlatMessages = Record<string, string>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function directionOf(locale: Locale): 'rtl' | 'ltr' {
  return RTL_LOCALES.has(locale) ? 'rtl' : 'ltr';
}

/** `{ a: { b: "x" } }` → `{ "a.b": "x" }`. */
export function flattenCatalogue(catalogue: Catalogue, prefix = ''): FlatMessages {
  const out: FlatMessages = {};
  for (const [key, value] of Object.entries(catalogue)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out[path] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, flattenCatalogue(value, path));
    // other values (numbers, null, arrays from a hand-edited import file) are not messages: skipped
  }
  return out;
}

/**
 * `{ "a.b": "x" }` → `{ a: { b: "x" } }`. A key that would turn an existing string into a branch (or the
 * reverse) is skipped: i18next could not look it up anyway.
 */
export function unflattenMessages(flat: FlatMessages): Catalogue {
  const root: Catalogue = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    const last = parts.pop();
    if (!last || parts.some((p) => p === '')) continue;
    let node: Catalogue | null = root;
    for (const part of parts) {
      const next: string | Catalogue | undefined = node[part];
      if (next === undefined) {
        const branch: Catalogue = {};
        node[part] = branch;
        node = branch;
      } else if (typeof next === 'string') {
        node = null;
        break;
      } else {
        node = next;
      }
    }
    if (node && typeof node[last] !== 'object') node[last] = value;
  }
  return root;
}
