/** The help button of every page: opens the current page's guide (GET /api/help/:page_key). */
import { lazy, Suspense } from 'react';
import { ActionIcon, Alert, Anchor, Drawer, Loader, Stack, Text, Tooltip, useDirection } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconHelp } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, isProblem } from './api';
import { useLocale } from './i18n';
import { formatDate } from './format';
import { useShortcut } from './shortcuts';

const SafeMarkdown = lazy(() => import('./markdown'));

export interface HelpGuide {
  page_key: string;
  locale: string;
  title: string;
  body_markdown: string;
  updated_at: string;
}

export function useHelpGuide(page_key: string, locale: string, enabled = true) {
  return useQuery({
    queryKey: ['help', page_key, locale],
    enabled,
    queryFn: async (): Promise<HelpGuide | null> => {
      try {
        return await api.get<HelpGuide>(`/api/help/${encodeURIComponent(page_key)}?locale=${encodeURIComponent(locale)}`);
      } catch (error) {
        if (isProblem(error, 'help.not_found') || isProblem(error, 'common.not_found')) return null;
        throw error;
      }
    },
  });
}

function GuideBody({ page_key, canEdit }: { page_key: string; canEdit: boolean }) {
  const { t, locale } = useLocale();
  const guide = useHelpGuide(page_key, locale);
  if (guide.isPending) return <Loader size="sm" aria-label={t('common.loading')} />;
  if (guide.isError) return <Alert color="red">{t('errors.generic')}</Alert>;
  return (
    <Stack data-testid="help-body">
      {guide.data ? (
        <>
          <Suspense fallback={<Loader size="sm" aria-label={t('common.loading')} />}>
            <SafeMarkdown text={guide.data.body_markdown} />
          </Suspense>
          <Text size="xs" c="dimmed">{t('help.updated_at', { date: formatDate(guide.data.updated_at, locale) })}</Text>
        </>
      ) : (
        <Text c="dimmed" data-testid="help-empty">{t('help.no_guide')}</Text>
      )}
      {canEdit && (
        <Anchor component={Link} to="/platform/help" search={{ page: page_key } as never} data-testid="help-edit-link">
          {t('help.edit_guide')}
        </Anchor>
      )}
    </Stack>
  );
}

export function HelpButton({ page_key, canEdit }: { page_key: string; canEdit: boolean }) {
  const { t } = useLocale();
  const { dir } = useDirection();
  const [opened, { open, close, toggle }] = useDisclosure(false);
  const guideTitle = useHelpGuide(page_key, useLocale().locale, opened).data?.title;
  useShortcut({ id: 'help.open', keys: ['F1'], label_key: 'shortcuts.help', group_key: 'shortcuts.group_global', run: toggle });
  return (
    <>
      <Tooltip label={t('help.button')}>
        <ActionIcon variant="default" size="lg" onClick={open} aria-label={t('help.button')} data-testid="help-button">
          <IconHelp size={20} />
        </ActionIcon>
      </Tooltip>
      <Drawer opened={opened} onClose={close} position={dir === 'rtl' ? 'left' : 'right'} title={guideTitle ?? t('help.title')} size="md" data-testid="help-drawer" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {opened && <GuideBody page_key={page_key} canEdit={canEdit} />}
      </Drawer>
    </>
  );
}
