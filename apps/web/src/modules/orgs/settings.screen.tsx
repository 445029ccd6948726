/** Organisation settings: outside staff allowed, session idle timeout, the organisation's money unit. */
import { useEffect, useState } from 'react';
import { Button, Card, NumberInput, SegmentedControl, Stack, Switch, Text } from '@mantine/core';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { fieldErrors, useNotifyError, useNotifySaved } from '../../lib/errors';
import { useShortcut } from '../../lib/shortcuts';
import { toLatinDigits } from '../../lib/format';
import { useCurrentOrg, useSaveOrgSettings, type OrgSettings } from './orgs.api';

export default function OrgSettingsScreen() {
  const { t } = useLocale();
  const org = useCurrentOrg().data;
  const save = useSaveOrgSettings();
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const [form, setForm] = useState<OrgSettings | null>(null);
  useEffect(() => {
    if (org) setForm(org.settings);
  }, [org]);
  const errors = fieldErrors(save.error, t);
  const submit = () => form && save.mutate(form, { onSuccess: () => notifySaved(), onError: notifyError });
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
            <NumberInput
              label={t('settings.session_idle_minutes')}
              description={t('settings.session_idle_minutes_hint')}
              value={form.session_idle_minutes ?? ''}
              onChange={(v) => setForm({ ...form, session_idle_minutes: v === '' ? null : Number(toLatinDigits(String(v))) })}
              min={1}
              max={43200}
              allowDecimal={false}
              allowNegative={false}
              error={errors.session_idle_minutes}
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
            <Button type="submit" w="fit-content" loading={save.isPending} data-testid="settings-save">{t('common.save')}</Button>
          </Stack>
        </form>
      </Card>
    </Page>
  );
}
