/**
 * The rules of translations and help guides. Defaults come from the bundled catalogue (@chaharsu/i18n); the
 * database holds only the platform admin's overrides, and each change bumps the language's version in the
 * same transaction, so clients polling the version pick it up without a rebuild.
 */
import { AppError, actorUserId, normaliseForSearch } from '@chaharsu/kit';
import type { AuditApi } from '@chaharsu/audit';
import type { Ctx } from '@chaharsu/http';
import * as repo from './content.repository.js';
import {
  CONTENT_LOCALES, MAX_VALUE_LENGTH, type ContentLocale, type HelpPage, type HelpPageInput, type PublicOverrides,
  type TranslationExport, type TranslationItem, type TranslationListQuery, type TranslationPage, type TranslationSaved,
} from './content.contracts.js';
import type { HelpPageRow } from './content.tables.js';
import { placeholderDifference } from './placeholders.js';

/** The default text of every key in a language (flat dotted keys). */
export type DefaultCatalogue = (locale: ContentLocale) => Readonly<Record<string, string>>;

/** Guides fall back to Persian, the language every guide is written in first. */
const HELP_FALLBACK_LOCALE: ContentLocale = 'fa';
const MAX_HELP_PAGES_LISTED = 5000;

export function parseLocale(locale: string): ContentLocale {
  if (!(CONTENT_LOCALES as readonly string[]).includes(locale)) throw new AppError('content.locale_unknown', { locale });
  return locale as ContentLocale;
}

type EntryProblem = { code: 'content.unknown_key' | 'content.value_invalid' | 'content.placeholders_mismatch'; params: Record<string, string | number> };

/** Why an override cannot be stored, or null when it can. */
export function entryProblem(defaults: Readonly<Record<string, string>>, key: string, value: string): EntryProblem | null {
  const reference = defaults[key];
  if (reference === undefined) return { code: 'content.unknown_key', params: { key } };
  if (value.trim().length === 0 || value.length > MAX_VALUE_LENGTH) return { code: 'content.value_invalid', params: { key, max_length: MAX_VALUE_LENGTH } };
  const { missing, extra } = placeholderDifference(reference, value);
  if (missing.length || extra.length) return { code: 'content.placeholders_mismatch', params: { key, missing: missing.join(','), extra: extra.join(',') } };
  return null;
}

function helpDto(row: HelpPageRow): HelpPage {
  return { page_key: row.page_key, locale: row.locale, title: row.title, body_markdown: row.body_markdown, updated_at: new Date(row.updated_at).toISOString() };
}

function matches(needle: string, item: TranslationItem): boolean {
  return [item.key, item.default_value ?? '', item.override_value ?? ''].some((text) => normaliseForSearch(text).includes(needle));
}

export interface ContentService {
  catalogueVersion(ctx: Ctx, locale: string): Promise<number>;
  publishedOverrides(ctx: Ctx, locale: string): Promise<PublicOverrides>;
  listTranslations(ctx: Ctx, query: TranslationListQuery): Promise<TranslationPage>;
  saveTranslation(ctx: Ctx, locale: string, input: { key: string; value: string }): Promise<TranslationSaved>;
  resetTranslation(ctx: Ctx, locale: string, key: string): Promise<void>;
  importTranslations(ctx: Ctx, locale: string, entries: Record<string, string>): Promise<{ imported: number; version: number }>;
  exportTranslations(ctx: Ctx, locale: string): Promise<TranslationExport>;
  helpPage(ctx: Ctx, page_key: string, locale: string): Promise<HelpPage>;
  saveHelpPage(ctx: Ctx, page_key: string, input: HelpPageInput): Promise<HelpPage>;
  listHelpPages(ctx: Ctx, locale?: string): Promise<{ items: HelpPage[] }>;
}

