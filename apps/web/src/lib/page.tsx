/** The frame of a panel screen: translated title (also the window title), actions on the end side. */
import { useEffect, type ReactNode } from 'react';
import { Group, Stack, Title, Text } from '@mantine/core';
import { useLocale } from './i18n';

export function Page({ titleKey, descriptionKey, actions, children, testId }: { titleKey: string; descriptionKey?: string; actions?: ReactNode; children: ReactNode; testId?: string }) {
  const { t } = useLocale();
  const title = t(titleKey);
  useEffect(() => {
    document.title = `${title} · ${t('common.app_name')}`;
  }, [title, t]);
  return (
    <Stack gap="md" data-testid={testId}>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={2}>{title}</Title>
          {descriptionKey && <Text c="dimmed" size="sm">{t(descriptionKey)}</Text>}
        </div>
        {actions && <Group gap="xs">{actions}</Group>}
      </Group>
      {children}
    </Stack>
  );
}
