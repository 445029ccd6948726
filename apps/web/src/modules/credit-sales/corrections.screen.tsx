/** Admin corrections: every correction of the organisation, and a new one for a seller picked here. */
import { useMemo, useState } from 'react';
import { Button, Modal, Select, Stack } from '@mantine/core';
import { IconAdjustments } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { usePermissions } from '../../app/permissions';
import { useShortcut } from '../../lib/shortcuts';
import { useSellers } from './credit-sales.api';
import { CorrectionsList } from './corrections-list';
import { CorrectionForm } from './correction-form';
import { CreditSalesPermission } from './permissions';

/** Enough for a seller picker; an organisation with more sellers types to search. */
const PICKER_LIMIT = 500;

export default function CorrectionsScreen() {
  const { t } = useLocale();
  const canManage = usePermissions().has(CreditSalesPermission.manage);
  const sellers = useSellers({ limit: PICKER_LIMIT, offset: 0 });
  const [creating, setCreating] = useState(false);
  const [sellerId, setSellerId] = useState<string | null>(null);
  const names = useMemo(() => new Map((sellers.data?.items ?? []).map((s) => [s.id, s.name])), [sellers.data]);
  const picked = sellers.data?.items.find((s) => s.id === sellerId) ?? null;
  useShortcut({ id: 'credit-sales.corrections.new', keys: ['F2', 'alt+n'], label_key: 'shortcuts.new', group_key: 'shortcuts.group_page', run: () => canManage && setCreating(true) });
  const close = () => { setCreating(false); setSellerId(null); };
  return (
    <Page
      titleKey="pages.credit_sales_corrections"
      descriptionKey="credit_sales.corrections_description"
      testId="cs-corrections-screen"
      actions={canManage && <Button leftSection={<IconAdjustments size={16} />} onClick={() => setCreating(true)} data-testid="cs-correction-new">{t('credit_sales.correction_new')}</Button>}
    >
      <CorrectionsList sellerNames={names} />
      <Modal opened={creating} onClose={close} title={t('credit_sales.correction_new')} data-testid="cs-correction-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        <Stack>
          <Select
            label={t('credit_sales.seller')}
            data={(sellers.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
            value={sellerId}
            onChange={setSellerId}
            searchable
            required
            data-autofocus
            data-testid="cs-correction-seller"
          />
          {picked && <CorrectionForm key={picked.id} seller={picked} onDone={close} />}
        </Stack>
      </Modal>
    </Page>
  );
}
