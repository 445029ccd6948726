/**
 * One seller, for admins: balance, edit, correction, a request filed on the seller's behalf, and tabs
 * with its statement, sales, requests, corrections, portal users and API keys.
 */
import { useState } from 'react';
import { Alert, Anchor, Button, Center, Group, Loader, Modal, Stack, Tabs } from '@mantine/core';
import { IconAdjustments, IconArrowBack, IconPencil, IconPlus } from '@tabler/icons-react';
import { Link, useParams } from '@tanstack/react-router';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { problemMessage } from '../../lib/errors';
import { usePermissions } from '../../app/permissions';
import { useSeller, type SellerScope } from './credit-sales.api';
import { BalanceCard } from './common';
import { StatementPanel } from './statement-panel';
import { ChargesPanel } from './charges-panel';
import { SellerApiKeysPanel } from './api-keys-panel';
import { FileRequestForm } from './requests-parts';
import { RequestsQueue } from './requests-queue';
import { CorrectionsList } from './corrections-list';
import { CorrectionForm } from './correction-form';
import { SellerForm } from './seller-form';
import { SellerUsersPanel } from './seller-users-panel';
import { CreditSalesPermission } from './permissions';

type Dialog = 'edit' | 'correction' | 'request' | null;

export default function SellerScreen() {
  const { t, locale } = useLocale();
  const { seller_id = '' } = useParams({ strict: false }) as { seller_id?: string };
  const canManage = usePermissions().has(CreditSalesPermission.manage);
  const seller = useSeller(seller_id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const scope: SellerScope = { kind: 'admin', seller_id };
  const back = <Anchor component={Link} to="/credit-sales/sellers" size="sm"><Group gap={4}><IconArrowBack size={14} />{t('pages.credit_sales_sellers')}</Group></Anchor>;
  if (seller.isPending) return <Center p="xl"><Loader aria-label={t('common.loading')} /></Center>;
  if (seller.error) {
    return (
      <Page titleKey="pages.credit_sales_seller" testId="cs-seller-screen">
        {back}
        <Alert color="red" data-testid="cs-seller-load-error">{problemMessage(seller.error, t, locale)}</Alert>
      </Page>
    );
  }
  const actions = canManage && (
    <>
      <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setDialog('edit')} data-testid="cs-seller-edit">{t('common.edit')}</Button>
      <Button variant="light" leftSection={<IconAdjustments size={16} />} onClick={() => setDialog('correction')} data-testid="cs-correction-new">{t('credit_sales.correction_new')}</Button>
      <Button leftSection={<IconPlus size={16} />} onClick={() => setDialog('request')} data-testid="cs-seller-request-new">{t('credit_sales.request_for_seller')}</Button>
    </>
  );
  const titles: Record<Exclude<Dialog, null>, string> = { edit: 'credit_sales.seller_edit', correction: 'credit_sales.correction_new', request: 'credit_sales.request_for_seller' };
  return (
    <Page titleKey="pages.credit_sales_seller" testId="cs-seller-screen" actions={actions}>
      {back}
      <BalanceCard seller={seller.data} />
      <Tabs defaultValue="statement" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="statement" data-testid="cs-tab-statement">{t('credit_sales.tabs.statement')}</Tabs.Tab>
          <Tabs.Tab value="charges" data-testid="cs-tab-charges">{t('credit_sales.tabs.charges')}</Tabs.Tab>
          <Tabs.Tab value="requests" data-testid="cs-tab-requests">{t('credit_sales.tabs.requests')}</Tabs.Tab>
          <Tabs.Tab value="corrections" data-testid="cs-tab-corrections">{t('credit_sales.tabs.corrections')}</Tabs.Tab>
          <Tabs.Tab value="users" data-testid="cs-tab-users">{t('credit_sales.tabs.users')}</Tabs.Tab>
          {canManage && <Tabs.Tab value="keys" data-testid="cs-tab-keys">{t('credit_sales.tabs.keys')}</Tabs.Tab>}
        </Tabs.List>
        <Stack pt="md">
          <Tabs.Panel value="statement"><StatementPanel scope={scope} /></Tabs.Panel>
          <Tabs.Panel value="charges"><ChargesPanel scope={scope} /></Tabs.Panel>
          <Tabs.Panel value="requests"><RequestsQueue seller_id={seller_id} /></Tabs.Panel>
          <Tabs.Panel value="corrections"><CorrectionsList seller_id={seller_id} /></Tabs.Panel>
          <Tabs.Panel value="users"><SellerUsersPanel seller_id={seller_id} /></Tabs.Panel>
          {canManage && <Tabs.Panel value="keys"><SellerApiKeysPanel scope={scope} /></Tabs.Panel>}
        </Stack>
      </Tabs>
      <Modal opened={dialog !== null} onClose={() => setDialog(null)} title={dialog ? t(titles[dialog]) : ''} data-testid="cs-seller-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {dialog === 'edit' && <SellerForm seller={seller.data} onDone={() => setDialog(null)} />}
        {dialog === 'correction' && <CorrectionForm seller={seller.data} onDone={() => setDialog(null)} />}
        {dialog === 'request' && <FileRequestForm scope={scope} onDone={() => setDialog(null)} />}
      </Modal>
    </Page>
  );
}
