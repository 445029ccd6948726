/** Server problems → translated sentences: `errors.<code>` with the problem's params, else a generic message. */
import { useCallback } from 'react';
import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import type { Locale } from '@chaharsu/i18n/messages';
import { ProblemError } from './api';
import { formatNumber } from './format';
import { i18n, useLocale } from './i18n';

function localisedParams(params: Record<string, unknown>, locale: Locale): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    out[key] = typeof value === 'number' ? formatNumber(value, locale) : String(value ?? '');
  }
  return out;
}

export function problemMessage(error: unknown, t: TFunction, locale: Locale): string {
  if (!(error instanceof ProblemError)) return t('errors.generic');
  const key = `errors.${error.code}`;
  if (!i18n.exists(key)) return t('errors.generic');
  return t(key, localisedParams(error.params, locale));
}

/** Field errors of a `common.validation_failed` problem, keyed by the last path segment (`body.name` → `name`). */
export function fieldErrors(error: unknown, t: TFunction): Record<string, string> {
  if (!(error instanceof ProblemError)) return {};
  const out: Record<string, string> = {};
  for (const detail of error.errors) {
    const field = detail.path.split('.').pop() ?? detail.path;
    const key = `errors.field.${detail.code}`;
    out[field] = i18n.exists(key) ? t(key) : t('errors.field.invalid');
  }
  return out;
}

/** Returns `notifyError(error)`: a red notification with the translated problem. */
export function useNotifyError(): (error: unknown) => void {
  const { t, locale } = useLocale();
  return useCallback(
    (error: unknown) => {
      notifications.show({ color: 'red', title: t('common.error_title'), message: problemMessage(error, t, locale) });
    },
    [t, locale],
  );
}

export function useNotifySaved(): (messageKey?: string) => void {
  const { t } = useLocale();
  return useCallback((messageKey = 'common.saved') => notifications.show({ color: 'teal', message: t(messageKey) }), [t]);
}
