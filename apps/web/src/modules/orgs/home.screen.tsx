/** The organisation's home: branches, people, assist contact, and the latest audit entries. */
import { Anchor, Badge, Card, Group, List, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { Page } from '../../lib/page';
import { useLocale } from '../../lib/i18n';
import { formatDate, formatNumber, formatPhone } from '../../lib/format';
import { usePermissions } from '../../app/permissions';
import { allPages } from '../../app/modules';
import { pageTitleKey } from '../../app/registry';
import { useAuditPage } from '../audit/audit.api';
import { auditActionLabel, auditEntityLabel } from '../audit/audit-labels';
import { useMe } from '../identity/identity.api';
import { useBranches, useCurrentOrg, useMembers } from './orgs.api';

function Stat({ labelKey, value, testId, loading }: { labelKey: string; value: string; testId: string; loading: boolean }) {
  const { t } = useLocale();
  return (
    <Card withBorder data-testid={testId}>
      <Text size="sm" c="dimmed">{t(labelKey)}</Text>
      {loading ? <Skeleton h={32} mt={4} /> : <Title order={2}>{value}</Title>}
    </Card>
  );
}

function PlatformHome() {
  const { t } = useLocale();
  const permissions = usePermissions();
  const pages = allPages.filter((p) => p.nav?.group === 'platform' && permissions.has(p.permission));
  return (
    <Page titleKey="pages.home" testId="home-screen">
      <Card withBorder>
        <Text mb="sm">{t('home.no_org_platform')}</Text>
        <List>
          {pages.map((p) => (
            <List.Item key={p.path}><Anchor component={Link} to={p.path}>{t(pageTitleKey(p))}</Anchor></List.Item>
          ))}
        </List>
      </Card>
    </Page>
  );
}

export default function HomeScreen() {
  const { t, locale } = useLocale();
  const me = useMe().data;
  const org = useCurrentOrg();
  const permissions = usePermissions();
  const canStaff = permissions.has('org.staff.read');
  const canAudit = permissions.has('audit.read');
  const branches = useBranches(Boolean(org.data));
  const members = useMembers(Boolean(org.data) && canStaff);
  const audit = useAuditPage('org', {}, 8, 0, Boolean(org.data) && canAudit);
  if (!me?.current_org_id || (org.isSuccess && !org.data)) return <PlatformHome />;
  const activeBranches = (branches.data?.items ?? []).filter((b) => b.active);
  const activeMembers = (members.data?.items ?? []).filter((m) => m.active);
  const memberName = (user_id: string | null) => {
    const member = members.data?.items.find((m) => m.user_id === user_id);
    return member ? member.display_name || formatPhone(member.phone, locale) : null;
  };

  return (
    <Page titleKey="pages.home" testId="home-screen">
      <Title order={3} data-testid="home-org-name">{org.data?.name}</Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Stat labelKey="home.branches" value={formatNumber(activeBranches.length, locale)} testId="home-branches-count" loading={branches.isPending} />
        {canStaff && <Stat labelKey="home.members" value={formatNumber(activeMembers.length, locale)} testId="home-members-count" loading={members.isPending} />}
        <Card withBorder data-testid="home-assist">
          <Text size="sm" c="dimmed">{t('shell.assist')}</Text>
          {org.data?.assist ? (
            <>
              <Text fw={600}>{org.data.assist.name}</Text>
              <Text component="a" href={`tel:${org.data.assist.phone}`} dir="ltr">{formatPhone(org.data.assist.phone, locale)}</Text>
            </>
          ) : (
            <Text c="dimmed">{t('home.no_assist')}</Text>
          )}
        </Card>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Title order={4}>{t('home.branches')}</Title>
            <Anchor component={Link} to="/org/branches" size="sm">{t('home.see_all')}</Anchor>
          </Group>
          {activeBranches.length === 0 && !branches.isPending && <Text c="dimmed">{t('common.empty')}</Text>}
          <Stack gap={6}>
            {activeBranches.slice(0, 8).map((b) => (
              <Group key={b.id} gap="xs">
                <Text>{b.name}</Text>
                {b.is_central_branch && <Badge size="xs" variant="light">{t('branches.central_branch')}</Badge>}
                {b.is_central_warehouse && <Badge size="xs" variant="light" color="grape">{t('branches.central_warehouse')}</Badge>}
                {b.is_reference && <Badge size="xs" variant="light" color="orange">{t('branches.reference')}</Badge>}
              </Group>
            ))}
          </Stack>
        </Card>
        {canAudit && (
          <Card withBorder data-testid="home-recent-audit">
            <Group justify="space-between" mb="xs">
              <Title order={4}>{t('home.recent_activity')}</Title>
              <Anchor component={Link} to="/org/audit" size="sm">{t('home.see_all')}</Anchor>
            </Group>
            {audit.data?.items.length === 0 && <Text c="dimmed">{t('common.empty')}</Text>}
            <Table.ScrollContainer minWidth={420}>
            <Table verticalSpacing={4}>
              <Table.Tbody>
                {(audit.data?.items ?? []).map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td><Text size="sm">{auditActionLabel(r.action, t)}</Text><Text size="xs" c="dimmed">{auditEntityLabel(r.entity_type, t)}</Text></Table.Td>
                    <Table.Td><Text size="sm">{r.actor_label ?? memberName(r.actor_id) ?? t(`audit.actor_kind_${r.actor_kind}`, { defaultValue: r.actor_kind })}</Text></Table.Td>
                    <Table.Td><Text size="xs" c="dimmed">{formatDate(r.created_at, locale)}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            </Table.ScrollContainer>
          </Card>
        )}
      </SimpleGrid>
    </Page>
  );
}
