import { AdminAddUserToGroupCommand, AdminCreateUserCommand, CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';

/**
 * The console's JSON API on the local runtime, as an ops script would use it: an access token
 * from the user pool (cognito-local) as a bearer token, checked by the JWT authorizer's
 * stand-in before the function runs; what a merchant may see; and the two order actions:
 * a resend sent once per request id, and stopping the order's pending mail.
 */

const STORE = 'generic-dev';
const OTHER = 'acme-dev.myshopify.com';
let rt: LocalRuntime;
let merchantToken: string;
const DAY = 86_400_000;
const virtualIso = (offsetMs = 0) => new Date(rt.clock.now().getTime() + offsetMs).toISOString();

async function token(login: { username: string; password: string }): Promise<string> {
  const client = new CognitoIdentityProviderClient({ endpoint: rt.cognito.url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  try {
    const res = await client.send(new InitiateAuthCommand({ ClientId: rt.cognito.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: login.username, PASSWORD: login.password } }));
    return res.AuthenticationResult!.AccessToken!;
  } finally {
    client.destroy();
  }
}

const api = (path: string, init: RequestInit & { bearer?: string } = {}) =>
  fetch(`${rt.url}/console/api${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.bearer === undefined ? { authorization: `Bearer ${merchantToken}` } : init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}), ...(init.headers ?? {}) },
  });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field below
const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

async function post(type: string, eventId: string, data: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify({ type, timestamp: virtualIso(), store: STORE, eventId, data });
  const res = await fetch(`${rt.url}/_local/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (res.status !== 202) throw new Error(`webhook ${eventId} answered ${res.status}: ${await res.text()}`);
}

async function sendWebhook(type: string, eventId: string, data: Record<string, unknown>): Promise<void> {
  await post(type, eventId, data);
  await rt.whenIdle();
}

const placed = (orderId: string, orderName: string) => ({
  order: {
    orderId, orderName, placedAt: virtualIso(), currency: 'EUR',
    customer: { email: `${orderId.toLowerCase()}@example.com`, firstName: 'Ann', locale: 'en-GB', timeZone: 'Europe/Paris' },
    shippingAddress: { name: 'Ann', city: 'Lyon', country: 'France', countryCode: 'FR' },
    lineItems: [{ id: 'li-1', title: 'Mug', quantity: 1, unitPrice: '9.00', total: '9.00' }],
    subtotal: '9.00', total: '9.00', paymentStatus: 'paid',
    promises: { shipBy: virtualIso(10 * DAY), deliverBy: virtualIso(15 * DAY) },
  },
});

// The hook has the suite's default budget (vitest.config.ts), like the other suites that start a
// runtime: the first start after a source change synthesizes the app, which takes most of a minute
// when other suites start theirs at the same time.
beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  rt = await startLocal({ port: 0, inMemory: true, manualClock: true, log: () => {} });
  // Both orders at once, then one wait for the runtime to be idle (the virtual clock stands still).
  await Promise.all([
    token(rt.cognito.logins.find((l) => l.username.startsWith('merchant'))!).then((t) => (merchantToken = t)),
    post('order.placed', 'api-1-placed', placed('API-1', '#3001')),
    post('order.placed', 'api-2-placed', placed('API-2', '#3002')),
  ]);
  await rt.whenIdle();
});

afterAll(async () => {
  await rt?.stop();
});

