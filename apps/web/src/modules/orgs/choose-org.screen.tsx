/** Several organisations: the person chooses (and may mark one as the default that opens next time). */
import { useEffect } from 'react';
import { Badge, Button, Card, Center, Group, Loader, Stack, Switch, Text, Title } from '@mantine/core';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useLocale } from '../../lib/i18n';
import { formatDate } from '../../lib/format';
import { useNotifyError } from '../../lib/errors';
import { LanguageMenu, ColorSchemeToggle, UserMenu } from '../../app/header-controls';
import { HelpButton } from '../../lib/help';
import { markOrganisationChoiceAnswered } from '../../app/org-switch-offer';
import { useMe } from '../identity/identity.api';
import { useMyOrganisations, useSelectOrganisation, useSetDefaultOrganisation } from './orgs.api';

export default function ChooseOrganisationScreen() {
  const { t, locale } = useLocale();
  const me = useMe().data;
  const orgs = useMyOrganisations();
  const select = useSelectOrganisation();
  const setDefault = useSetDefaultOrganisation();
  const navigate = useNavigate();
  const notifyError = useNotifyError();
  const search = useSearch({ strict: false }) as { redirect?: unknown };
  useEffect(() => {
    document.title = `${t('pages.choose_organisation')} · ${t('common.app_name')}`;
  }, [t]);
  useEffect(() => {
    if (orgs.data && orgs.data.items.length === 0) void navigate({ to: '/no-organisation' });
  }, [orgs.data, navigate]);

  const enter = (org_id: string) =>
    select.mutate(org_id, {
      onSuccess: () => {
        markOrganisationChoiceAnswered(me?.csrf_token);
        const target = typeof search.redirect === 'string' && search.redirect.startsWith('/') && !search.redirect.startsWith('//') ? search.redirect : '/';
        void navigate({ to: target });
      },
      onError: notifyError,
    });

  return (
    <Center mih="100vh" p="md" data-testid="choose-org-screen">
      <Stack w="100%" maw={560}>
        <Group justify="space-between">
          <Title order={2}>{t('pages.choose_organisation')}</Title>
          <Group gap="xs"><LanguageMenu /><ColorSchemeToggle /><HelpButton page_key="choose_organisation" canEdit={false} /><UserMenu /></Group>
        </Group>
        <Text c="dimmed">{t('orgs.choose_text')}</Text>
        {orgs.isPending && <Loader aria-label={t('common.loading')} />}
        {(orgs.data?.items ?? []).map((org) => (
          <Card key={org.org_id} withBorder data-testid={`org-choice-${org.slug}`}>
            <Group justify="space-between" wrap="nowrap">
              <div>
                <Group gap="xs">
                  <Text fw={600}>{org.name}</Text>
                  {orgs.data?.default_org_id === org.org_id && <Badge variant="light">{t('orgs.default_badge')}</Badge>}
                </Group>
                <Text size="sm" c="dimmed">{org.roles.map((r) => t(`roles.${r}`, { defaultValue: r })).join(t('common.list_separator'))}</Text>
                {org.last_used_at && <Text size="xs" c="dimmed">{t('orgs.last_used', { date: formatDate(org.last_used_at, locale) })}</Text>}
                <Switch
                  mt="xs"
                  size="xs"
                  label={t('orgs.make_default')}
                  checked={orgs.data?.default_org_id === org.org_id}
                  onChange={(e) => setDefault.mutate(e.currentTarget.checked ? org.org_id : null, { onError: notifyError })}
                  data-testid={`org-default-${org.slug}`}
                />
              </div>
              <Button onClick={() => enter(org.org_id)} loading={select.isPending && select.variables === org.org_id} data-testid={`org-enter-${org.slug}`}>
                {t('orgs.enter')}
              </Button>
            </Group>
          </Card>
        ))}
      </Stack>
    </Center>
  );
}
