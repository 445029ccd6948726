/**
 * What SQL Server's INFORMATION_SCHEMA.COLUMNS (+ COLUMNPROPERTY) would answer for the Holoo tables
 * of holoo.tables.ts, in the shape mssqlDialect.readColumns reads. For the SQL Server compile tests.
 */
import { HOLOO_TABLES, type ColumnDefinition } from '../holoo.tables.js';

function mssqlDefault(column: ColumnDefinition): string | null {
  const value = column.default;
  if (!value) return null;
  if (value.kind === 'now') return '(getdate())';
  if (value.kind === 'text') return `('${value.value.replace(/'/g, "''")}')`;
  return `((${value.value}))`;
}

export function fakeInformationSchema(omit: Record<string, readonly string[]> = {}): Array<Record<string, unknown>> {
  return HOLOO_TABLES.flatMap((table) =>
    table.columns
      .filter((c) => !(omit[table.name] ?? []).includes(c.name))
      .map((c) => ({
        table_name: table.name,
        column_name: c.name,
        data_type: c.type.kind,
        is_nullable: c.nullable ? 'YES' : 'NO',
        max_length: 'length' in c.type ? (c.type.length === 'max' ? -1 : c.type.length) : null,
        column_default: mssqlDefault(c),
        is_identity: c.identity ? 1 : 0,
        is_computed: 0,
      })),
  );
}
