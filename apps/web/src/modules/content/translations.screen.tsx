/**
 * The translations editor: every key with its default text and the override in force; save or reset a
 * row, import a JSON file (flat `{key: text}`, `{entries: …}` or a nested catalogue) in batches with
 * progress, export the overrides. Changes reach every open page within one poll of the override version.
 */
import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Code, FileButton, Group, Pagination, Select, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDownload, IconSearch, IconUpload } from '@tabler/icons-react';
import { LOCALES, isLocale, type Locale } from '@chaharsu/i18n/messages';
import { entriesFromFile } from './import-file';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatNumber } from '../../lib/format';
import { problemMessage, useNotifyError, useNotifySaved } from '../../lib/errors';
import { OperationProgress, type ProgressState } from '../../lib/progress';
import { useShortcut } from '../../lib/shortcuts';
import { exportTranslations, importTranslations, useResetTranslation, useSaveTranslation, useTranslationsChanged, useTranslationsPage, type TranslationItem } from './content.api';

const PAGE_SIZE = 30;
const IMPORT_BATCH = 200;

function TranslationRow({ item, locale }: { item: TranslationItem; locale: Locale }) {
  const { t, locale: uiLocale } = useLocale();
  const [value, setValue] = useState(item.override_value ?? '');
  const save = useSaveTranslation(locale);
  const reset = useResetTranslation(locale);
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  useEffect(() => setValue(item.override_value ?? ''), [item.override_value]);
  const changed = value !== (item.override_value ?? '');
  const submit = () => value.trim() && save.mutate({ key: item.key, value }, { onSuccess: () => notifySaved(), onError: notifyError });
  return (
    <Table.Tr data-testid="translation-row" data-key={item.key}>
      <Table.Td maw={260}><Code dir="ltr" style={{ wordBreak: 'break-all' }}>{item.key}</Code></Table.Td>
      <Table.Td maw={320}><Text size="sm" lang={locale} dir="auto">{item.default_value ?? '—'}</Text></Table.Td>
      <Table.Td miw={280}>
        <Textarea
          autosize
          minRows={1}
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); } }}
          placeholder={item.default_value ?? ''}
          aria-label={t('translations.override_for', { key: item.key })}
          lang={locale}
          dir="auto"
          data-testid={`translation-input-${item.key}`}
        />
        {item.updated_at && <Text size="xs" c="dimmed">{t('translations.updated_at', { date: formatDate(item.updated_at, uiLocale) })}</Text>}
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Button size="xs" onClick={submit} disabled={!changed || !value.trim()} loading={save.isPending} data-testid={`translation-save-${item.key}`}>{t('common.save')}</Button>
          {item.override_value !== null && (
            <Button size="xs" variant="light" color="red" loading={reset.isPending} onClick={() => reset.mutate(item.key, { onSuccess: () => notifySaved('translations.reset_done'), onError: notifyError })} data-testid={`translation-reset-${item.key}`}>
              {t('translations.reset')}
            </Button>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function ImportExport({ locale }: { locale: Locale }) {
  const { t, locale: uiLocale } = useLocale();
  const [progress, setProgress] = useState<ProgressState | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const changed = useTranslationsChanged(locale);

  const runImport = async (file: File | null) => {
    if (!file) return;
    setResult(null);
    let entries: Record<string, string>;
    try {
      entries = entriesFromFile(JSON.parse(await file.text()));
    } catch {
      setResult({ ok: false, text: t('translations.import_bad_file') });
      return;
    }
    const pairs = Object.entries(entries);
    if (pairs.length === 0) return setResult({ ok: false, text: t('translations.import_empty') });
    let imported = 0;
    setProgress({ done: 0, total: pairs.length });
    try {
      for (let start = 0; start < pairs.length; start += IMPORT_BATCH) {
        const batch = Object.fromEntries(pairs.slice(start, start + IMPORT_BATCH));
        imported += (await importTranslations(locale, batch)).imported;
        setProgress({ done: Math.min(pairs.length, start + IMPORT_BATCH), total: pairs.length });
      }
      setResult({ ok: true, text: t('translations.import_done', { imported: formatNumber(imported, uiLocale) }) });
    } catch (error) {
      setResult({ ok: false, text: problemMessage(error, t, uiLocale) });
    } finally {
      await changed();
    }
  };

  const runExport = async () => {
    try {
      const { entries } = await exportTranslations(locale);
      const blob = new Blob([JSON.stringify({ locale, entries }, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = `chaharsu-translations-${locale}.json`;
      anchor.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setResult({ ok: false, text: problemMessage(error, t, uiLocale) });
    }
  };

  return (
    <Stack gap="xs">
      <Group>
        <FileButton onChange={(file) => void runImport(file)} accept="application/json,.json" inputProps={{ 'data-testid': 'translations-import-input' } as object}>
          {(props) => <Button {...props} variant="light" leftSection={<IconUpload size={16} />} data-testid="translations-import">{t('translations.import')}</Button>}
        </FileButton>
        <Button variant="light" leftSection={<IconDownload size={16} />} onClick={() => void runExport()} data-testid="translations-export">{t('translations.export')}</Button>
      </Group>
      {progress && <OperationProgress labelKey="translations.importing" state={progress} testId="translations-import-progress" />}
      {result && <Alert color={result.ok ? 'teal' : 'red'} data-testid="translations-import-result">{result.text}</Alert>}
    </Stack>
  );
}

export default function TranslationsScreen() {
  const { t, locale: uiLocale } = useLocale();
  const [locale, setLocale] = useState<Locale>(uiLocale);
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  const list = useTranslationsPage(locale, debounced, PAGE_SIZE, (page - 1) * PAGE_SIZE);
  const total = list.data?.total ?? 0;
  useEffect(() => setPage(1), [debounced, locale]);
  useShortcut({ id: 'translations.search', keys: ['F3'], label_key: 'shortcuts.page_search', group_key: 'shortcuts.group_page', run: () => document.querySelector<HTMLInputElement>('[data-testid="translations-search"]')?.focus() });
  return (
    <Page titleKey="pages.platform_translations" descriptionKey="translations.description" testId="translations-screen">
      <Group align="flex-end">
        <Select label={t('translations.locale')} value={locale} onChange={(v) => isLocale(v) && setLocale(v)} data={LOCALES.map((l) => ({ value: l, label: t(`languages.${l}`) }))} allowDeselect={false} w={180} data-testid="translations-locale" />
        <TextInput label={t('translations.search')} leftSection={<IconSearch size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={320} data-testid="translations-search" />
        <Badge variant="light" size="lg">{t('common.total_rows', { total: formatNumber(total, uiLocale) })}</Badge>
      </Group>
      <ImportExport locale={locale} />
      {list.error && <Alert color="red">{problemMessage(list.error, t, uiLocale)}</Alert>}
      <Table.ScrollContainer minWidth={900}>
        <Table verticalSpacing="xs" striped data-testid="translations-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('translations.key')}</Table.Th>
              <Table.Th>{t('translations.default')}</Table.Th>
              <Table.Th>{t('translations.override')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data?.items ?? []).map((item) => <TranslationRow key={`${locale}:${item.key}`} item={item} locale={locale} />)}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {total > PAGE_SIZE && (
        <Pagination total={Math.ceil(total / PAGE_SIZE)} value={page} onChange={setPage} getItemProps={(p) => ({ children: formatNumber(p, uiLocale) })} data-testid="translations-pagination" />
      )}
    </Page>
  );
}
