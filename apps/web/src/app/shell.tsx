/**
 * The panel: header (organisation and switcher, assist contact, search, language, colour scheme, help,
 * shortcuts, the person's menu), navbar by permission, and the page.
 */
import { useEffect, useMemo } from 'react';
import { ActionIcon, AppShell, Burger, Button, Group, Menu, NavLink, Popover, ScrollArea, Stack, Text, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Spotlight, spotlight, type SpotlightActionData } from '@mantine/spotlight';
import { IconSearch, IconKeyboard, IconHeadset, IconSelector, IconCheck } from '@tabler/icons-react';
import { Link, Outlet, useMatches, useNavigate, useRouterState } from '@tanstack/react-router';
import { useLocale } from '../lib/i18n';
import { HelpButton } from '../lib/help';
import { formatPhone } from '../lib/format';
import { useNotifyError } from '../lib/errors';
import { registerShortcut, useShortcut } from '../lib/shortcuts';
import { useMe } from '../modules/identity/identity.api';
import { useCurrentOrg, useMyOrganisations, useSelectOrganisation } from '../modules/orgs/orgs.api';
import { allPages } from './modules';
import { pageTitleKey, visibleNavPages, type NavGroup, type PageDefinition } from './registry';
import { usePermissions } from './permissions';
import { ColorSchemeToggle, LanguageMenu, UserMenu } from './header-controls';
import { ShortcutSheet } from './shortcut-sheet';
import { OrgSwitchOffer, markOrganisationChoiceAnswered } from './org-switch-offer';
import { ForbiddenScreen } from './fallbacks';

const NAV_GROUPS: NavGroup[] = ['main', 'organisation', 'platform', 'account'];

function useVisiblePages(): PageDefinition[] {
  const permissions = usePermissions();
  const org = useCurrentOrg().data;
  return useMemo(() => visibleNavPages(allPages, permissions, org), [permissions, org]);
}

