import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useLocale } from '../lib/i18n';
import { problemMessage } from '../lib/errors';

export function NotFoundScreen() {
  const { t } = useLocale();
  return (
    <Center mih="60vh" data-testid="not-found">
      <Stack align="center">
        <Title order={2}>{t('common.not_found_title')}</Title>
        <Text c="dimmed">{t('common.not_found_text')}</Text>
        <Button component={Link} to="/">{t('common.go_home')}</Button>
      </Stack>
    </Center>
  );
}

export function RouteErrorScreen({ error }: { error: unknown }) {
  const { t, locale } = useLocale();
  return (
    <Center mih="60vh" data-testid="route-error">
      <Stack align="center">
        <Title order={2}>{t('common.error_title')}</Title>
        <Text c="dimmed">{problemMessage(error, t, locale)}</Text>
        <Button onClick={() => window.location.reload()}>{t('common.reload')}</Button>
      </Stack>
    </Center>
  );
}

export function ForbiddenScreen() {
  const { t } = useLocale();
  return (
    <Center mih="50vh" data-testid="forbidden">
      <Stack align="center">
        <Title order={2}>{t('common.forbidden_title')}</Title>
        <Text c="dimmed">{t('errors.common.forbidden')}</Text>
        <Button component={Link} to="/">{t('common.go_home')}</Button>
      </Stack>
    </Center>
  );
}
