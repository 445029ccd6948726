/** Everything around the router: data cache, translations, direction, theme, dialogs, notifications. */
import { useEffect, useMemo, type ReactNode } from 'react';
import { QueryCache, QueryClient, QueryClientProvider, MutationCache } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { DirectionProvider, MantineProvider, localStorageColorSchemeManager } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { directionOf } from '@chaharsu/i18n/messages';
import { isProblem } from '../lib/api';
import { currentLocale, i18n, startOverridesPolling } from '../lib/i18n';
import { startShortcutListener } from '../lib/shortcuts';
import { COLOR_SCHEME_STORAGE_KEY, PreferencesEffects, PreferencesProvider, usePreferences } from './preferences';
import { buildTheme } from './theme';
import { meKey } from '../modules/identity/identity.api';

/** A 401 anywhere means the session ended (revoked, idle): forget the person; the router sends them to sign in. */
function onUnauthenticated(client: QueryClient) {
  return (error: unknown) => {
    if (isProblem(error, 'common.unauthenticated') && client.getQueryData(meKey)) client.setQueryData(meKey, null);
  };
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error) => onUnauthenticated(client)(error) }),
    mutationCache: new MutationCache({ onError: (error) => onUnauthenticated(client)(error) }),
    defaultOptions: {
      queries: {
        retry: (count, error) => !isProblem(error) && count < 2,
        refetchOnWindowFocus: true,
      },
    },
  });
  return client;
}

const colorSchemeManager = localStorageColorSchemeManager({ key: COLOR_SCHEME_STORAGE_KEY });

function ThemedApp({ children }: { children: ReactNode }) {
  const { effective } = usePreferences();
  const theme = useMemo(() => buildTheme(effective), [effective]);
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager}>
      <PreferencesEffects />
      <ModalsProvider>
        <Notifications position="top-center" />
        {children}
      </ModalsProvider>
    </MantineProvider>
  );
}

export function Providers({ client, children }: { client: QueryClient; children: ReactNode }) {
  useEffect(() => startOverridesPolling(), []);
  useEffect(() => startShortcutListener(), []);
  return (
    <QueryClientProvider client={client}>
      <I18nextProvider i18n={i18n}>
        <DirectionProvider initialDirection={directionOf(currentLocale())} detectDirection={false}>
          <PreferencesProvider>
            <ThemedApp>{children}</ThemedApp>
          </PreferencesProvider>
        </DirectionProvider>
      </I18nextProvider>
    </QueryClientProvider>
  );
}
