/**
 * Signs a test client in the way a person does: request a one-time code, read it from the dev SMS
 * provider's inbox (GET /api/dev/sms-inbox), verify it. Optionally selects an organisation.
 * The test server should run with a short resend cool-down (OTP_RESEND_SECONDS=1) when a number signs in
 * more than once; a cool-down refusal (429) is waited out a few times.
 */
import type { TestClient } from './server.js';

interface InboxItem { phone: string; text: string; code: string; channel: string; created_at: string }

const lastTen = (phone: string): string => phone.replace(/\D/g, '').slice(-10);

async function requestCode(client: TestClient, phone: string): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const response = await client.post('/api/auth/otp/request', { phone, channel: 'sms' });
    if (response.status >= 200 && response.status < 300) return;
    if (response.status !== 429 || attempt === 5) throw new Error(`code request for ${phone} failed: ${response.status} ${JSON.stringify(response.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 1100 * attempt));
  }
}

export async function signIn(client: TestClient, phone: string, org_id?: string): Promise<{ user_id: string; permissions: string[] }> {
  await requestCode(client, phone);
  const inbox = await client.get<{ items: InboxItem[] }>('/api/dev/sms-inbox');
  const item = inbox.body.items
    .filter((i) => lastTen(i.phone) === lastTen(phone))
    .sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  if (!item) throw new Error(`no code for ${phone} in the dev inbox`);
  const verified = await client.post<{ user: { id: string } }>('/api/auth/otp/verify', { phone, code: item.code });
  if (verified.status !== 200) throw new Error(`sign-in of ${phone} failed: ${verified.status} ${JSON.stringify(verified.body)}`);
  let permissions: string[] = [];
  if (org_id) {
    const selected = await client.post<{ permissions: string[] }>(`/api/me/organisations/${org_id}/select`);
    if (selected.status !== 200) throw new Error(`selecting ${org_id} for ${phone} failed: ${selected.status} ${JSON.stringify(selected.body)}`);
    permissions = selected.body.permissions;
  }
  return { user_id: verified.body.user.id, permissions };
}

/** Signs in and enters the organisation with this slug (one the person belongs to); returns its id. */
export async function signInToOrganisation(client: TestClient, phone: string, slug: string): Promise<{ org_id: string; user_id: string; permissions: string[] }> {
  const { user_id } = await signIn(client, phone);
  const orgs = await client.get<{ items: Array<{ org_id: string; slug: string }> }>('/api/me/organisations');
  const org = orgs.body.items.find((o) => o.slug === slug);
  if (!org) throw new Error(`${phone} does not belong to an organisation "${slug}"`);
  const selected = await client.post<{ permissions: string[] }>(`/api/me/organisations/${org.org_id}/select`);
  if (selected.status !== 200) throw new Error(`selecting ${slug} for ${phone} failed: ${selected.status} ${JSON.stringify(selected.body)}`);
  return { org_id: org.org_id, user_id, permissions: selected.body.permissions };
}

/** Test-server settings that let one number sign in many times in a test. */
export const SIGN_IN_FRIENDLY_ENV: Record<string, string> = {
  OTP_RESEND_SECONDS: '1',
  OTP_PER_NUMBER_PER_HOUR: '100',
  OTP_PER_IP_PER_HOUR: '10000',
  RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
};

/** The id of the first branch the signed-in client's organisation lists (the demo organisation's main branch). */
export async function firstBranchId(client: TestClient): Promise<string> {
  const branch = (await client.get<{ items: Array<{ id: string }> }>('/api/org/branches')).body.items[0];
  if (!branch) throw new Error('the organisation has no branch');
  return branch.id;
}
