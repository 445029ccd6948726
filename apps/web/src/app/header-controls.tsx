/** Header controls: language, colour scheme, the person's menu. Changes are saved on the account when signed in. */
import { ActionIcon, Menu, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { IconLanguage, IconMoon, IconSun, IconUserCircle, IconLogout, IconDevices, IconBrandTelegram } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { LOCALES, type Locale } from '@chaharsu/i18n/messages';
import { useLocale, setLocale } from '../lib/i18n';
import { useNotifyError } from '../lib/errors';
import { useQueryClient } from '@tanstack/react-query';
import { meKey, useMe, useSavePreferences, useSignOut, type Me, type Preferences } from '../modules/identity/identity.api';

/** Saves one preference change on the account (signed in) and applies it at once either way. */
export function useChangePreference() {
  const client = useQueryClient();
  const save = useSavePreferences();
  const notifyError = useNotifyError();
  const { setColorScheme } = useMantineColorScheme();
  return async (change: Partial<Preferences>) => {
    if (change.locale) await setLocale(change.locale);
    if (change.color_scheme) setColorScheme(change.color_scheme);
    // Read the account's preferences now, not from the last render: two quick changes must not undo each other.
    const me = client.getQueryData<Me | null>(meKey);
    if (!me) return;
    save.mutate({ ...me.preferences, ...change }, { onError: notifyError });
  };
}

export function LanguageMenu() {
  const { t, locale } = useLocale();
  const change = useChangePreference();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Tooltip label={t('shell.language')}>
          <ActionIcon variant="default" size="lg" aria-label={t('shell.language')} data-testid="language-menu">
            <IconLanguage size={20} />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        {LOCALES.map((l: Locale) => (
          <Menu.Item key={l} onClick={() => void change({ locale: l })} data-testid={`language-${l}`} fw={l === locale ? 700 : undefined} lang={l}>
            {t(`languages.${l}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

export function ColorSchemeToggle() {
  const { t } = useLocale();
  const computed = useComputedColorScheme('light');
  const change = useChangePreference();
  const next = computed === 'dark' ? 'light' : 'dark';
  const label = t(next === 'dark' ? 'shell.dark_mode' : 'shell.light_mode');
  return (
    <Tooltip label={label}>
      <ActionIcon variant="default" size="lg" onClick={() => void change({ color_scheme: next })} aria-label={label} data-testid="color-scheme-toggle" data-scheme={computed}>
        {computed === 'dark' ? <IconSun size={20} /> : <IconMoon size={20} />}
      </ActionIcon>
    </Tooltip>
  );
}

export function UserMenu() {
  const { t } = useLocale();
  const me = useMe().data;
  const navigate = useNavigate();
  const signOut = useSignOut();
  if (!me) return null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Tooltip label={t('shell.user_menu')}>
          <ActionIcon variant="default" size="lg" aria-label={t('shell.user_menu')} data-testid="user-menu">
            <IconUserCircle size={20} />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{me.user.display_name || me.user.phone}</Menu.Label>
        <Menu.Item leftSection={<IconUserCircle size={16} />} onClick={() => void navigate({ to: '/profile' })} data-testid="user-menu-profile">
          {t('pages.profile')}
        </Menu.Item>
        <Menu.Item leftSection={<IconDevices size={16} />} onClick={() => void navigate({ to: '/sessions' })} data-testid="user-menu-sessions">
          {t('pages.sessions')}
        </Menu.Item>
        <Menu.Item leftSection={<IconBrandTelegram size={16} />} onClick={() => void navigate({ to: '/telegram' })}>
          {t('pages.telegram')}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          color="red"
          leftSection={<IconLogout size={16} />}
          data-testid="sign-out"
          onClick={() => signOut.mutate(undefined, { onSettled: () => void navigate({ to: '/sign-in' }) })}
        >
          {t('shell.sign_out')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
