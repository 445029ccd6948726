/** The before/after comparison of an audit entry. */
/** A field's value as text (strings as they are, the rest as JSON). */
export function showValue(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The fields that differ between before and after (all fields of a creation or a deletion). */
export function changedFields(before: unknown, after: unknown): Array<{ field: string; before: unknown; after: unknown }> {
  const asObject = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : v === null || v === undefined ? {} : { value: v });
  const b = asObject(before);
  const a = asObject(after);
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return fields.map((field) => ({ field, before: b[field], after: a[field] })).filter((row) => showValue(row.before) !== showValue(row.after) || before === null || after === null);
}