export function createContentService(deps: { audit: AuditApi; defaults: DefaultCatalogue }): ContentService {
  const { audit, defaults } = deps;

  return {
    catalogueVersion: (ctx, locale) => repo.catalogueVersion(ctx.db, parseLocale(locale)),

    async publishedOverrides(ctx, locale) {
      const language = parseLocale(locale);
      return { locale: language, ...(await repo.publishedOverrides(ctx.db, language)) };
    },

    async listTranslations(ctx, query) {
      const locale = parseLocale(query.locale);
      const base = defaults(locale);
      const overrides = new Map((await repo.overridesOf(ctx.db, locale)).map((row) => [row.key, row]));
      // Overrides whose key left the catalogue stay listed (default null), so the admin can remove them.
      const keys = [...new Set([...Object.keys(base), ...overrides.keys()])].sort();
      let items: TranslationItem[] = keys.map((key) => {
        const override = overrides.get(key);
        return { key, default_value: base[key] ?? null, override_value: override?.value ?? null, updated_at: override ? new Date(override.updated_at).toISOString() : null };
      });
      if (query.only_overridden) items = items.filter((item) => item.override_value !== null);
      const needle = normaliseForSearch(query.search ?? '');
      if (needle) items = items.filter((item) => matches(needle, item));
      return { items: items.slice(query.offset, query.offset + query.limit), total: items.length };
    },

    async saveTranslation(ctx, locale, input) {
      const language = parseLocale(locale);
      const problem = entryProblem(defaults(language), input.key, input.value);
      if (problem) throw new AppError(problem.code, problem.params);
      const [before] = await repo.overridesByKeys(ctx.db, language, [input.key]);
      await repo.upsertOverrides(ctx.db, [{ locale: language, key: input.key, value: input.value, updated_by: actorUserId(ctx.actor) }]);
      const version = await repo.bumpVersion(ctx.db, language);
      await audit.record(ctx, {
        org_id: null, action: 'content.translation_saved', entity_type: 'translation', entity_id: `${language}:${input.key}`,
        before: before ? { value: before.value } : null, after: { value: input.value, version },
      });
      return { key: input.key, value: input.value, version };
    },

    async resetTranslation(ctx, locale, key) {
      const language = parseLocale(locale);
      const removed = await repo.deleteOverride(ctx.db, language, key);
      if (!removed) return; // already the default: nothing changed, nothing to publish
      const version = await repo.bumpVersion(ctx.db, language);
      await audit.record(ctx, {
        org_id: null, action: 'content.translation_reset', entity_type: 'translation', entity_id: `${language}:${key}`,
        before: { value: removed.value }, after: { value: null, version },
      });
    },

    async importTranslations(ctx, locale, entries) {
      const language = parseLocale(locale);
      const base = defaults(language);
      const pairs = Object.entries(entries);
      const errors = pairs.flatMap(([key, value]) => {
        const problem = entryProblem(base, key, value);
        return problem ? [{ path: key, code: problem.code, params: problem.params }] : [];
      });
      if (errors.length) throw new AppError('content.import_invalid', { invalid: errors.length, total: pairs.length }, errors);
      if (pairs.length === 0) return { imported: 0, version: await repo.catalogueVersion(ctx.db, language) };
      const before = await repo.overridesByKeys(ctx.db, language, pairs.map(([key]) => key));
      const updated_by = actorUserId(ctx.actor);
      await repo.upsertOverrides(ctx.db, pairs.map(([key, value]) => ({ locale: language, key, value, updated_by })));
      const version = await repo.bumpVersion(ctx.db, language);
      await audit.record(ctx, {
        org_id: null, action: 'content.translations_imported', entity_type: 'translation_catalogue', entity_id: language,
        before: { entries: Object.fromEntries(before.map((row) => [row.key, row.value])) }, after: { entries, version },
      });
      return { imported: pairs.length, version };
    },

    async exportTranslations(ctx, locale) {
      const language = parseLocale(locale);
      const rows = await repo.overridesOf(ctx.db, language);
      return { locale: language, entries: Object.fromEntries(rows.map((row) => [row.key, row.value])) };
    },

    async helpPage(ctx, page_key, locale) {
      const language = parseLocale(locale);
      const row = (await repo.findHelpPage(ctx.db, page_key, language))
        ?? (language === HELP_FALLBACK_LOCALE ? undefined : await repo.findHelpPage(ctx.db, page_key, HELP_FALLBACK_LOCALE));
      if (!row) throw new AppError('help.not_found', { page_key, locale: language });
      return helpDto(row);
    },

    async saveHelpPage(ctx, page_key, input) {
      const language = parseLocale(input.locale);
      const before = await repo.findHelpPage(ctx.db, page_key, language);
      const row = await repo.upsertHelpPage(ctx.db, { page_key, locale: language, title: input.title, body_markdown: input.body_markdown, updated_by: actorUserId(ctx.actor) });
      await audit.record(ctx, {
        org_id: null, action: 'content.help_saved', entity_type: 'help_page', entity_id: `${page_key}:${language}`,
        before: before ? { title: before.title, body_markdown: before.body_markdown } : null, after: { title: row.title, body_markdown: row.body_markdown },
      });
      return helpDto(row);
    },

    async listHelpPages(ctx, locale) {
      const language = locale === undefined ? null : parseLocale(locale);
      return { items: (await repo.listHelpPages(ctx.db, language, MAX_HELP_PAGES_LISTED)).map(helpDto) };
    },
  };
}
