/** Kysely queries of the `content` schema. Typed input, rows out, no rules. */
import { sql } from 'kysely';
import type { Tx } from '@chaharsu/db';
import type { HelpPageRow, TranslationOverrideRow } from './content.tables.js';

export async function catalogueVersion(tx: Tx, locale: string): Promise<number> {
  const row = await tx.selectFrom('content.catalogue_version').select('version').where('locale', '=', locale).executeTakeFirst();
  return row ? Number(row.version) : 0;
}

/** Version and overrides read by one statement, so both come from the same snapshot. */
export async function publishedOverrides(tx: Tx, locale: string): Promise<{ version: number; overrides: Record<string, string> }> {
  const { rows } = await sql<{ version: bigint | null; overrides: Record<string, string> | null }>`
    select (select version from content.catalogue_version where locale = ${locale}) as version,
           (select jsonb_object_agg(key, value) from content.translation_overrides where locale = ${locale}) as overrides`.execute(tx);
  const row = rows[0];
  return { version: Number(row?.version ?? 0), overrides: row?.overrides ?? {} };
}

/** Bumps the language's version; the row lock also orders concurrent changes of one language. */
export async function bumpVersion(tx: Tx, locale: string): Promise<number> {
  const row = await tx.updateTable('content.catalogue_version').set({ version: sql`version + 1` }).where('locale', '=', locale)
    .returning('version').executeTakeFirstOrThrow();
  return Number(row.version);
}

export async function overridesOf(tx: Tx, locale: string): Promise<TranslationOverrideRow[]> {
  return tx.selectFrom('content.translation_overrides').selectAll().where('locale', '=', locale).orderBy('key').execute() as Promise<TranslationOverrideRow[]>;
}

export async function overridesByKeys(tx: Tx, locale: string, keys: string[]): Promise<TranslationOverrideRow[]> {
  if (keys.length === 0) return [];
  return tx.selectFrom('content.translation_overrides').selectAll().where('locale', '=', locale).where('key', 'in', keys)
    .execute() as Promise<TranslationOverrideRow[]>;
}

export async function upsertOverrides(tx: Tx, rows: Array<{ locale: string; key: string; value: string; updated_by: string | null }>): Promise<void> {
  const CHUNK = 1000;
  for (let start = 0; start < rows.length; start += CHUNK) {
    await tx.insertInto('content.translation_overrides').values(rows.slice(start, start + CHUNK).map((r) => ({ ...r, updated_at: sql`now()` })))
      .onConflict((oc) => oc.columns(['locale', 'key']).doUpdateSet({ value: sql`excluded.value`, updated_by: sql`excluded.updated_by`, updated_at: sql`now()` }))
      .execute();
  }
}

export async function deleteOverride(tx: Tx, locale: string, key: string): Promise<TranslationOverrideRow | undefined> {
  return tx.deleteFrom('content.translation_overrides').where('locale', '=', locale).where('key', '=', key).returningAll()
    .executeTakeFirst() as Promise<TranslationOverrideRow | undefined>;
}

export async function findHelpPage(tx: Tx, page_key: string, locale: string): Promise<HelpPageRow | undefined> {
  return tx.selectFrom('content.help_pages').selectAll().where('page_key', '=', page_key).where('locale', '=', locale)
    .executeTakeFirst() as Promise<HelpPageRow | undefined>;
}

export async function upsertHelpPage(tx: Tx, page: { page_key: string; locale: string; title: string; body_markdown: string; updated_by: string | null }): Promise<HelpPageRow> {
  return tx.insertInto('content.help_pages').values({ ...page, updated_at: sql`now()` })
    .onConflict((oc) => oc.columns(['page_key', 'locale']).doUpdateSet({
      title: sql`excluded.title`, body_markdown: sql`excluded.body_markdown`, updated_by: sql`excluded.updated_by`, updated_at: sql`now()`,
    }))
    .returningAll().executeTakeFirstOrThrow() as Promise<HelpPageRow>;
}

export async function listHelpPages(tx: Tx, locale: string | null, limit: number): Promise<HelpPageRow[]> {
  let query = tx.selectFrom('content.help_pages').selectAll();
  if (locale) query = query.where('locale', '=', locale);
  return query.orderBy('page_key').orderBy('locale').limit(limit).execute() as Promise<HelpPageRow[]>;
}
