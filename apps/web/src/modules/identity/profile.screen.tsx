/**
 * Profile and preferences. Preference changes apply to the whole interface at once (a draft) so the
 * person sees them live; Save keeps them on the account (PUT /api/me/preferences), so every device they
 * sign in from looks the same. Leaving without saving drops the draft.
 */
import { useEffect, useState } from 'react';
import { Badge, Button, Card, CheckIcon, ColorSwatch, Group, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title, Tooltip, useMantineTheme } from '@mantine/core';
import { LOCALES, isLocale } from '@chaharsu/i18n/messages';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatPhone } from '../../lib/format';
import { Money } from '../../lib/money';
import { useNotifyError, useNotifySaved } from '../../lib/errors';
import { useShortcut } from '../../lib/shortcuts';
import { usePreferences } from '../../app/preferences';
import { FONT_FAMILIES, FONT_SIZES, PRIMARY_COLORS, useMe, useSavePreferences, useUpdateProfile, type Preferences } from './identity.api';

function ProfileCard() {
  const { t, locale } = useLocale();
  const me = useMe().data;
  const [name, setName] = useState(me?.user.display_name ?? '');
  const update = useUpdateProfile();
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  useEffect(() => setName(me?.user.display_name ?? ''), [me?.user.display_name]);
  return (
    <Card withBorder>
      <form onSubmit={(e) => { e.preventDefault(); update.mutate({ display_name: name.trim() }, { onSuccess: () => notifySaved(), onError: notifyError }); }}>
        <Stack>
          <Title order={4}>{t('profile.account')}</Title>
          <Text size="sm">{t('profile.phone')}: <span dir="ltr">{formatPhone(me?.user.phone, locale)}</span></Text>
          <TextInput label={t('profile.display_name')} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} data-testid="profile-display-name" />
          <Button type="submit" w="fit-content" disabled={!name.trim()} loading={update.isPending} data-testid="profile-save">{t('common.save')}</Button>
        </Stack>
      </form>
    </Card>
  );
}

function Preview() {
  const { t, locale } = useLocale();
  return (
    <Card withBorder data-testid="pref-preview" style={{ alignSelf: 'start' }}>
      <Stack gap="xs">
        <Title order={4}>{t('profile.preview')}</Title>
        <Text>{t('profile.preview_text')}</Text>
        <Group>
          <Button size="xs">{t('profile.preview_button')}</Button>
          <Badge>{t('profile.preview_badge')}</Badge>
        </Group>
        <Text size="sm">{t('profile.preview_amount')}: <Money rial={12_500_000} /></Text>
        <Text size="sm">{t('profile.preview_date')}: {formatDate(new Date(), locale)}</Text>
      </Stack>
    </Card>
  );
}

export default function ProfileScreen() {
  const { t } = useLocale();
  const theme = useMantineTheme();
  const { effective, saved, setDraft } = usePreferences();
  const save = useSavePreferences();
  const notifyError = useNotifyError();
  const notifySaved = useNotifySaved();
  const dirty = JSON.stringify(effective) !== JSON.stringify(saved);
  const change = (patch: Partial<Preferences>) => setDraft({ ...effective, ...patch });
  const submit = () => save.mutate(effective, { onSuccess: () => { setDraft(null); notifySaved(); }, onError: notifyError });

  useEffect(() => () => setDraft(null), [setDraft]);
  useShortcut({ id: 'profile.save', keys: ['mod+s', 'F10'], label_key: 'shortcuts.save', group_key: 'shortcuts.group_page', run: () => dirty && submit() });

  return (
    <Page titleKey="pages.profile" testId="profile-screen">
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack>
          <ProfileCard />
          <Card withBorder>
            <Stack>
              <Title order={4}>{t('profile.preferences')}</Title>
              <div>
                <Text size="sm" fw={500} mb={4}>{t('profile.color_scheme')}</Text>
                <SegmentedControl
                  value={effective.color_scheme}
                  onChange={(v) => change({ color_scheme: v as Preferences['color_scheme'] })}
                  data={(['light', 'dark', 'auto'] as const).map((v) => ({ value: v, label: t(`profile.color_scheme_${v}`) }))}
                  data-testid="pref-color-scheme"
                />
              </div>
              <div>
                <Text size="sm" fw={500} mb={4}>{t('profile.primary_color')}</Text>
                <Group gap="xs" role="radiogroup" aria-label={t('profile.primary_color')}>
                  {PRIMARY_COLORS.map((color) => (
                    <Tooltip key={color} label={t(`colors.${color}`)}>
                      <ColorSwatch
                        component="button"
                        type="button"
                        role="radio"
                        aria-checked={effective.primary_color === color}
                        aria-label={t(`colors.${color}`)}
                        color={theme.colors[color]?.[6] ?? color}
                        onClick={() => change({ primary_color: color })}
                        data-testid={`pref-primary-${color}`}
                        style={{ color: '#fff', cursor: 'pointer' }}
                      >
                        {effective.primary_color === color && <CheckIcon size={12} />}
                      </ColorSwatch>
                    </Tooltip>
                  ))}
                </Group>
              </div>
              <div>
                <Text size="sm" fw={500} mb={4}>{t('profile.font_size')}</Text>
                <SegmentedControl value={effective.font_size} onChange={(v) => change({ font_size: v as Preferences['font_size'] })} data={FONT_SIZES.map((v) => ({ value: v, label: t(`profile.font_size_${v}`) }))} data-testid="pref-font-size" />
              </div>
              <div>
                <Text size="sm" fw={500} mb={4}>{t('profile.font_family')}</Text>
                <SegmentedControl value={effective.font_family} onChange={(v) => change({ font_family: v as Preferences['font_family'] })} data={FONT_FAMILIES.map((v) => ({ value: v, label: t(`profile.font_family_${v}`) }))} data-testid="pref-font-family" />
              </div>
              <Select
                label={t('profile.language')}
                value={effective.locale}
                onChange={(v) => isLocale(v) && change({ locale: v })}
                data={LOCALES.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
                allowDeselect={false}
                data-testid="pref-locale"
                w={220}
              />
              <div>
                <Text size="sm" fw={500} mb={4}>{t('profile.money_unit')}</Text>
                <SegmentedControl value={effective.money_unit} onChange={(v) => change({ money_unit: v as Preferences['money_unit'] })} data={[{ value: 'toman', label: t('money.toman') }, { value: 'rial', label: t('money.rial') }]} data-testid="pref-money-unit" />
              </div>
              <Group>
                <Button onClick={submit} disabled={!dirty} loading={save.isPending} data-testid="pref-save">{t('common.save')}</Button>
                <Button variant="default" onClick={() => setDraft(null)} disabled={!dirty} data-testid="pref-reset">{t('profile.discard')}</Button>
              </Group>
            </Stack>
          </Card>
        </Stack>
        <Preview />
      </SimpleGrid>
    </Page>
  );
}
