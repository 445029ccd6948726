/** Helpers of the Excel import screen (kept apart from the screen so they are unit-tested). */
import type { ImportReport } from './catalog.api';

/** The server refuses files over 5 MB (see modules/catalog/README.md); checked before reading. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/** Rows without any error (several errors may name the same row). */
export function validRowCount(report: Pick<ImportReport, 'total_rows' | 'errors'>): number {
  return Math.max(0, report.total_rows - new Set(report.errors.map((e) => e.row)).size);
}
