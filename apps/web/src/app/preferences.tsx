/**
 * The person's preferences in effect: the saved ones from GET /api/me (so they follow the person to every
 * device), or a draft while the profile screen previews changes. Signed out: the defaults, in the
 * language last chosen on this device.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useMantineColorScheme, useDirection } from '@mantine/core';
import { directionOf } from '@chaharsu/i18n/messages';
import { DEFAULT_PREFERENCES, useMe, type ColorSchemePreference, type Preferences } from '../modules/identity/identity.api';
import { currentLocale, setLocale, storedLocale } from '../lib/i18n';
import { ROOT_FONT_SIZE } from './theme';

/** Key of Mantine's colour scheme manager (providers.tsx): what this device last showed. */
export const COLOR_SCHEME_STORAGE_KEY = 'chaharsu.color-scheme';

function storedColorScheme(): ColorSchemePreference {
  const stored = localStorage.getItem(COLOR_SCHEME_STORAGE_KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'auto';
}

interface PreferencesState {
  effective: Preferences;
  saved: Preferences;
  setDraft: (draft: Preferences | null) => void;
}

const PreferencesContext = createContext<PreferencesState | null>(null);

export function PreferencesProvider({ children }: { children: ReactNode }) {
  const me = useMe().data;
  const [draft, setDraft] = useState<Preferences | null>(null);
  const saved = useMemo<Preferences>(() => me?.preferences ?? { ...DEFAULT_PREFERENCES, locale: storedLocale(), color_scheme: storedColorScheme() }, [me]);
  const value = useMemo(() => ({ effective: draft ?? saved, saved, setDraft }), [draft, saved]);
  return <PreferencesContext.Provider value={value}>{children}</PreferencesContext.Provider>;
}

export function usePreferences(): PreferencesState {
  const state = useContext(PreferencesContext);
  if (!state) throw new Error('usePreferences outside PreferencesProvider');
  return state;
}

/** Applies the effective preferences to the page: language and direction, colour scheme, font size. */
export function PreferencesEffects() {
  const { effective } = usePreferences();
  const { setColorScheme } = useMantineColorScheme();
  const { setDirection } = useDirection();
  useEffect(() => {
    setColorScheme(effective.color_scheme);
  }, [effective.color_scheme, setColorScheme]);
  useEffect(() => {
    document.documentElement.style.fontSize = ROOT_FONT_SIZE[effective.font_size];
  }, [effective.font_size]);
  useEffect(() => {
    setDirection(directionOf(effective.locale));
    if (currentLocale() !== effective.locale) void setLocale(effective.locale);
  }, [effective.locale, setDirection]);
  return null;
}
