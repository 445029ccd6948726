/** The signed-in person: /api/me, preferences, sessions, Telegram, sign-in and sign-out. */
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { Locale } from '@chaharsu/i18n/messages';
import { api, isProblem, rememberCsrfToken } from '../../lib/api';
import type { MoneyUnit } from '../../lib/format';

export const PRIMARY_COLORS = ['blue', 'teal', 'violet', 'grape', 'indigo', 'cyan', 'green', 'orange', 'red', 'pink'] as const;
export type PrimaryColor = (typeof PRIMARY_COLORS)[number];
export const FONT_SIZES = ['sm', 'md', 'lg', 'xl'] as const;
export type FontSize = (typeof FONT_SIZES)[number];
export const FONT_FAMILIES = ['vazirmatn', 'system'] as const;
export type FontFamily = (typeof FONT_FAMILIES)[number];
export type ColorSchemePreference = 'light' | 'dark' | 'auto';

export interface Preferences {
  color_scheme: ColorSchemePreference;
  primary_color: PrimaryColor;
  font_size: FontSize;
  font_family: FontFamily;
  locale: Locale;
  money_unit: MoneyUnit;
}

export const DEFAULT_PREFERENCES: Preferences = {
  color_scheme: 'auto',
  primary_color: 'blue',
  font_size: 'md',
  font_family: 'vazirmatn',
  locale: 'fa',
  money_unit: 'toman',
};

export interface User {
  id: string;
  phone: string;
  display_name: string | null;
  is_platform_admin: boolean;
  is_support_partner: boolean;
  active: boolean;
  created_at: string;
}

export interface Me {
  user: User;
  preferences: Preferences;
  telegram_linked: boolean;
  current_org_id: string | null;
  csrf_token: string;
}

export interface SessionItem {
  id: string;
  created_at: string;
  last_seen_at: string | null;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

export interface OtpRequested {
  channel: 'sms' | 'telegram';
  expires_in_seconds: number;
  resend_in_seconds: number;
}

export const meKey = ['me'] as const;

/** GET /api/me, or null when signed out (401). */
export const meQuery = queryOptions({
  queryKey: meKey,
  queryFn: async (): Promise<Me | null> => {
    try {
      const me = await api.get<Me>('/api/me');
      rememberCsrfToken(me.csrf_token);
      return me;
    } catch (error) {
      if (isProblem(error, 'common.unauthenticated')) return null;
      throw error;
    }
  },
  staleTime: 30_000,
});

export function useMe() {
  return useQuery(meQuery);
}

export function useRequestOtp() {
  return useMutation({
    mutationFn: (input: { phone: string; channel: 'sms' | 'telegram' }) => api.post<OtpRequested>('/api/auth/otp/request', input),
  });
}

/**
 * Forgets everything cached for the previous person except the `me` query itself: components observing
 * it (preferences, the router) stay subscribed to the same query, so the new person's saved theme, font
 * and language apply at once. (`client.clear()` would detach them until the next refetch.)
 */
function forgetPreviousPerson(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== meKey[0] });
}

/** Signing in replaces everything cached for the previous person. */
function useSignedIn() {
  const client = useQueryClient();
  return (me: Me) => {
    rememberCsrfToken(me.csrf_token);
    forgetPreviousPerson(client);
    client.setQueryData(meKey, me);
  };
}

export function useVerifyOtp() {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (input: { phone: string; code: string }) => api.post<Me>('/api/auth/otp/verify', input),
    onSuccess: signedIn,
  });
}

export function usePasswordSignIn() {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (input: { username: string; password: string }) => api.post<Me>('/api/auth/password', input),
    onSuccess: signedIn,
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/api/auth/sign-out'),
    onSettled: () => {
      rememberCsrfToken(null);
      forgetPreviousPerson(client);
      client.setQueryData(meKey, null);
    },
  });
}

export function useUpdateProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { display_name: string }) => api.patch<unknown>('/api/me', input),
    onSuccess: () => client.invalidateQueries({ queryKey: meKey }),
  });
}

export function useSavePreferences() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (preferences: Preferences) => api.put<Preferences>('/api/me/preferences', preferences),
    onMutate: (preferences) => {
      client.setQueryData<Me | null>(meKey, (me) => (me ? { ...me, preferences } : me));
    },
    onError: () => client.invalidateQueries({ queryKey: meKey }),
    onSuccess: (preferences) => {
      client.setQueryData<Me | null>(meKey, (me) => (me ? { ...me, preferences } : me));
    },
  });
}

export const sessionsKey = ['me', 'sessions'] as const;

export function useSessions() {
  return useQuery({ queryKey: sessionsKey, queryFn: () => api.get<{ items: SessionItem[] }>('/api/me/sessions') });
}

export function useRevokeSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/me/sessions/${encodeURIComponent(id)}`),
    onSuccess: () => client.invalidateQueries({ queryKey: sessionsKey }),
  });
}

export function useTelegramLink() {
  return useMutation({ mutationFn: () => api.post<{ url: string; expires_at: string }>('/api/me/telegram/link') });
}

export function useTelegramUnlink() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete('/api/me/telegram'),
    onSuccess: () => client.invalidateQueries({ queryKey: meKey }),
  });
}

export interface DevSmsItem {
  phone: string;
  text: string;
  code: string | null;
  channel: string;
  created_at: string;
}

export function useDevInbox() {
  return useQuery({
    queryKey: ['dev', 'sms-inbox'],
    queryFn: () => api.get<{ items: DevSmsItem[] }>('/api/dev/sms-inbox'),
    refetchInterval: 2_000,
  });
}
