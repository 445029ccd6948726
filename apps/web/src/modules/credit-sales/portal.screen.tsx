/**
 * The seller portal (a person with the `seller` role, linked to one seller): the credit balance, the
 * statement with running balance, credit-increase requests, top-up sales and the API keys.
 */
import { useState } from 'react';
import { Alert, Button, Center, Loader, Modal, Stack, Tabs } from '@mantine/core';
import { IconFileInvoice, IconKey, IconList, IconPlus, IconReceipt } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { isProblem } from '../../lib/api';
import { problemMessage } from '../../lib/errors';
import { useShortcut } from '../../lib/shortcuts';
import { usePortalSeller, type SellerScope } from './credit-sales.api';
import { BalanceCard } from './common';
import { StatementPanel } from './statement-panel';
import { ChargesPanel } from './charges-panel';
import { SellerApiKeysPanel } from './api-keys-panel';
import { FileRequestForm, PortalRequestsList } from './requests-parts';

const PORTAL: SellerScope = { kind: 'portal' };

export default function SellerPortalScreen() {
  const { t, locale } = useLocale();
  const seller = usePortalSeller();
  const [tab, setTab] = useState<string | null>('statement');
  const [filing, setFiling] = useState(false);
  useShortcut({ id: 'credit-sales.portal.request', keys: ['F2', 'alt+n'], label_key: 'credit_sales.request_new', group_key: 'shortcuts.group_page', run: () => setFiling(true) });
  if (seller.isPending) return <Center p="xl"><Loader aria-label={t('common.loading')} /></Center>;
  if (seller.error) {
    return (
      <Page titleKey="pages.credit_sales_portal" testId="cs-portal-screen">
        <Alert color={isProblem(seller.error, 'credit_sales.not_a_seller_user') ? 'yellow' : 'red'} data-testid="cs-portal-error">{problemMessage(seller.error, t, locale)}</Alert>
      </Page>
    );
  }
  return (
    <Page
      titleKey="pages.credit_sales_portal"
      descriptionKey="credit_sales.portal_description"
      testId="cs-portal-screen"
      actions={<Button leftSection={<IconPlus size={16} />} onClick={() => setFiling(true)} data-testid="cs-request-new">{t('credit_sales.request_new')}</Button>}
    >
      <BalanceCard seller={seller.data} />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="statement" leftSection={<IconFileInvoice size={16} />} data-testid="cs-tab-statement">{t('credit_sales.tabs.statement')}</Tabs.Tab>
          <Tabs.Tab value="requests" leftSection={<IconList size={16} />} data-testid="cs-tab-requests">{t('credit_sales.tabs.requests')}</Tabs.Tab>
          <Tabs.Tab value="charges" leftSection={<IconReceipt size={16} />} data-testid="cs-tab-charges">{t('credit_sales.tabs.charges')}</Tabs.Tab>
          <Tabs.Tab value="keys" leftSection={<IconKey size={16} />} data-testid="cs-tab-keys">{t('credit_sales.tabs.keys')}</Tabs.Tab>
        </Tabs.List>
        <Stack pt="md">
          <Tabs.Panel value="statement"><StatementPanel scope={PORTAL} /></Tabs.Panel>
          <Tabs.Panel value="requests"><PortalRequestsList /></Tabs.Panel>
          <Tabs.Panel value="charges"><ChargesPanel scope={PORTAL} /></Tabs.Panel>
          <Tabs.Panel value="keys"><SellerApiKeysPanel scope={PORTAL} /></Tabs.Panel>
        </Stack>
      </Tabs>
      <Modal opened={filing} onClose={() => setFiling(false)} title={t('credit_sales.request_new')} data-testid="cs-request-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {filing && <FileRequestForm scope={PORTAL} onDone={() => { setFiling(false); setTab('requests'); }} />}
      </Modal>
    </Page>
  );
}
