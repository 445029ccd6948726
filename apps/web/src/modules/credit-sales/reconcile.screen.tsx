/**
 * The reconcile report: the ledger checks every account (balance = sum of its entries, unbroken
 * version chain, no forbidden negative, every transfer balanced, the whole ledger sums to zero) and
 * credit sales checks every seller (balance = approved + corrections − sold). Run on request.
 */
import type { ReactNode } from 'react';
import { Alert, Badge, Button, Code, Group, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { IconCircleCheck, IconAlertOctagon, IconRefresh } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { Money } from '../../lib/money';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatNumber } from '../../lib/format';
import { problemMessage } from '../../lib/errors';
import { useReconcile, type CreditSalesReconcile } from './credit-sales.api';

function Figure({ labelKey, children, testId }: { labelKey: string; children: ReactNode; testId?: string }) {
  const { t } = useLocale();
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed">{t(labelKey)}</Text>
      <Text fw={700} data-testid={testId}>{children}</Text>
    </Paper>
  );
}

function Report({ report }: { report: CreditSalesReconcile }) {
  const { t, locale } = useLocale();
  const ledger = report.ledger;
  return (
    <Stack data-testid="cs-reconcile-report" data-ok={report.ok ? 'true' : 'false'}>
      <Alert
        color={report.ok ? 'teal' : 'red'}
        icon={report.ok ? <IconCircleCheck size={20} /> : <IconAlertOctagon size={20} />}
        title={t(report.ok ? 'credit_sales.reconcile.ok_title' : 'credit_sales.reconcile.drift_title')}
        data-testid="cs-reconcile-state"
      >
        {t(report.ok ? 'credit_sales.reconcile.ok_text' : 'credit_sales.reconcile.drift_text')}
        {' '}
        {t('credit_sales.reconcile.checked_at', { date: formatDate(ledger.checked_at, locale) })}
      </Alert>
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <Figure labelKey="credit_sales.reconcile.accounts">{formatNumber(ledger.accounts_checked, locale)}</Figure>
        <Figure labelKey="credit_sales.reconcile.entries">{formatNumber(ledger.entries_checked, locale)}</Figure>
        <Figure labelKey="credit_sales.reconcile.transfers">{formatNumber(ledger.transfers_checked, locale)}</Figure>
        <Figure labelKey="credit_sales.reconcile.total_balance" testId="cs-reconcile-total"><Money rial={ledger.total_balance_rial} /></Figure>
        <Figure labelKey="credit_sales.reconcile.problems">{formatNumber(ledger.problems.length, locale)}</Figure>
      </SimpleGrid>
      {ledger.problems.length > 0 && (
        <Table withTableBorder data-testid="cs-reconcile-problems">
          <Table.Thead><Table.Tr><Table.Th>{t('credit_sales.reconcile.problem')}</Table.Th><Table.Th>{t('credit_sales.reconcile.account')}</Table.Th><Table.Th>{t('credit_sales.reconcile.detail')}</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {ledger.problems.map((p, i) => (
              <Table.Tr key={`${p.kind}:${p.account_id ?? ''}:${p.transfer_id ?? ''}:${i}`}>
                <Table.Td>{t(`credit_sales.reconcile.kinds.${p.kind}`)}</Table.Td>
                <Table.Td><Code dir="ltr">{p.account_id ?? p.transfer_id ?? '—'}</Code></Table.Td>
                <Table.Td><Text size="sm" dir="ltr" ta="start">{p.detail}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Table.ScrollContainer minWidth={800}>
        <Table striped withTableBorder data-testid="cs-reconcile-sellers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('credit_sales.seller')}</Table.Th>
              <Table.Th>{t('credit_sales.reconcile.approved')}</Table.Th>
              <Table.Th>{t('credit_sales.reconcile.corrections')}</Table.Th>
              <Table.Th>{t('credit_sales.reconcile.sold')}</Table.Th>
              <Table.Th>{t('credit_sales.reconcile.expected')}</Table.Th>
              <Table.Th>{t('credit_sales.balance')}</Table.Th>
              <Table.Th>{t('credit_sales.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.sellers.map((s) => (
              <Table.Tr key={s.seller_id} data-testid="cs-reconcile-seller" data-ok={s.ok ? 'true' : 'false'} bg={s.ok ? undefined : 'var(--mantine-color-red-light)'}>
                <Table.Td>{s.name}</Table.Td>
                <Table.Td><Money rial={s.approved_rial} /></Table.Td>
                <Table.Td><Money rial={s.corrections_rial} /></Table.Td>
                <Table.Td><Money rial={s.sold_rial} /></Table.Td>
                <Table.Td><Money rial={s.expected_rial} /></Table.Td>
                <Table.Td fw={600}><Money rial={s.balance_rial} /></Table.Td>
                <Table.Td><Badge color={s.ok ? 'teal' : 'red'} variant="light">{t(s.ok ? 'credit_sales.reconcile.line_ok' : 'credit_sales.reconcile.line_drift')}</Badge></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {report.sellers.length === 0 && <Text c="dimmed" ta="center">{t('credit_sales.reconcile.no_sellers')}</Text>}
    </Stack>
  );
}

export default function ReconcileScreen() {
  const { t, locale } = useLocale();
  const reconcile = useReconcile();
  return (
    <Page
      titleKey="pages.credit_sales_reconcile"
      descriptionKey="credit_sales.reconcile.description"
      testId="cs-reconcile-screen"
      actions={(
        <Button leftSection={<IconRefresh size={16} />} loading={reconcile.isPending} onClick={() => reconcile.mutate()} data-testid="cs-reconcile-run">
          {t(reconcile.data ? 'credit_sales.reconcile.run_again' : 'credit_sales.reconcile.run')}
        </Button>
      )}
    >
      {reconcile.error && <Alert color="red">{problemMessage(reconcile.error, t, locale)}</Alert>}
      {reconcile.data ? <Report report={reconcile.data} /> : !reconcile.isPending && (
        <Group><Text c="dimmed" data-testid="cs-reconcile-idle">{t('credit_sales.reconcile.idle')}</Text></Group>
      )}
    </Page>
  );
}
