import type { APIRequestContext } from '@playwright/test';

/** The demo tenant's public, local-only API key (seeded by call control on a first run). */
export const DEMO_API_KEY = 'sbk_demo_switchboard_local_only';

interface UserView {
  id: string;
  reference: string;
  name: string;
}

/** Server-side setup the console cannot do itself, through the tenant's HTTP API. */
export async function userIds(request: APIRequestContext, emails: string[]): Promise<string[]> {
  const response = await request.get('/api/users', {
    headers: { authorization: `Bearer ${DEMO_API_KEY}` },
  });
  if (!response.ok())
    throw new Error(`GET /api/users: ${response.status()} ${await response.text()}`);
  const { users } = (await response.json()) as { users: UserView[] };
  return emails.map((email) => {
    const user = users.find((u) => u.reference === email);
    if (!user) throw new Error(`no demo user ${email}`);
    return user.id;
  });
}

export interface RingGroupTiming {
  ringTimeoutSeconds: number;
  maxWaitSeconds: number;
  retryIntervalSeconds: number;
}

/** Creates a ring group with a unique name; returns its dialable address. */
export async function createRingGroup(
  request: APIRequestContext,
  prefix: string,
  memberEmails: string[],
  timing: RingGroupTiming,
): Promise<string> {
  const members = await userIds(request, memberEmails);
  const name = `${prefix}-${Date.now().toString(36)}`;
  const response = await request.post('/api/ring-groups', {
    headers: { authorization: `Bearer ${DEMO_API_KEY}` },
    data: { name, members, ...timing },
  });
  if (response.status() !== 201)
    throw new Error(`POST /api/ring-groups: ${response.status()} ${await response.text()}`);
  return ((await response.json()) as { address: string }).address;
}
