/**
 * Request/response shapes of the content module (translation overrides and help guides). No server imports:
 * the web client uses these too. Keys are the flat dotted keys of the default catalogue (`auth.title`).
 */
import { z } from 'zod';

export const CONTENT_LOCALES = ['fa', 'en', 'ar', 'uz'] as const;
export type ContentLocale = (typeof CONTENT_LOCALES)[number];

/** Longest override text; the longest default text is a few hundred characters. */
export const MAX_VALUE_LENGTH = 2000;
/** Most entries one import may carry (the catalogue has a few thousand keys at most). */
export const MAX_IMPORT_ENTRIES = 10_000;

export const TranslationKey = z.string().min(1).max(200).regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a dotted key like auth.title');
/** The locale arrives as a plain string and is checked by the service, so an unknown one reads `content.locale_unknown`. */
export const LocaleParam = z.object({ locale: z.string().min(1).max(10) });
export const LocaleKeyParams = z.object({ locale: z.string().min(1).max(10), key: TranslationKey });

const flag = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');

export const PublicOverrides = z.object({
  locale: z.string(),
  version: z.number().int(),
  overrides: z.record(z.string(), z.string()),
});
export type PublicOverrides = z.infer<typeof PublicOverrides>;

export const TranslationListQuery = z.object({
  locale: z.string().min(1).max(10).default('fa'),
  search: z.string().max(200).optional(),
  only_overridden: flag.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type TranslationListQuery = z.infer<typeof TranslationListQuery>;

export const TranslationItem = z.object({
  key: z.string(),
  default_value: z.string().nullable(),
  override_value: z.string().nullable(),
  updated_at: z.string().nullable(),
});
export type TranslationItem = z.infer<typeof TranslationItem>;

export const TranslationPage = z.object({ items: z.array(TranslationItem), total: z.number().int() });
export type TranslationPage = z.infer<typeof TranslationPage>;

export const TranslationInput = z.object({ key: TranslationKey, value: z.string().max(MAX_VALUE_LENGTH * 2) });
export type TranslationInput = z.infer<typeof TranslationInput>;

export const TranslationSaved = z.object({ key: z.string(), value: z.string(), version: z.number().int() });
export type TranslationSaved = z.infer<typeof TranslationSaved>;

export const TranslationImport = z.object({
  entries: z.record(z.string().max(200), z.string().max(MAX_VALUE_LENGTH * 2))
    .refine((entries) => Object.keys(entries).length <= MAX_IMPORT_ENTRIES, `at most ${MAX_IMPORT_ENTRIES} entries`),
});
export type TranslationImport = z.infer<typeof TranslationImport>;

export const TranslationImported = z.object({ imported: z.number().int(), version: z.number().int() });
export const TranslationExport = z.object({ locale: z.string(), entries: z.record(z.string(), z.string()) });
export type TranslationExport = z.infer<typeof TranslationExport>;

export const PageKey = z.string().min(1).max(100).regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'a page key like orgs.staff');
export const PageKeyParams = z.object({ page_key: PageKey });
export const HelpQuery = z.object({ locale: z.string().min(1).max(10).default('fa') });
export const HelpListQuery = z.object({ locale: z.string().min(1).max(10).optional() });

export const HelpPage = z.object({
  page_key: z.string(),
  locale: z.string(),
  title: z.string(),
  body_markdown: z.string(),
  updated_at: z.string(),
});
export type HelpPage = z.infer<typeof HelpPage>;

export const HelpPageInput = z.object({
  locale: z.string().min(1).max(10),
  title: z.string().trim().min(1).max(200),
  body_markdown: z.string().max(50_000),
});
export type HelpPageInput = z.infer<typeof HelpPageInput>;

export const HelpPageList = z.object({ items: z.array(HelpPage) });
