/**
 * Agent updates (spec E8): the releases the platform operator published (signed off the server), offering one to
 * every branch or to chosen ones, and per branch the version its agent runs and where the offer stands.
 * Reading needs `branch_sync.read`; offering needs `branch_sync.agents.manage` (the server checks both).
 * A withdrawn offer, while the newest for its target, leaves nothing offered there (an older one does not come back).
 */
import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Modal, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { Link } from '@tanstack/react-router';
import { IconArrowBack, IconSend } from '@tabler/icons-react';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatNumber } from '../../lib/format';
import { problemMessage, useNotifyError, useNotifySaved } from '../../lib/errors';
import { usePermissions } from '../../app/permissions';
import { useBranches } from '../orgs/orgs.api';
import { useUpdates, useWithdrawOffer, type AgentRelease, type UpdateOfferDto, type UpdatesDto } from './branch-sync.api';
import { BranchSyncPermission } from './permissions';
import { formatBytes } from './parts';
import { OfferDialog } from './offer-dialog';
import { UPDATE_STATE_COLOUR, branchUpdate } from './update-state';

interface BranchOption { id: string; name: string }
type OpenOffer = (initial: { version?: string; branch_ids?: string[] }) => void;

/** A digest is for comparing with the operator's signing output: Latin, left to right, shortened. */
const shortDigest = (sha256: string): string => `${sha256.slice(0, 12)}…`;

function SignatureBadge({ release, updates }: { release: AgentRelease; updates: UpdatesDto }) {
  const { t, locale } = useLocale();
  // The server cannot check the signature (the release key stays off it); every agent checks it before anything
  // else and reports `rejected` with the reason, so rejections of this version are what the panel can show.
  const rejected = updates.agents.filter((a) => a.update_version === release.version && a.update_state === 'rejected').length;
  if (rejected > 0) return <Badge color="red" variant="light" data-testid="release-signature" data-state="rejected">{t('branch_sync.signature_rejected', { number: formatNumber(rejected, locale) })}</Badge>;
  return (
    <Tooltip label={t('branch_sync.signature_hint')} multiline w={280}>
      <Badge color="teal" variant="light" data-testid="release-signature" data-state="signed">{t('branch_sync.signature_signed')}</Badge>
    </Tooltip>
  );
}

