/**
 * The person's preferences in effect: the saved ones from GET /api/me (so they follow the person to every
 * device), or a draft while the profile screen previews changes. Signed out: the defaults, in the
 * language last chosen on this device.
 */
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useMantineColorScheme, useDirection } from '@mantine/core';
import { directionOf, isLocale } from '@chaharsu/i18n/messages';
import { DEFAULT_PREFERENCES, useMe, type ColorSchemePreference, type Preferences } from '../modules/identity/identity.api';
import { currentLocale, i18n, setLocale, storedLocale } from '../lib/i18n';
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

/**
 * Applies the effective preferences to the page when they change: language, colour scheme, font size.
 * Each is applied once per change (Mantine's setters are not stable between renders, and a signed-out
 * visitor's own toggles must not be reset on the next render). Direction follows the language actually shown.
 */
export function PreferencesEffects() {
  const { effective } = usePreferences();
  const { setColorScheme } = useMantineColorScheme();
  const { setDirection } = useDirection();
  const applied = useRef<{ color_scheme: string | null; locale: string | null }>({ color_scheme: null, locale: null });
  useEffect(() => {
    if (applied.current.color_scheme === effective.color_scheme) return;
    applied.current.color_scheme = effective.color_scheme;
    setColorScheme(effective.color_scheme);
  }, [effective.color_scheme, setColorScheme]);
  useEffect(() => {
    document.documentElement.style.fontSize = ROOT_FONT_SIZE[effective.font_size];
  }, [effective.font_size]);
  useEffect(() => {
    if (applied.current.locale === effective.locale) return;
    applied.current.locale = effective.locale;
    if (currentLocale() !== effective.locale) void setLocale(effective.locale);
  }, [effective.locale]);
  const setDirectionRef = useRef(setDirection);
  setDirectionRef.current = setDirection;
  useEffect(() => {
    const follow = (lng: string) => {
      if (isLocale(lng)) setDirectionRef.current(directionOf(lng));
    };
    follow(i18n.language);
    i18n.on('languageChanged', follow);
    return () => i18n.off('languageChanged', follow);
  }, []);
  return null;
}
