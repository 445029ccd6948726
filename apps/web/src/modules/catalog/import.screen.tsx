/**
 * Excel import and export. The first attempt imports all or nothing; when rows have errors the report
 * lists them (row, column, translated reason) and the person may choose to import only the valid rows.
 */
import { useState } from 'react';
import { Alert, Button, Card, FileInput, Group, Stack, Table, Text } from '@mantine/core';
import { IconDownload, IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { problemMessage } from '../../lib/errors';
import { formatNumber } from '../../lib/format';
import { OperationProgress, type ProgressState } from '../../lib/progress';
import { i18n } from '../../lib/i18n';
import type { Locale } from '@chaharsu/i18n/messages';
import { usePermissions } from '../../app/permissions';
import { CatalogPermission } from './permissions';
import { EXPORT_URL, useImportProducts, type ImportReport, type ImportRowError } from './catalog.api';
import { fileToBase64 } from '../../lib/file';
import { MAX_IMPORT_BYTES, validRowCount } from './import-file';

/** The steps of one import: read the file, send it, the server's answer. */
const STEPS = 3;

type Translate = (key: string, options?: Record<string, unknown>) => string;

function rowErrorMessage(error: ImportRowError, t: Translate, locale: Locale): string {
  const key = `errors.${error.code}`;
  const params = Object.fromEntries(Object.entries(error.params ?? {}).map(([k, v]) => [k, typeof v === 'number' ? formatNumber(v, locale) : String(v ?? '')]));
  return i18n.exists(key) ? t(key, params) : t('errors.generic');
}

/** The sheet's column as the person knows it: `price_3` → «قیمت ۳», `code` → «کد کالا»; unknown names as they are. */
function columnLabel(column: string | null, t: Translate, locale: Locale): string {
  if (!column) return '—';
  const price = /^price_(\d+)$/.exec(column);
  if (price) return t('catalog.import_columns.price', { level: formatNumber(Number(price[1]), locale) });
  const key = `catalog.import_columns.${column}`;
  return i18n.exists(key) ? t(key) : column;
}

function ReportView({ report, onImportValid, busy }: { report: ImportReport; onImportValid: () => void; busy: boolean }) {
  const { t, locale } = useLocale();
  const n = (v: number) => formatNumber(v, locale);
  const valid = validRowCount(report);
  return (
    <Card withBorder data-testid="import-report" data-status={report.status}>
      <Stack>
        <Alert color={report.status === 'imported' ? (report.errors.length ? 'yellow' : 'teal') : 'red'} data-testid="import-summary">
          {report.status === 'imported'
            ? t('catalog.import_done', { created: n(report.created), updated: n(report.updated), skipped: n(report.skipped), total: n(report.total_rows) })
            : t('catalog.import_rejected', { errors: n(report.errors.length), total: n(report.total_rows) })}
        </Alert>
        {report.status === 'rejected' && report.mode === 'all_or_nothing' && valid > 0 && (
          <Group>
            <Text size="sm">{t('catalog.import_valid_rows_offer', { valid: n(valid) })}</Text>
            <Button color="orange" onClick={onImportValid} loading={busy} data-testid="import-valid-rows">{t('catalog.import_valid_rows', { valid: n(valid) })}</Button>
          </Group>
        )}
        {report.errors.length > 0 && (
          <Table striped data-testid="import-errors">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('catalog.import_row')}</Table.Th>
                <Table.Th>{t('catalog.import_column')}</Table.Th>
                <Table.Th>{t('catalog.import_error')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.errors.map((e, i) => (
                <Table.Tr key={`${e.row}-${e.column ?? ''}-${i}`} data-testid="import-error-row" data-row={e.row} data-code={e.code}>
                  <Table.Td>{n(e.row)}</Table.Td>
                  <Table.Td>{columnLabel(e.column, t, locale)}</Table.Td>
                  <Table.Td>{rowErrorMessage(e, t, locale)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}

export default function ImportScreen() {
  const { t, locale } = useLocale();
  const permissions = usePermissions();
  const canImport = permissions.has(CatalogPermission.import);
  const canExport = permissions.has(CatalogPermission.export);
  const importProducts = useImportProducts();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<ProgressState | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tooLarge, setTooLarge] = useState(false);

  const run = async (mode: 'all_or_nothing' | 'valid_rows') => {
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) return setTooLarge(true);
    setTooLarge(false);
    setError(null);
    setProgress({ done: 0, total: STEPS });
    try {
      const file_base64 = await fileToBase64(file);
      setProgress({ done: 1, total: STEPS });
      const answer = await importProducts.mutateAsync({ file_base64, mode });
      setReport(answer);
      setProgress({ done: STEPS, total: STEPS });
    } catch (failure) {
      setError(failure);
      setProgress(null);
    }
  };

  return (
    <Page
      titleKey="pages.catalog_import"
      descriptionKey="catalog.import_description"
      testId="import-screen"
      actions={canExport && <Button component="a" href={EXPORT_URL} download variant="light" leftSection={<IconDownload size={16} />} data-testid="export-download">{t('catalog.export')}</Button>}
    >
      {canImport && (
        <Card withBorder>
          <Stack>
            <FileInput
              label={t('catalog.import_file')}
              description={t('catalog.import_file_hint')}
              accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              leftSection={<IconFileSpreadsheet size={16} />}
              value={file}
              onChange={(f) => { setFile(f); setReport(null); setProgress(null); setError(null); }}
              clearable
              maw={420}
              data-testid="import-file"
            />
            <Group>
              <Button leftSection={<IconUpload size={16} />} disabled={!file} loading={importProducts.isPending} onClick={() => void run('all_or_nothing')} data-testid="import-start">{t('catalog.import_start')}</Button>
            </Group>
            {tooLarge && <Text c="red" size="sm" data-testid="import-too-large">{t('catalog.import_too_large', { mb: formatNumber(MAX_IMPORT_BYTES / 1024 / 1024, locale) })}</Text>}
            {progress && <OperationProgress labelKey={progress.done < STEPS ? 'catalog.import_running' : 'catalog.import_finished'} state={progress} testId="import-progress" />}
            {error !== null && <Text c="red" size="sm" data-testid="import-failure">{problemMessage(error, t, locale)}</Text>}
          </Stack>
        </Card>
      )}
      {report && <ReportView report={report} onImportValid={() => void run('valid_rows')} busy={importProducts.isPending} />}
    </Page>
  );
}
