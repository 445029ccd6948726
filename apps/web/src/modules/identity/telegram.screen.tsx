/**
 * Linking Telegram: the server gives a one-time deep link to our bot; the person opens it and shares
 * their contact (which proves the number). We poll /api/me until `telegram_linked` turns true.
 */
import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, Image, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { formatDate } from '../../lib/format';
import { useNotifyError } from '../../lib/errors';
import { meKey, useMe, useTelegramLink, useTelegramUnlink } from './identity.api';

const LINK_POLL_MS = 3000;

export default function TelegramScreen() {
  const { t, locale } = useLocale();
  const me = useMe().data;
  const client = useQueryClient();
  const link = useTelegramLink();
  const unlink = useTelegramUnlink();
  const notifyError = useNotifyError();
  const [qr, setQr] = useState<string | null>(null);
  const linked = me?.telegram_linked ?? false;
  const url = link.data?.url;

  useEffect(() => {
    if (!url) return setQr(null);
    let cancelled = false;
    void QRCode.toDataURL(url, { margin: 1, width: 220 }).then((data) => !cancelled && setQr(data));
    return () => { cancelled = true; };
  }, [url]);

  useEffect(() => {
    if (!url || linked) return;
    const timer = window.setInterval(() => void client.invalidateQueries({ queryKey: meKey }), LINK_POLL_MS);
    return () => window.clearInterval(timer);
  }, [url, linked, client]);

  return (
    <Page titleKey="pages.telegram" descriptionKey="telegram.description" testId="telegram-screen">
      <Card withBorder maw={560}>
        <Stack>
          <Group>
            <Text fw={600}>{t('telegram.status')}</Text>
            <Badge color={linked ? 'teal' : 'gray'} data-testid="telegram-status" data-linked={linked ? 'true' : 'false'}>
              {t(linked ? 'telegram.linked' : 'telegram.not_linked')}
            </Badge>
          </Group>
          {linked ? (
            <Button color="red" variant="light" w="fit-content" loading={unlink.isPending} onClick={() => unlink.mutate(undefined, { onError: notifyError })} data-testid="telegram-unlink">
              {t('telegram.unlink')}
            </Button>
          ) : (
            <>
              <Text size="sm">{t('telegram.how')}</Text>
              <Button w="fit-content" loading={link.isPending} onClick={() => link.mutate(undefined, { onError: notifyError })} data-testid="telegram-link">
                {t(url ? 'telegram.new_link' : 'telegram.get_link')}
              </Button>
              {url && (
                <Alert color="blue" data-testid="telegram-link-box">
                  <Stack gap="xs">
                    <Anchor href={url} target="_blank" rel="noopener noreferrer" dir="ltr" data-testid="telegram-link-url">{url}</Anchor>
                    {qr && <Image src={qr} w={220} h={220} alt={t('telegram.qr_alt')} />}
                    {link.data && <Text size="xs" c="dimmed">{t('telegram.expires_at', { date: formatDate(link.data.expires_at, locale) })}</Text>}
                    <Text size="xs" c="dimmed">{t('telegram.waiting')}</Text>
                  </Stack>
                </Alert>
              )}
            </>
          )}
        </Stack>
      </Card>
    </Page>
  );
}
