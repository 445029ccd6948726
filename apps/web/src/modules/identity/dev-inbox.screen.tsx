/** Development only: the codes the dev SMS provider "sent" (GET /api/dev/sms-inbox), refreshed every 2 s. */
import { Alert, Badge, Container, Group, Table, Text } from '@mantine/core';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatPhone, localiseDigits } from '../../lib/format';
import { problemMessage } from '../../lib/errors';
import { useDevInbox } from './identity.api';

export default function DevInboxScreen() {
  const { t, locale } = useLocale();
  const inbox = useDevInbox();
  return (
    <Container size="md" py="lg">
      <Page titleKey="pages.dev_inbox" descriptionKey="dev_inbox.description" testId="dev-inbox">
        {inbox.error && <Alert color="red">{problemMessage(inbox.error, t, locale)}</Alert>}
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('dev_inbox.time')}</Table.Th>
              <Table.Th>{t('dev_inbox.phone')}</Table.Th>
              <Table.Th>{t('dev_inbox.channel')}</Table.Th>
              <Table.Th>{t('dev_inbox.code')}</Table.Th>
              <Table.Th>{t('dev_inbox.text')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(inbox.data?.items ?? []).map((item, index) => (
              <Table.Tr key={`${item.created_at}-${index}`} data-testid="dev-inbox-row" data-phone={item.phone} data-code={item.code ?? ''}>
                <Table.Td>{formatDate(item.created_at, locale)}</Table.Td>
                <Table.Td dir="ltr">{formatPhone(item.phone, locale)}</Table.Td>
                <Table.Td><Badge variant="light">{t(item.channel === 'telegram' ? 'auth.channel_telegram' : 'auth.channel_sms')}</Badge></Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Text ff="monospace" fw={700} data-testid="dev-inbox-code">{item.code ? localiseDigits(item.code, locale) : ''}</Text>
                  </Group>
                </Table.Td>
                <Table.Td>{item.text}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {inbox.data && inbox.data.items.length === 0 && <Text c="dimmed" ta="center">{t('common.empty')}</Text>}
      </Page>
    </Container>
  );
}
