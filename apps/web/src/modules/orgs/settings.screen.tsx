/** Organisation settings: outside staff allowed, session idle timeout, the organisation's money unit. */
import { useEffect, useState } from 'react';
import { Button, Card, SegmentedControl, Stack, Switch, Text, TextInput } from '@mantine/core';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { fieldErrors, useNotifyError, useNotifySaved } from '../../lib/errors';
import { useShortcut } from '../../lib/shortcuts';
import { localiseDigits, toLatinDigits } from '../../lib/format';
import { useCurrentOrg, useSaveOrgSettings, type OrgSettings } from './orgs.api';

export default function OrgSettingsScreen() {
  const { t, locale } = useLocale();
  const org = useCurrentOrg().data;
  const save = useSaveOrgSettings();
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const [form, setForm] = useState<OrgSettings | null>(null);
  // Typed as text so Persian digits work; empty means "the platform default".
  const [idleText, setIdleText] = useState('');
  useEffect(() => {
    if (!org) return;
    setForm(org.settings);
    setIdleText(org.settings.session_idle_minutes === null ? '' : localiseDigits(String(org.settings.session_idle_minutes), locale));
  }, [org, locale]);
  const idleDigits = toLatinDigits(idleText.trim());
  const idleMinutes = idleDigits === '' ? null : /^\d{1,5}$/.test(idleDigits) ? Number(idleDigits) : Number.NaN;
  const idleInvalid = idleMinutes !== null && (!Number.isInteger(idleMinutes) || idleMinutes < 1 || idleMinutes > 43_200);
  const errors = fieldErrors(save.error, t);
  const submit = () => form && !idleInvalid && save.mutate({ ...form, session_idle_minutes: idleMinutes }, { onSuccess: () => notifySaved(), onError: notifyError });
  useShortcut({ id: 'org-settings.save', keys: ['mod+s', 'F10'], label_key: 'shortcuts.save', group_key: 'shortcuts.group_page', run: submit });
  if (!form) return null;
  return (
    <Page titleKey="pages.org_settings" testId="org-settings-screen">
      <Card withBorder maw={560}>
        <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
          <Stack>
            <Switch
              label={t('settings.allow_external_staff')}
              description={t('settings.allow_external_staff_hint')}
              checked={form.allow_external_staff}
              onChange={(e) => setForm({ ...form, allow_external_staff: e.currentTarget.checked })}
              data-testid="settings-allow-external"
            />
            <TextInput
              label={t('settings.session_idle_minutes')}
              description={t('settings.session_idle_minutes_hint')}
              value={idleText}
              onChange={(e) => setIdleText(e.currentTarget.value)}
              inputMode="numeric"
              dir="ltr"
              error={idleInvalid ? t('settings.session_idle_minutes_invalid') : errors.session_idle_minutes}
              data-testid="settings-idle-minutes"
              w={260}
            />
            <div>
              <Text size="sm" fw={500} mb={4}>{t('settings.money_unit')}</Text>
              <Text size="xs" c="dimmed" mb={4}>{t('settings.money_unit_hint')}</Text>
              <SegmentedControl
                value={form.money_unit}
                onChange={(v) => setForm({ ...form, money_unit: v === 'rial' ? 'rial' : 'toman' })}
                data={[{ value: 'toman', label: t('money.toman') }, { value: 'rial', label: t('money.rial') }]}
                data-testid="settings-money-unit"
              />
            </div>
            <Button type="submit" w="fit-content" loading={save.isPending} disabled={idleInvalid} data-testid="settings-save">{t('common.save')}</Button>
          </Stack>
        </form>
      </Card>
    </Page>
  );
}
