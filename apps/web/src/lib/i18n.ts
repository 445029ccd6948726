/**
 * Translations are data. The bundled catalogue (packages/i18n) is the base; the platform admin's
 * overrides come from GET /api/i18n/:locale and are laid over it at run time. The version is polled
 * (every 15 s and when the window regains focus), so an edited string reaches every open page without
 * a rebuild or a deploy. `bindI18nStore: 'added'` makes react-i18next re-render when a bundle is added.
 */
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import fa from '@chaharsu/i18n/catalogues/fa.json';
import { DEFAULT_LOCALE, directionOf, isLocale, unflattenMessages, type Catalogue, type Locale } from '@chaharsu/i18n/messages';
import { api } from './api';

export const NAMESPACE = 'translation';
const STORAGE_KEY = 'chaharsu.locale';
export const OVERRIDES_POLL_MS = 15_000;

const loaders: Record<Locale, () => Promise<Catalogue>> = {
  fa: async () => fa as Catalogue,
  en: async () => (await import('@chaharsu/i18n/catalogues/en.json')).default as Catalogue,
  ar: async () => (await import('@chaharsu/i18n/catalogues/ar.json')).default as Catalogue,
  uz: async () => (await import('@chaharsu/i18n/catalogues/uz.json')).default as Catalogue,
};

/** Arabic and Uzbek cover the shell; their other keys fall back to English, then Persian. */
const FALLBACKS: Record<Locale, Locale[]> = { fa: [], en: ['fa'], ar: ['en', 'fa'], uz: ['en', 'fa'] };

const baseCatalogues = new Map<Locale, Catalogue>();
const overrideVersions = new Map<Locale, string>();

export const i18n = i18next.createInstance();

export function storedLocale(): Locale {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return isLocale(stored) ? stored : DEFAULT_LOCALE;
}

function applyDocumentLanguage(locale: Locale): void {
  document.documentElement.lang = locale;
  document.documentElement.dir = directionOf(locale);
}

export async function initI18n(): Promise<void> {
  const locale = storedLocale();
  await i18n.use(initReactI18next).init({
    lng: DEFAULT_LOCALE,
    fallbackLng: { ...FALLBACKS, default: [DEFAULT_LOCALE] },
    resources: { fa: { [NAMESPACE]: structuredClone(fa) as Catalogue } },
    partialBundledLanguages: true,
    interpolation: { escapeValue: false },
    returnNull: false,
    react: { bindI18nStore: 'added', bindI18n: 'languageChanged loaded', useSuspense: false },
  });
  baseCatalogues.set('fa', fa as Catalogue);
  i18n.on('languageChanged', (lng) => {
    if (isLocale(lng)) applyDocumentLanguage(lng);
  });
  await setLocale(locale);
}

function deepMerge(target: Catalogue, source: Catalogue): Catalogue {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (typeof value === 'object' && typeof existing === 'object') deepMerge(existing, value);
    else if (typeof value === 'string' && typeof existing !== 'object') target[key] = value;
  }
  return target;
}

async function baseCatalogue(locale: Locale): Promise<Catalogue> {
  let catalogue = baseCatalogues.get(locale);
  if (!catalogue) {
    catalogue = await loaders[locale]();
    baseCatalogues.set(locale, catalogue);
  }
  return catalogue;
}

/** Replaces a language's bundle by its defaults plus `overrides` (flat dotted keys). */
async function installBundle(locale: Locale, overrides: Record<string, string>): Promise<void> {
  const merged = deepMerge(structuredClone(await baseCatalogue(locale)), unflattenMessages(overrides));
  i18n.removeResourceBundle(locale, NAMESPACE);
  i18n.addResourceBundle(locale, NAMESPACE, merged, false, true);
}

interface OverridesResponse {
  version: string | number;
  overrides: Record<string, string>;
}

/**
 * Fetches the admin's overrides of `locale` and installs them when their version changed (or `force`).
 * Offline or failing: the bundled text stays; the next poll tries again.
 */
export async function refreshOverrides(locale: Locale, force = false): Promise<void> {
  let response: OverridesResponse;
  try {
    response = await api.get<OverridesResponse>(`/api/i18n/${locale}`);
  } catch {
    if (!i18n.hasResourceBundle(locale, NAMESPACE)) await installBundle(locale, {});
    return;
  }
  const version = String(response.version);
  if (!force && overrideVersions.get(locale) === version && i18n.hasResourceBundle(locale, NAMESPACE)) return;
  overrideVersions.set(locale, version);
  await installBundle(locale, response.overrides ?? {});
}

/**
 * Makes `locale` (and its fallbacks) usable at once from the bundled catalogues; the admin's overrides follow
 * in the background, so a slow or unreachable server never delays the first paint.
 */
async function ensureLocale(locale: Locale): Promise<void> {
  const needed = [locale, ...FALLBACKS[locale]];
  for (const l of needed) if (!i18n.hasResourceBundle(l, NAMESPACE)) await installBundle(l, {});
  void Promise.all(needed.map((l) => refreshOverrides(l)));
}

export function currentLocale(): Locale {
  const lng = i18n.resolvedLanguage ?? i18n.language;
  return isLocale(lng) ? lng : DEFAULT_LOCALE;
}

/** Switches the interface language (loading its catalogue and overrides first) and remembers it on this device. */
export async function setLocale(locale: Locale): Promise<void> {
  await ensureLocale(locale);
  localStorage.setItem(STORAGE_KEY, locale);
  if (i18n.language !== locale) await i18n.changeLanguage(locale);
  else applyDocumentLanguage(locale);
}

/** Polls the override version of the current language (and its fallbacks). Returns a stop function. */
export function startOverridesPolling(): () => void {
  const poll = () => {
    const locale = currentLocale();
    void Promise.all([locale, ...FALLBACKS[locale]].map((l) => refreshOverrides(l)));
  };
  const timer = window.setInterval(poll, OVERRIDES_POLL_MS);
  window.addEventListener('focus', poll);
  return () => {
    window.clearInterval(timer);
    window.removeEventListener('focus', poll);
  };
}

/** `t` plus the current language, typed. */
export function useLocale(): { t: ReturnType<typeof useTranslation>['t']; locale: Locale } {
  const { t, i18n: instance } = useTranslation();
  const lng = instance.resolvedLanguage ?? instance.language;
  return { t, locale: isLocale(lng) ? lng : DEFAULT_LOCALE };
}