function OrgSwitcher() {
  const { t } = useLocale();
  const me = useMe().data;
  const org = useCurrentOrg().data;
  const orgs = useMyOrganisations().data;
  const select = useSelectOrganisation();
  const navigate = useNavigate();
  const notifyError = useNotifyError();
  const label = org?.name ?? t('orgs.no_current');
  return (
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <UnstyledButton data-testid="org-switcher" aria-label={t('orgs.switch')} px="xs" py={4} style={{ borderRadius: 'var(--mantine-radius-md)' }}>
          <Group gap={4} wrap="nowrap">
            <Text fw={600} truncate maw={{ base: 96, xs: 180, sm: 260 }} data-testid="current-org-name">{label}</Text>
            <IconSelector size={16} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('orgs.switch')}</Menu.Label>
        {(orgs?.items ?? []).map((item) => (
          <Menu.Item
            key={item.org_id}
            data-testid={`org-switch-item-${item.slug}`}
            rightSection={item.org_id === org?.id ? <IconCheck size={14} /> : null}
            onClick={() => {
              if (item.org_id === org?.id) return;
              select.mutate(item.org_id, {
                onSuccess: () => {
                  markOrganisationChoiceAnswered(me?.csrf_token);
                  void navigate({ to: '/' });
                },
                onError: notifyError,
              });
            }}
          >
            {item.name}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item onClick={() => void navigate({ to: '/choose-organisation' })}>{t('orgs.all_organisations')}</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function AssistContact() {
  const { t, locale } = useLocale();
  const assist = useCurrentOrg().data?.assist;
  if (!assist) return null;
  return (
    <Popover position="bottom" withArrow withinPortal>
      <Popover.Target>
        <Tooltip label={t('shell.assist')}>
          <ActionIcon variant="default" size="lg" aria-label={t('shell.assist')} data-testid="assist-button" visibleFrom="sm">
            <IconHeadset size={20} />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown data-testid="assist-contact">
        <Text size="sm" c="dimmed">{t('shell.assist')}</Text>
        <Text fw={600}>{assist.name}</Text>
        <Text component="a" href={`tel:${assist.phone}`} dir="ltr">{formatPhone(assist.phone, locale)}</Text>
      </Popover.Dropdown>
    </Popover>
  );
}

function currentPage(matches: ReturnType<typeof useMatches>): PageDefinition | undefined {
  for (let i = matches.length - 1; i >= 0; i--) {
    const page = matches[i]?.staticData?.page;
    if (page) return page;
  }
  return undefined;
}

function useNavigationShortcuts(pages: PageDefinition[]) {
  const navigate = useNavigate();
  useEffect(() => {
    const stops = pages
      .filter((p) => p.nav?.shortcut)
      .map((p) =>
        registerShortcut({
          id: `nav.${p.page_key}`,
          keys: [p.nav?.shortcut ?? ''],
          label_key: pageTitleKey(p),
          group_key: 'shortcuts.group_navigation',
          run: () => void navigate({ to: p.path }),
        }),
      );
    return () => stops.forEach((stop) => stop());
  }, [pages, navigate]);
}

function Navbar({ pages, onNavigate }: { pages: PageDefinition[]; onNavigate: () => void }) {
  const { t } = useLocale();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  return (
    <ScrollArea>
      <Stack gap="md" data-testid="navbar">
        {NAV_GROUPS.map((group) => {
          const items = pages.filter((p) => p.nav?.group === group);
          if (items.length === 0) return null;
          return (
            <div key={group}>
              <Text size="xs" c="dimmed" fw={600} px="sm" mb={4}>{t(`nav.group_${group}`)}</Text>
              {items.map((p) => {
                const Icon = p.nav?.icon;
                return (
                  <NavLink
                    key={p.path}
                    component={Link}
                    to={p.path}
                    label={t(pageTitleKey(p))}
                    leftSection={Icon ? <Icon size={18} stroke={1.6} /> : null}
                    active={pathname === p.path}
                    onClick={onNavigate}
                    data-testid={`nav-${p.page_key}`}
                  />
                );
              })}
            </div>
          );
        })}
      </Stack>
    </ScrollArea>
  );
}

export function Shell() {
  const { t } = useLocale();
  const me = useMe();
  const navigate = useNavigate();
  const [navOpened, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
  const [sheetOpened, { open: openSheet, close: closeSheet, toggle: toggleSheet }] = useDisclosure(false);
  const pages = useVisiblePages();
  const permissions = usePermissions();
  const page = currentPage(useMatches());
  const allowed = !page?.permission || permissions.has(page.permission);

  useEffect(() => {
    if (me.data === null) void navigate({ to: '/sign-in', search: { redirect: window.location.pathname } });
  }, [me.data, navigate]);

  useShortcut({ id: 'global.search', keys: ['mod+k', '/'], label_key: 'shortcuts.search', group_key: 'shortcuts.group_global', run: () => spotlight.open() });
  useShortcut({ id: 'global.sheet', keys: ['?'], label_key: 'shortcuts.sheet', group_key: 'shortcuts.group_global', run: toggleSheet });
  useNavigationShortcuts(pages);

  const actions: SpotlightActionData[] = pages.map((p) => ({
    id: p.page_key,
    label: t(pageTitleKey(p)),
    description: t(`nav.group_${p.nav?.group ?? 'main'}`),
    onClick: () => void navigate({ to: p.path }),
    leftSection: p.nav ? <p.nav.icon size={18} /> : null,
  }));

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !navOpened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px={{ base: 'xs', sm: 'md' }} justify="space-between" wrap="nowrap" gap="xs">
          <Group gap={4} wrap="nowrap">
            <Burger opened={navOpened} onClick={toggleNav} hiddenFrom="sm" size="sm" aria-label={t('shell.toggle_navigation')} />
            <Title order={4} visibleFrom="xs" c="var(--mantine-primary-color-filled)">{t('common.app_name')}</Title>
            <OrgSwitcher />
          </Group>
          <Group gap={6} wrap="nowrap">
            <Button
              variant="default"
              leftSection={<IconSearch size={16} />}
              onClick={() => spotlight.open()}
              visibleFrom="md"
              data-testid="search-button"
              c="dimmed"
              fw={400}
            >
              {t('shell.search')}
            </Button>
            <AssistContact />
            <LanguageMenu />
            <ColorSchemeToggle />
            {page && <HelpButton page_key={page.page_key} canEdit={permissions.has('platform.translations.manage')} />}
            <Tooltip label={t('shortcuts.title')}>
              <ActionIcon variant="default" size="lg" onClick={openSheet} aria-label={t('shortcuts.title')} data-testid="shortcuts-button" visibleFrom="xs">
                <IconKeyboard size={20} />
              </ActionIcon>
            </Tooltip>
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <Navbar pages={pages} onNavigate={closeNav} />
      </AppShell.Navbar>
      <AppShell.Main>{allowed ? <Outlet /> : <ForbiddenScreen />}</AppShell.Main>
      <Spotlight
        actions={actions}
        shortcut={null}
        nothingFound={t('shell.search_nothing_found')}
        highlightQuery
        searchProps={{ leftSection: <IconSearch size={18} />, placeholder: t('shell.search_placeholder'), 'aria-label': t('shell.search'), ...({ 'data-testid': 'spotlight-search' } as object) }}
      />
      <ShortcutSheet opened={sheetOpened} onClose={closeSheet} />
      <OrgSwitchOffer />
    </AppShell>
  );
}
