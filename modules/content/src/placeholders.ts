/**
 * The i18next interpolation placeholders of a text (`{{name}}`, `{{ count }}`, `{{date, datetime}}`). An
 * override must keep exactly the default's set: a dropped placeholder loses information, an invented one
 * shows as literal braces.
 */
const PLACEHOLDER = /\{\{\s*([^{}\s,]+)[^{}]*\}\}/g;

export function placeholdersOf(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) if (match[1]) names.add(match[1]);
  return names;
}

/** The placeholders missing from `value` and those it adds, compared with `reference`. */
export function placeholderDifference(reference: string, value: string): { missing: string[]; extra: string[] } {
  const expected = placeholdersOf(reference);
  const actual = placeholdersOf(value);
  return {
    missing: [...expected].filter((name) => !actual.has(name)).sort(),
    extra: [...actual].filter((name) => !expected.has(name)).sort(),
  };
}