function ReleasesCard({ updates, can_offer, onOffer }: { updates: UpdatesDto; can_offer: boolean; onOffer: OpenOffer }) {
  const { t, locale } = useLocale();
  return (
    <Card withBorder data-testid="releases-card">
      <Stack gap="xs">
        <Title order={4}>{t('branch_sync.releases')}</Title>
        <Table.ScrollContainer minWidth={760}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('branch_sync.version')}</Table.Th>
                <Table.Th>{t('branch_sync.published_at')}</Table.Th>
                <Table.Th>{t('branch_sync.size')}</Table.Th>
                <Table.Th>{t('branch_sync.signature')}</Table.Th>
                <Table.Th>{t('branch_sync.digest')}</Table.Th>
                <Table.Th>{t('branch_sync.notes')}</Table.Th>
                {can_offer && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {updates.releases.map((release) => (
                <Table.Tr key={release.version} data-testid="release-row" data-version={release.version}>
                  <Table.Td dir="ltr" style={{ textAlign: 'start' }} fw={600}>{release.version}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(release.published_at, locale)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatBytes(release.size_bytes, locale, t)}</Table.Td>
                  <Table.Td><SignatureBadge release={release} updates={updates} /></Table.Td>
                  <Table.Td><Tooltip label={release.sha256}><Text size="xs" ff="monospace" dir="ltr" style={{ textAlign: 'start' }}>{shortDigest(release.sha256)}</Text></Tooltip></Table.Td>
                  <Table.Td><Text size="sm" c="dimmed">{release.notes ?? ''}</Text></Table.Td>
                  {can_offer && (
                    <Table.Td>
                      <Button size="xs" variant="light" leftSection={<IconSend size={14} />} onClick={() => onOffer({ version: release.version })} data-testid="release-offer">{t('branch_sync.offer')}</Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {updates.releases.length === 0 && <Text c="dimmed" ta="center" size="sm" data-testid="releases-empty">{t('branch_sync.no_releases')}</Text>}
      </Stack>
    </Card>
  );
}

function BranchesCard({ updates, branches, can_offer, onOffer }: { updates: UpdatesDto; branches: BranchOption[]; can_offer: boolean; onOffer: OpenOffer }) {
  const { t, locale } = useLocale();
  const byBranch = new Map(updates.agents.map((a) => [a.branch_id, a]));
  return (
    <Card withBorder data-testid="branch-updates-card">
      <Stack gap="xs">
        <Title order={4}>{t('branch_sync.branch_updates')}</Title>
        <Table.ScrollContainer minWidth={760}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('branch_sync.branch')}</Table.Th>
                <Table.Th>{t('branch_sync.running_version')}</Table.Th>
                <Table.Th>{t('branch_sync.offered_version')}</Table.Th>
                <Table.Th>{t('branch_sync.update_state')}</Table.Th>
                <Table.Th>{t('branch_sync.update_since')}</Table.Th>
                {can_offer && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {branches.map((branch) => {
                const agent = byBranch.get(branch.id);
                const update = branchUpdate(agent, updates.offers);
                const failed = update.state === 'rejected' || update.state === 'rolled_back';
                return (
                  <Table.Tr key={branch.id} data-testid="branch-update-row" data-branch={branch.id} data-state={update.state}>
                    <Table.Td><Anchor component={Link} to={`/branch-sync/${encodeURIComponent(branch.id)}`} size="sm">{branch.name}</Anchor></Table.Td>
                    <Table.Td dir="ltr" style={{ textAlign: 'start' }}>{agent?.agent_version ?? ''}</Table.Td>
                    <Table.Td dir="ltr" style={{ textAlign: 'start' }}>{agent?.offered_version ?? ''}</Table.Td>
                    <Table.Td>
                      <Badge color={UPDATE_STATE_COLOUR[update.state]} variant={update.state.startsWith('no_') ? 'outline' : 'light'} style={{ minWidth: 'max-content' }} data-testid="update-state">
                        {t(`branch_sync.update.${update.state}`)}
                      </Badge>
                      {update.detail && <Text size="xs" c="red" dir="ltr" style={{ textAlign: 'start' }} data-testid="update-detail">{update.detail}</Text>}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{update.at ? formatDate(update.at, locale) : ''}</Table.Td>
                    {can_offer && (
                      <Table.Td>
                        {failed && agent?.offered_version && (
                          <Button size="xs" variant="light" onClick={() => onOffer({ version: agent.offered_version ?? undefined, branch_ids: [branch.id] })} data-testid="offer-again">{t('branch_sync.offer_again')}</Button>
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {branches.length === 0 && <Text c="dimmed" ta="center" size="sm">{t('common.empty')}</Text>}
      </Stack>
    </Card>
  );
}

function OffersCard({ updates, branches, can_withdraw }: { updates: UpdatesDto; branches: BranchOption[]; can_withdraw: boolean }) {
  const { t, locale } = useLocale();
  const nameOf = new Map(branches.map((b) => [b.id, b.name]));
  const withdraw = useWithdrawOffer();
  const notifySaved = useNotifySaved();
  const notifyError = useNotifyError();
  const targetOf = (offer: UpdateOfferDto): string => (offer.branch_id === null ? t('branch_sync.offer_all_branches') : (nameOf.get(offer.branch_id) ?? t('branch_sync.unknown_branch')));
  const confirmWithdraw = (offer: UpdateOfferDto) => modals.openConfirmModal({
    title: t('branch_sync.withdraw_title'),
    children: <Stack gap="xs"><Text size="sm">{t('branch_sync.withdraw_text', { version: offer.version, target: targetOf(offer) })}</Text><Text size="sm" c="dimmed">{t('branch_sync.withdraw_effect')}</Text></Stack>,
    labels: { confirm: t('branch_sync.withdraw'), cancel: t('common.cancel') }, confirmProps: { color: 'red', 'data-testid': 'confirm-yes' }, cancelProps: { 'data-testid': 'confirm-no' },
    onConfirm: () => withdraw.mutate(offer.id, { onSuccess: () => notifySaved('branch_sync.withdrawn_notice'), onError: notifyError }),
  });
  return (
    <Card withBorder data-testid="offers-card">
      <Stack gap="xs">
        <Title order={4}>{t('branch_sync.offers')}</Title>
        <Text size="xs" c="dimmed">{t('branch_sync.offers_hint')}</Text>
        <Table.ScrollContainer minWidth={600}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('branch_sync.created_at')}</Table.Th>
                <Table.Th>{t('branch_sync.version')}</Table.Th>
                <Table.Th>{t('branch_sync.offer_target')}</Table.Th>
                <Table.Th>{t('branch_sync.installation')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {updates.offers.map((offer) => (
                <Table.Tr key={offer.id} data-testid="offer-row" data-withdrawn={offer.withdrawn_at ? 'true' : 'false'} style={offer.withdrawn_at ? { opacity: 0.6 } : undefined}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(offer.created_at, locale)}</Table.Td>
                  <Table.Td dir="ltr" style={{ textAlign: 'start' }}>{offer.version}</Table.Td>
                  <Table.Td>{targetOf(offer)}</Table.Td>
                  <Table.Td>{t(offer.install_without_confirmation ? 'branch_sync.install_automatic' : 'branch_sync.install_after_confirmation')}</Table.Td>
                  <Table.Td>
                    {offer.withdrawn_at
                      ? <Badge color="gray" variant="light" style={{ minWidth: 'max-content' }} data-testid="offer-withdrawn">{t('branch_sync.withdrawn_at', { date: formatDate(offer.withdrawn_at, locale) })}</Badge>
                      : can_withdraw && <Button size="xs" variant="subtle" color="red" loading={withdraw.isPending && withdraw.variables === offer.id} onClick={() => confirmWithdraw(offer)} data-testid="offer-withdraw">{t('branch_sync.withdraw')}</Button>}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {updates.offers.length === 0 && <Text c="dimmed" ta="center" size="sm">{t('branch_sync.no_offers')}</Text>}
      </Stack>
    </Card>
  );
}

export default function UpdatesScreen() {
  const { t, locale } = useLocale();
  const can = usePermissions();
  const updates = useUpdates();
  const branchesQuery = useBranches();
  const branches: BranchOption[] = (branchesQuery.data?.items ?? []).map((b) => ({ id: b.id, name: b.name }));
  const [offering, setOffering] = useState<{ version?: string; branch_ids?: string[] } | null>(null);
  const can_offer = can.has(BranchSyncPermission.manage);
  const releases = updates.data?.releases ?? [];
  const error = updates.error ?? branchesQuery.error;
  const actions = can_offer
    ? <Button leftSection={<IconSend size={16} />} disabled={releases.length === 0} onClick={() => setOffering({})} data-testid="offer-open">{t('branch_sync.offer_release')}</Button>
    : undefined;
  return (
    <Page titleKey="pages.branch_sync_updates" descriptionKey="branch_sync.updates_description" testId="branch-sync-updates-screen" actions={actions}>
      <Anchor component={Link} to="/branch-sync" size="sm"><Group gap={4}><IconArrowBack size={14} />{t('pages.branch_sync_agents')}</Group></Anchor>
      {error && <Text c="red" size="sm">{problemMessage(error, t, locale)}</Text>}
      {updates.data && (
        <>
          <ReleasesCard updates={updates.data} can_offer={can_offer} onOffer={setOffering} />
          <BranchesCard updates={updates.data} branches={branches} can_offer={can_offer} onOffer={setOffering} />
          <OffersCard updates={updates.data} branches={branches} can_withdraw={can_offer} />
        </>
      )}
      <Modal opened={offering !== null} onClose={() => setOffering(null)} title={t('branch_sync.offer_release')} size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {offering && <OfferDialog releases={releases} branches={branches} initial={offering} onClose={() => setOffering(null)} />}
      </Modal>
    </Page>
  );
}
