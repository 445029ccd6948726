/** Create a seller (name, contact phone) or edit one (also its status: a suspended seller cannot sell). */
import { useState } from 'react';
import { Button, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useLocale } from '../../lib/i18n';
import { normaliseIranianMobile } from '../../lib/format';
import { fieldErrors, problemMessage, useNotifySaved } from '../../lib/errors';
import { useCreateSeller, useUpdateSeller, type SellerDto, type SellerStatus } from './credit-sales.api';
import { useSingleFlight } from './common';

export function SellerForm({ seller, onDone }: { seller?: SellerDto; onDone: (saved: SellerDto | null) => void }) {
  const { t, locale } = useLocale();
  const [name, setName] = useState(seller?.name ?? '');
  const [phone, setPhone] = useState(seller?.contact_phone ?? '');
  const [status, setStatus] = useState<SellerStatus>(seller?.status ?? 'active');
  const create = useCreateSeller();
  const update = useUpdateSeller();
  const saving = seller ? update : create;
  const notifySaved = useNotifySaved();
  const flight = useSingleFlight();
  const errors = fieldErrors(saving.error, t);
  const normalised = phone.trim() ? normaliseIranianMobile(phone) : null;
  const phoneInvalid = phone.trim() !== '' && normalised === null;
  const submit = () => {
    if (!name.trim() || phoneInvalid || !flight.start()) return;
    const input = { name: name.trim(), contact_phone: normalised };
    const done = { onSuccess: (saved: SellerDto) => { notifySaved(); onDone(saved); }, onSettled: flight.done };
    if (seller) update.mutate({ id: seller.id, ...input, status }, done);
    else create.mutate(input, done);
  };
  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <Stack>
        <TextInput label={t('credit_sales.seller_name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} data-autofocus error={errors.name} data-testid="cs-seller-name" />
        <TextInput
          label={t('credit_sales.contact_phone')}
          value={phone}
          onChange={(e) => setPhone(e.currentTarget.value)}
          dir="ltr"
          inputMode="tel"
          placeholder="09121234567"
          error={phoneInvalid ? t('credit_sales.phone_invalid') : errors.contact_phone}
          data-testid="cs-seller-phone"
        />
        {seller && (
          <SegmentedControl
            value={status}
            onChange={(v) => setStatus(v as SellerStatus)}
            data={(['active', 'suspended'] as const).map((s) => ({ value: s, label: t(`credit_sales.seller_status.${s}`) }))}
            data-testid="cs-seller-status"
          />
        )}
        {seller && status === 'suspended' && <Text size="sm" c="orange">{t('credit_sales.suspended_hint')}</Text>}
        {saving.error && <Text c="red" size="sm" data-testid="cs-seller-error">{problemMessage(saving.error, t, locale)}</Text>}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onDone(null)}>{t('common.cancel')}</Button>
          <Button type="submit" loading={saving.isPending} disabled={!name.trim() || phoneInvalid} data-testid="cs-seller-save">{t('common.save')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
