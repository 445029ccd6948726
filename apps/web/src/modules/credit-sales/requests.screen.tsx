/** The requests queue of the organisation (admins): pending first; approve or reject. */
import { Page } from '../../lib/page';
import { RequestsQueue } from './requests-queue';

export default function RequestsQueueScreen() {
  return (
    <Page titleKey="pages.credit_sales_requests" descriptionKey="credit_sales.queue_description" testId="cs-requests-screen">
      <RequestsQueue />
    </Page>
  );
}
