/**
 * When the panel opened an organisation by itself (the default or last used one) and the person has
 * several, offer to switch or stay — once per sign-in session (answered → not asked again, even after
 * a reload; not answered → asked again after a reload).
 */
import { useState } from 'react';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMe } from '../modules/identity/identity.api';
import { useCurrentOrg, useMyOrganisations } from '../modules/orgs/orgs.api';
import { useLocale } from '../lib/i18n';
import { useNavigate } from '@tanstack/react-router';

function sessionMarker(csrf_token: string): string {
  let hash = 0;
  for (const ch of csrf_token) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return `chaharsu.org-offer-answered.${(hash >>> 0).toString(36)}`;
}

/** Called when the person picks an organisation themselves: no need to ask. */
export function markOrganisationChoiceAnswered(csrf_token: string | undefined): void {
  if (csrf_token) localStorage.setItem(sessionMarker(csrf_token), '1');
}

export function OrgSwitchOffer() {
  const { t } = useLocale();
  const me = useMe().data;
  const orgs = useMyOrganisations().data;
  const org = useCurrentOrg().data;
  const navigate = useNavigate();
  const [answered, setAnswered] = useState(false);
  if (!me || !org || !orgs || orgs.items.length < 2 || answered) return null;
  if (localStorage.getItem(sessionMarker(me.csrf_token))) return null;
  const answer = () => {
    markOrganisationChoiceAnswered(me.csrf_token);
    setAnswered(true);
  };
  return (
    <Modal opened onClose={answer} title={t('orgs.switch_offer_title', { name: org.name })} data-testid="org-switch-dialog" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        <Text>{t('orgs.switch_offer_text', { name: org.name })}</Text>
        <Group justify="flex-end">
          <Button
            variant="default"
            data-testid="org-switch-change"
            onClick={() => {
              answer();
              void navigate({ to: '/choose-organisation' });
            }}
          >
            {t('orgs.switch_offer_switch')}
          </Button>
          <Button data-testid="org-switch-stay" onClick={answer} data-autofocus>
            {t('orgs.switch_offer_stay', { name: org.name })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
