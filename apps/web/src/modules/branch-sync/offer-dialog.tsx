/**
 * Offering a release: which version, to every branch of the organisation or to chosen ones, and whether the
 * agent installs by itself or waits for someone at the branch computer. A second step repeats the choice in
 * words before anything is sent (an offer reaches online agents within a heartbeat).
 * Chosen branches get one offer each (the route takes one branch or all): they are sent in turn, and a failure
 * stops there and says how many were already offered (each offer is audited on its own).
 */
import { useState } from 'react';
import { Alert, Button, Checkbox, Group, MultiSelect, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useLocale } from '../../lib/i18n';
import { formatNumber } from '../../lib/format';
import { problemMessage, useNotifySaved } from '../../lib/errors';
import { useOfferRelease, type AgentRelease } from './branch-sync.api';

type Target = 'all' | 'chosen';
interface BranchOption { id: string; name: string }

export function OfferDialog({ releases, branches, initial, onClose }: {
  releases: AgentRelease[]; branches: BranchOption[]; initial: { version?: string; branch_ids?: string[] }; onClose: () => void;
}) {
  const { t, locale } = useLocale();
  const offer = useOfferRelease();
  const notifySaved = useNotifySaved();
  const [version, setVersion] = useState<string | null>(initial.version ?? releases[0]?.version ?? null);
  const [target, setTarget] = useState<Target>(initial.branch_ids?.length ? 'chosen' : 'all');
  const [chosen, setChosen] = useState<string[]>(initial.branch_ids ?? []);
  const [automatic, setAutomatic] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  const [sent, setSent] = useState(0);
  const ready = version !== null && (target === 'all' || chosen.length > 0);
  const names = branches.filter((b) => chosen.includes(b.id)).map((b) => b.name).join(t('branch_sync.list_separator'));

  const send = async () => {
    if (!version) return;
    const targets: Array<string | null> = target === 'all' ? [null] : chosen;
    let done = 0;
    setSent(0);
    try {
      for (const branch_id of targets) {
        await offer.mutateAsync({ version, branch_id, install_without_confirmation: automatic });
        done += 1;
        setSent(done);
      }
      notifySaved('branch_sync.offer_sent');
      onClose();
    } catch {
      // offer.error holds the problem; the dialog stays open showing it and how many went out.
    }
  };

  if (reviewing && version) {
    return (
      <Stack data-testid="offer-review">
        <Text size="sm">
          {target === 'all'
            ? t('branch_sync.offer_confirm_all', { version })
            : t('branch_sync.offer_confirm_chosen', { version, number: formatNumber(chosen.length, locale), branches: names })}
        </Text>
        <Text size="sm" c="dimmed">{t(automatic ? 'branch_sync.offer_confirm_automatic' : 'branch_sync.offer_confirm_manual')}</Text>
        {offer.error && (
          <Alert color="red" data-testid="offer-error">
            {problemMessage(offer.error, t, locale)}
            {sent > 0 && <Text size="sm">{t('branch_sync.offer_partly_sent', { number: formatNumber(sent, locale) })}</Text>}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setReviewing(false)} disabled={offer.isPending} data-testid="confirm-no">{t('branch_sync.offer_back')}</Button>
          <Button loading={offer.isPending} onClick={() => void send()} data-testid="confirm-yes">{t('branch_sync.offer_send')}</Button>
        </Group>
      </Stack>
    );
  }

  return (
    <Stack>
      <Select label={t('branch_sync.release_version')} data={releases.map((r) => ({ value: r.version, label: r.version }))} value={version} onChange={setVersion}
        allowDeselect={false} dir="ltr" data-testid="offer-version" comboboxProps={{ withinPortal: true }} />
      <Stack gap={4}>
        <Text size="sm" fw={500}>{t('branch_sync.offer_target')}</Text>
        <SegmentedControl value={target} onChange={(v) => setTarget(v as Target)} data-testid="offer-target"
          data={[{ value: 'all', label: t('branch_sync.offer_all_branches') }, { value: 'chosen', label: t('branch_sync.offer_chosen_branches') }]} />
        {target === 'all' && <Text size="xs" c="dimmed">{t('branch_sync.offer_all_hint')}</Text>}
      </Stack>
      {target === 'chosen' && (
        <MultiSelect label={t('branch_sync.branches')} data={branches.map((b) => ({ value: b.id, label: b.name }))} value={chosen} onChange={setChosen}
          searchable nothingFoundMessage={t('common.empty')} data-testid="offer-branches" comboboxProps={{ withinPortal: true }} />
      )}
      <Checkbox checked={automatic} onChange={(e) => setAutomatic(e.currentTarget.checked)} label={t('branch_sync.install_without_confirmation')}
        description={t('branch_sync.install_without_confirmation_hint')} data-testid="offer-automatic" />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
        <Button disabled={!ready} onClick={() => { offer.reset(); setReviewing(true); }} data-testid="offer-next">{t('branch_sync.offer_review')}</Button>
      </Group>
    </Stack>
  );
}
