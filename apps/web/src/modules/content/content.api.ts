/** Translation overrides and help guides, edited by the platform admin. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Locale } from '@chaharsu/i18n/messages';
import { api, queryString } from '../../lib/api';
import { refreshOverrides } from '../../lib/i18n';

export interface TranslationItem {
  key: string;
  default_value: string | null;
  override_value: string | null;
  updated_at: string | null;
}

const translationsKey = ['platform', 'translations'] as const;

export function useTranslationsPage(locale: Locale, search: string, limit: number, offset: number) {
  return useQuery({
    queryKey: [...translationsKey, locale, search, limit, offset],
    queryFn: () => api.get<{ items: TranslationItem[]; total: number }>(`/api/platform/translations${queryString({ locale, search, limit, offset })}`),
    placeholderData: keepPreviousData,
  });
}

/** After any change, the admin's own page picks it up at once (others within one poll). */
function useAfterChange(locale: Locale) {
  const client = useQueryClient();
  return async () => {
    await client.invalidateQueries({ queryKey: translationsKey });
    await refreshOverrides(locale, true);
  };
}

export function useSaveTranslation(locale: Locale) {
  const after = useAfterChange(locale);
  return useMutation({
    mutationFn: (input: { key: string; value: string }) => api.put<unknown>(`/api/platform/translations/${locale}`, input),
    onSuccess: after,
  });
}

export function useResetTranslation(locale: Locale) {
  const after = useAfterChange(locale);
  return useMutation({
    mutationFn: (key: string) => api.delete(`/api/platform/translations/${locale}/${encodeURIComponent(key)}`),
    onSuccess: after,
  });
}

export function importTranslations(locale: Locale, entries: Record<string, string>) {
  return api.post<{ imported: number }>(`/api/platform/translations/${locale}/import`, { entries });
}

export function exportTranslations(locale: Locale) {
  return api.get<{ entries: Record<string, string> }>(`/api/platform/translations/${locale}/export`);
}

export { useAfterChange as useTranslationsChanged };

export interface HelpGuideInput {
  locale: Locale;
  title: string;
  body_markdown: string;
}

export function useSaveHelpGuide() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ page_key, input }: { page_key: string; input: HelpGuideInput }) => api.put<unknown>(`/api/platform/help/${encodeURIComponent(page_key)}`, input),
    onSuccess: (_result, { page_key }) => client.invalidateQueries({ queryKey: ['help', page_key] }),
  });
}
