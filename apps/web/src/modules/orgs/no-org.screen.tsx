/** No role in any organisation: say so, and offer a "request a call" form that lands in the platform's leads. */
import { useEffect, useState } from 'react';
import { Alert, Button, Center, Group, Paper, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useLocale } from '../../lib/i18n';
import { fieldErrors, problemMessage } from '../../lib/errors';
import { normaliseIranianMobile, toLatinDigits } from '../../lib/format';
import { LanguageMenu, ColorSchemeToggle, UserMenu } from '../../app/header-controls';
import { HelpButton } from '../../lib/help';
import { useMe } from '../identity/identity.api';
import { useSubmitLead, type LeadInput } from './orgs.api';

const WANTS: LeadInput['want'][] = ['buy', 'support', 'why_not_assigned'];

export default function NoOrganisationScreen() {
  const { t, locale } = useLocale();
  const me = useMe().data;
  const submit = useSubmitLead();
  const [form, setForm] = useState<LeadInput>({ name: '', phone: '', business: '', city: '', want: 'why_not_assigned', note: '' });
  useEffect(() => {
    document.title = `${t('pages.no_organisation')} · ${t('common.app_name')}`;
  }, [t]);
  useEffect(() => {
    if (me) setForm((f) => ({ ...f, name: f.name || me.user.display_name || '', phone: f.phone || normaliseIranianMobile(me.user.phone) || '' }));
  }, [me]);
  const set = (patch: Partial<LeadInput>) => setForm((f) => ({ ...f, ...patch }));
  const errors = fieldErrors(submit.error, t);
  const phone = normaliseIranianMobile(form.phone);
  const valid = form.name.trim() && phone && form.business.trim() && form.city.trim();

  return (
    <Center mih="100vh" p="md" data-testid="no-org-screen">
      <Stack w="100%" maw={560}>
        <Group justify="space-between">
          <Title order={2}>{t('pages.no_organisation')}</Title>
          <Group gap="xs"><LanguageMenu /><ColorSchemeToggle /><HelpButton page_key="no_organisation" canEdit={false} /><UserMenu /></Group>
        </Group>
        <Alert color="yellow" data-testid="no-org-message">{t('orgs.no_role_text')}</Alert>
        <Paper withBorder p="lg">
          {submit.isSuccess ? (
            <Alert color="teal" data-testid="lead-sent">{t('orgs.lead_sent')}</Alert>
          ) : (
            <form onSubmit={(e) => { e.preventDefault(); if (valid && phone) submit.mutate({ ...form, phone, name: form.name.trim(), business: form.business.trim(), city: form.city.trim(), note: form.note?.trim() || undefined }); }}>
              <Stack>
                <Title order={4}>{t('orgs.lead_title')}</Title>
                <Text size="sm" c="dimmed">{t('orgs.lead_text')}</Text>
                <TextInput label={t('orgs.lead_name')} value={form.name} onChange={(e) => set({ name: e.currentTarget.value })} required error={errors.name} data-testid="lead-name" />
                <TextInput label={t('orgs.lead_phone')} value={form.phone} onChange={(e) => set({ phone: toLatinDigits(e.currentTarget.value) })} dir="ltr" inputMode="tel" required error={errors.phone ?? (form.phone && !phone ? t('auth.phone_invalid_format') : undefined)} data-testid="lead-phone" />
                <TextInput label={t('orgs.lead_business')} value={form.business} onChange={(e) => set({ business: e.currentTarget.value })} required error={errors.business} data-testid="lead-business" />
                <TextInput label={t('orgs.lead_city')} value={form.city} onChange={(e) => set({ city: e.currentTarget.value })} required error={errors.city} data-testid="lead-city" />
                <Select
                  label={t('orgs.lead_want')}
                  value={form.want}
                  onChange={(v) => v && set({ want: v as LeadInput['want'] })}
                  data={WANTS.map((w) => ({ value: w, label: t(`leads.want_${w}`) }))}
                  allowDeselect={false}
                  data-testid="lead-want"
                />
                <Textarea label={t('orgs.lead_note')} value={form.note} onChange={(e) => set({ note: e.currentTarget.value })} maxLength={2000} autosize minRows={2} data-testid="lead-note" />
                {submit.error && <Alert color="red">{problemMessage(submit.error, t, locale)}</Alert>}
                <Button type="submit" disabled={!valid} loading={submit.isPending} data-testid="lead-submit">{t('orgs.lead_submit')}</Button>
              </Stack>
            </form>
          )}
        </Paper>
      </Stack>
    </Center>
  );
}