describe('the console API', () => {
  it('refuses a request without a token, or with a forged one, before the function runs (401)', async () => {
    const invocations = () => rt.stats().lambdaInvocations.console ?? 0;
    await api('/me');
    const before = invocations();
    expect(before).toBeGreaterThan(0);
    for (const bearer of ['', 'not-a-jwt', `${merchantToken.slice(0, -4)}AAAA`]) {
      const res = await api('/me', { bearer });
      expect(res.status, bearer).toBe(401);
      expect(await json(res)).toEqual({ message: 'Unauthorized' });
    }
    expect((await api('/no/such/route', { bearer: '' })).status).toBe(401);
    expect(invocations()).toBe(before);
  });

  it('tells a merchant who they are and lets them see only their store', async () => {
    expect(await json(api('/me'))).toEqual({ username: 'merchant@example.com', ops: false, stores: [STORE] });
    expect((await api(`/stores/${STORE}/orders/API-1`)).status).toBe(200);
    const other = await api(`/stores/${encodeURIComponent(OTHER)}/orders/API-1`);
    expect(other.status).toBe(403);
    expect((await json(other)).error.code).toBe('forbidden_store');
    // Any spelling of the store id is the store.
    expect((await api('/stores/GENERIC-DEV/overview')).status).toBe(200);
  });

  it('finds orders by number or canonicalized email', async () => {
    const byNumber = await json(api(`/stores/${STORE}/orders?q=${encodeURIComponent('#3001')}`));
    expect(byNumber.orders.map((o: { orderId: string }) => o.orderId)).toEqual(['API-1']);
    const byEmail = await json(api(`/stores/${STORE}/orders?q=${encodeURIComponent(' API-2@Example.COM ')}`));
    expect(byEmail.orders.map((o: { orderId: string }) => o.orderId)).toEqual(['API-2']);
    const none = await json(api(`/stores/${STORE}/orders?q=nobody@example.com`));
    expect(none.orders).toEqual([]);
  });

  it('resends an email once per request id, recorded with who asked, leaving the ledger line as it was', async () => {
    const outboxBefore = (await rt.outbox()).length;
    const body = JSON.stringify({ kind: 'receipt', ref: 'order', requestId: 'req-0000-0001' });
    const first = await api(`/stores/${STORE}/orders/API-1/resend`, { method: 'POST', body });
    const second = await api(`/stores/${STORE}/orders/API-1/resend`, { method: 'POST', body });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect((await json(first)).resend).toMatchObject({ type: 'resend', kind: 'receipt', ref: 'order', by: 'merchant@example.com', status: 'sent' });
    expect((await rt.outbox()).length).toBe(outboxBefore + 1);
    const order = await json(api(`/stores/${STORE}/orders/API-1`));
    expect(order.emails.filter((e: { kind: string }) => e.kind === 'receipt')).toHaveLength(1);
    expect(order.consoleSends).toHaveLength(1);
    // A resend of an email that was never sent is refused and sends nothing.
    const never = await api(`/stores/${STORE}/orders/API-1/resend`, { method: 'POST', body: JSON.stringify({ kind: 'cancellation', ref: 'order', requestId: 'req-0000-0002' }) });
    expect(never.status).toBe(409);
    expect((await rt.outbox()).length).toBe(outboxBefore + 1);
  });

  it('stops the pending mail of an order: its waiting state ends and a later shipment sends nothing', async () => {
    const res = await api(`/stores/${STORE}/orders/API-2/stop`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    await rt.whenIdle();
    await sendWebhook('shipment.created', 'api-2-shipped', { orderId: 'API-2', shipment: { shipmentId: 'API-2-S1', lineItems: [], carrier: 'DHL', trackingNumber: '1' } });
    expect((await rt.outbox()).filter((e) => e.orderId === 'API-2').map((e) => e.kind)).toEqual(['receipt']);
    const order = await json(api(`/stores/${STORE}/orders/API-2`));
    expect(order.workflow).toMatchObject({ waiting: null, position: 'ended: nothing more will be sent', stopped: { by: 'merchant@example.com' } });
    expect(order.workflow.transitions.at(-1)).toMatchObject({ from: 'AwaitShipment', to: 'END', cause: 'OrderClosed' });
    // API-1 was not stopped: its shipment is confirmed as usual.
    await sendWebhook('shipment.created', 'api-1-shipped', { orderId: 'API-1', shipment: { shipmentId: 'API-1-S1', lineItems: [], carrier: 'DHL', trackingNumber: '2' } });
    expect((await rt.outbox()).filter((e) => e.orderId === 'API-1').map((e) => e.kind)).toContain('shipping_confirmation');
  });

  it('signs in an admin-created merchant through the pages: a temporary password asks for a new one, then the session starts', async () => {
    const admin = new CognitoIdentityProviderClient({ endpoint: rt.cognito.url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    await admin.send(new AdminCreateUserCommand({ UserPoolId: rt.cognito.userPoolId, Username: 'new@example.com', TemporaryPassword: 'Temp-pass-2026!', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'new@example.com' }] }));
    await admin.send(new AdminAddUserToGroupCommand({ UserPoolId: rt.cognito.userPoolId, Username: 'new@example.com', GroupName: `store:${STORE}` }));
    admin.destroy();
    const form = await fetch(`${rt.url}/console/sign-in`);
    const cookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const post = (path: string, fields: Record<string, string>) =>
      fetch(`${rt.url}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, ...fields }).toString() });
    const wrong = await post('/console/sign-in', { username: 'merchant@example.com', password: 'wrong-Pass-1!' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong username or password.');
    // (cognito-local answers a temporary-password user's sign-in with the challenge without checking
    // the password, and enforces no password policy; Cognito does both: the console shows its refusals.)
    const challenge = await post('/console/sign-in', { username: 'new@example.com', password: 'Temp-pass-2026!' });
    const page = await challenge.text();
    expect(page).toContain('Choose a new password');
    const session = /name="session" value="([^"]+)"/.exec(page)![1]!;
    const done = await post('/console/sign-in/challenge', { challenge: 'NEW_PASSWORD_REQUIRED', session, username: 'new@example.com', answer: 'New-pass-2026!x' });
    expect(done.status).toBe(303);
    const sessionCookie = done.headers.getSetCookie().find((c) => c.startsWith('pp_console='))!;
    expect(sessionCookie).toMatch(/HttpOnly; SameSite=Strict/);
    const overview = await fetch(`${rt.url}/console/stores/${STORE}/overview`, { headers: { cookie: sessionCookie.split(';')[0]! } });
    expect(overview.status).toBe(200);
  });

  it('keeps replaying dead letters for ops', async () => {
    const res = await api('/dead-letters/replay', { method: 'POST', body: '{}' });
    expect(res.status).toBe(403);
    const ops = await token(rt.cognito.logins.find((l) => l.username.startsWith('ops'))!);
    expect((await api('/dead-letters/replay', { method: 'POST', body: '{}', bearer: ops })).status).toBe(202);
  });
});
