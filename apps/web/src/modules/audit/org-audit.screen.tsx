import { Page } from '../../lib/page';
import { usePermissions } from '../../app/permissions';
import { formatPhone } from '../../lib/format';
import { useLocale } from '../../lib/i18n';
import { useMembers } from '../orgs/orgs.api';
import { AuditLog } from './audit-log';

/** The organisation's audit log; the actor filter lists the staff when the person may see them. */
export default function OrgAuditScreen() {
  const { locale } = useLocale();
  const canStaff = usePermissions().has('org.staff.read');
  const members = useMembers(canStaff).data?.items;
  const actors = members?.map((m) => ({ value: m.user_id, label: m.display_name || formatPhone(m.phone, locale) }));
  return (
    <Page titleKey="pages.org_audit" testId="org-audit-screen">
      <AuditLog scope="org" actors={actors} />
    </Page>
  );
}
