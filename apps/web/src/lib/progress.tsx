/** Progress of long work with counts ("120 of 480"), so a page never looks frozen. */
import { Group, Progress, Stack, Text } from '@mantine/core';
import { formatNumber } from './format';
import { useLocale } from './i18n';

export interface ProgressState {
  done: number;
  total: number;
  failed?: number;
}

export function OperationProgress({ labelKey, state, testId = 'operation-progress' }: { labelKey: string; state: ProgressState; testId?: string }) {
  const { t, locale } = useLocale();
  const percent = state.total > 0 ? Math.min(100, (state.done / state.total) * 100) : 0;
  return (
    <Stack gap={4} data-testid={testId} role="status" aria-live="polite">
      <Group justify="space-between">
        <Text size="sm">{t(labelKey)}</Text>
        <Text size="sm" c="dimmed" data-testid={`${testId}-counts`}>
          {t('common.progress_counts', { done: formatNumber(state.done, locale), total: formatNumber(state.total, locale) })}
          {state.failed ? ` · ${t('common.progress_failed', { failed: formatNumber(state.failed, locale) })}` : ''}
        </Text>
      </Group>
      <Progress value={percent} animated={percent < 100} aria-label={t(labelKey)} />
    </Stack>
  );
}
