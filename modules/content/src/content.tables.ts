/** Rows of the `content` schema, as Kysely returns them. */
export interface TranslationOverrideRow {
  locale: string;
  key: string;
  value: string;
  updated_by: string | null;
  updated_at: Date;
}

export interface HelpPageRow {
  page_key: string;
  locale: string;
  title: string;
  body_markdown: string;
  updated_by: string | null;
  updated_at: Date;
}
