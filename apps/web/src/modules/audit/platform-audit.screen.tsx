import { Page } from '../../lib/page';
import { AuditLog } from './audit-log';

/** Every organisation's audit entries and the platform's own (platform admin). */
export default function PlatformAuditScreen() {
  return (
    <Page titleKey="pages.platform_audit" testId="platform-audit-screen">
      <AuditLog scope="platform" />
    </Page>
  );
}
