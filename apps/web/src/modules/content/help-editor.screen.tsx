/** Editing each page's help guide per language (markdown with a live, safe preview). */
import { lazy, Suspense, useEffect, useState } from 'react';
import { Alert, Button, Card, Group, Loader, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useSearch } from '@tanstack/react-router';
import { LOCALES, isLocale, type Locale } from '@chaharsu/i18n/messages';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { useHelpGuide } from '../../lib/help';
import { problemMessage, useNotifySaved } from '../../lib/errors';
import { useShortcut } from '../../lib/shortcuts';
import { allPages } from '../../app/modules';
import { pageTitleKey } from '../../app/registry';
import { useSaveHelpGuide } from './content.api';

const SafeMarkdown = lazy(() => import('../../lib/markdown'));

export default function HelpEditorScreen() {
  const { t, locale: uiLocale } = useLocale();
  const search = useSearch({ strict: false }) as { page?: unknown };
  const initialPage = typeof search.page === 'string' && allPages.some((p) => p.page_key === search.page) ? search.page : 'home';
  const [pageKey, setPageKey] = useState<string>(initialPage);
  const [locale, setLocale] = useState<Locale>(uiLocale);
  const guide = useHelpGuide(pageKey, locale);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const save = useSaveHelpGuide();
  const notifySaved = useNotifySaved();

  useEffect(() => {
    if (guide.isPending) return;
    setTitle(guide.data?.title ?? '');
    setBody(guide.data?.body_markdown ?? '');
  }, [guide.data, guide.isPending, pageKey, locale]);

  const submit = () => title.trim() && body.trim() && save.mutate({ page_key: pageKey, input: { locale, title: title.trim(), body_markdown: body } }, { onSuccess: () => notifySaved() });
  useShortcut({ id: 'help-editor.save', keys: ['mod+s', 'F10'], label_key: 'shortcuts.save', group_key: 'shortcuts.group_page', run: submit });

  return (
    <Page titleKey="pages.platform_help" descriptionKey="help_editor.description" testId="help-editor-screen">
      <Group align="flex-end">
        <Select
          label={t('help_editor.page')}
          value={pageKey}
          onChange={(v) => v && setPageKey(v)}
          data={allPages.map((p) => ({ value: p.page_key, label: `${t(pageTitleKey(p))} (${p.path})` }))}
          searchable
          allowDeselect={false}
          w={340}
          data-testid="help-editor-page"
        />
        <Select label={t('translations.locale')} value={locale} onChange={(v) => isLocale(v) && setLocale(v)} data={LOCALES.map((l) => ({ value: l, label: t(`languages.${l}`) }))} allowDeselect={false} w={180} data-testid="help-editor-locale" />
      </Group>
      {!guide.isPending && !guide.data && <Text c="dimmed" size="sm" data-testid="help-editor-new">{t('help_editor.no_guide_yet')}</Text>}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Stack>
          <TextInput label={t('help_editor.title')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} lang={locale} dir="auto" required data-testid="help-editor-title" />
          <Textarea label={t('help_editor.body')} description={t('help_editor.body_hint')} value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={12} maxRows={30} lang={locale} dir="auto" required data-testid="help-editor-body" />
          {save.error && <Alert color="red">{problemMessage(save.error, t, uiLocale)}</Alert>}
          <Button w="fit-content" onClick={submit} disabled={!title.trim() || !body.trim()} loading={save.isPending} data-testid="help-editor-save">{t('common.save')}</Button>
        </Stack>
        <Card withBorder data-testid="help-editor-preview" lang={locale} dir={locale === 'fa' || locale === 'ar' ? 'rtl' : 'ltr'}>
          <Text size="xs" c="dimmed" mb="xs">{t('help_editor.preview')}</Text>
          <Title order={3} mb="sm">{title}</Title>
          <Suspense fallback={<Loader size="sm" aria-label={t('common.loading')} />}>
            <SafeMarkdown text={body} />
          </Suspense>
        </Card>
      </SimpleGrid>
    </Page>
  );
}
