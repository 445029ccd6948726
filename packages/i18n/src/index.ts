/**
 * The default message catalogues of the product (fa, en, ar, uz). Overrides edited by the platform admin
 * live in the database (content module) and are laid over these at run time, in the browser.
 *
 * Server use: `defaultMessages('fa')` lists every key with its default text (flat dotted keys), which the
 * translations editor shows beside the override. The web client imports the JSON files directly
 * (`@chaharsu/i18n/catalogues/fa.json`) so other languages load only when chosen.
 */
import fa from './catalogues/fa.json' with { type: 'json' };
import en from './catalogues/en.json' with { type: 'json' };
import ar from './catalogues/ar.json' with { type: 'json' };
import uz from './catalogues/uz.json' with { type: 'json' };
import { flattenCatalogue, type Catalogue, type FlatMessages, type Locale } from './messages.js';

export * from './messages.js';

export const catalogues: Readonly<Record<Locale, Catalogue>> = { fa, en, ar, uz };

const flatCache = new Map<Locale, FlatMessages>();

/**
 * Every key of the product with its default text in `locale`. Keys missing from a partial catalogue
 * (ar, uz cover the shell) fall back to English, as the web client does.
 */
export function defaultMessages(locale: Locale): FlatMessages {
  let cached = flatCache.get(locale);
  if (!cached) {
    cached = locale === 'en' ? flattenCatalogue(en) : { ...flattenCatalogue(en), ...flattenCatalogue(catalogues[locale]) };
    flatCache.set(locale, cached);
  }
  return cached;
}

/** Every key the product knows (the union over all catalogues). */
export function allMessageKeys(): string[] {
  const keys = new Set<string>();
  for (const catalogue of Object.values(catalogues)) for (const key of Object.keys(flattenCatalogue(catalogue))) keys.add(key);
  return [...keys].sort();
}
