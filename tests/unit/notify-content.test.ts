/**
 * What notify puts in an email beyond the order itself:
 * - (issue 11, case 5) a shipping confirmation states the delivery estimate in force even when
 *   the platform sends none — the date computed from the store's transit days, which is the one
 *   a later delay notice says was missed and the one the tracking page shows;
 * - (case 7) a receipt states the charged total, and a breakdown that does not add up to it is
 *   reported with amounts and ids only.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { OrderStore } from '../../functions/adapters/order-store.js';
import { Mailer } from '../../functions/adapters/mailer.js';
import { dueDelayNotices } from '../../functions/domain/lifecycle.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import { renderTrackPage } from '../../functions/domain/pages/track.js';
import type { NotifyDeps } from '../../functions/services/notify.js';
import { sendState } from '../support/send-state.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { STORE, aStoreConfig, anOrder, events } from '../support/builders.js';
import { eventItem } from '../support/sdk.js';

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const config = aStoreConfig(); // Europe/Berlin, 3 transit days, cutoff 17:00

function deps(now: Date): NotifyDeps {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const clock = { now: () => now };
  return {
    orders: new OrderStore(doc, 'Orders', { clock, retentionDays: 30 }),
    mailer: new Mailer(new SESv2Client({ region: 'us-east-1' }), 'postpurchase'),
    clock,
    configFor: (s) => (s === STORE ? config : undefined),
    sender: 'orders@acme.example',
    publicBaseUrl: 'https://pages.acme.example',
    linkSecret: async () => 'test-link-secret',
    settleWindowMs: 60_000,
    inProcessSettleMs: 0,
  };
}

// Shipped Tuesday 24 November, 11:00 in Berlin, no estimate from the platform: three business
// days on is Friday 27 November, 17:00 Berlin (16:00Z).
const placed = events.placed(anOrder({ customer: { email: 'zoe@example.com', firstName: 'Zoë', locale: 'en-GB' } }));
const shipped = events.shipped('2026-11-24T10:00:00Z', 'f-1');
// Shipped Tuesday + 3 transit days is Friday 27 November, but a computed estimate never undercuts
// the receipt's deliver-by (ship-by Wednesday + 3 = Monday 30 November): the shopper's promise.
const computed = '2026-11-30T16:00:00.000Z';

async function sentText(kind: 'receipt' | 'shipping_confirmation', list: DomainEvent[], more: Partial<NotifyDeps> = {}): Promise<string> {
  ddb.on(QueryCommand).resolves({ Items: list.map((e) => eventItem(e)) });
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  const result = await sendState(kind, { store: STORE, orderId: '1001' }, { ...deps(new Date('2026-11-24T10:00:05Z')), ...more });
  expect(result.sent).toBe(1);
  return ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content!.Simple!.Body!.Text!.Data!;
}
const shippingConfirmationText = (list = [placed, shipped]) => sentText('shipping_confirmation', list);

beforeEach(() => {
  ddb.reset();
  ses.reset();
  ddb.on(BatchGetCommand).resolves({ Responses: { Orders: [] } });
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

describe('receipt money that does not add up', () => {
  it('states the charged total and reports the mismatch with amounts and ids, nothing personal', async () => {
    const reports: unknown[] = [];
    // 139.00 + 4.90 shipping, taxes included, is 143.90; the platform says it charged 150.00.
    const odd = events.placed(anOrder({ total: '150.00', customer: { email: 'zoe@example.com', firstName: 'Zoë', locale: 'en-GB' } }));
    const text = await sentText('receipt', [odd], { onMoneyMismatch: (m) => reports.push(m) });
    expect(text).toContain('Total: €150.00');
    expect(reports).toEqual([
      { store: STORE, orderId: '1001', reconciles: false, currency: 'EUR', charged: '150.00', computed: '143.90', difference: '6.10', linesDifference: '0.00' },
    ]);
    expect(JSON.stringify(reports)).not.toMatch(/zoe|Zoë|Müller|Hauptstraße/i);
  });

  it('checks the money of the receipt only: a shipping confirmation of the same order reports nothing', async () => {
    const reports: unknown[] = [];
    const odd = events.placed(anOrder({ total: '150.00', customer: { email: 'zoe@example.com', firstName: 'Zoë', locale: 'en-GB' } }));
    await sentText('shipping_confirmation', [odd, shipped], { onMoneyMismatch: (m) => reports.push(m) });
    expect(reports).toEqual([]);
  });

  it('still sends a receipt that does not add up when nothing is set to receive the report', async () => {
    const odd = events.placed(anOrder({ total: '150.00', customer: { email: 'zoe@example.com', firstName: 'Zoë', locale: 'en-GB' } }));
    expect(await sentText('receipt', [odd])).toContain('Total: €150.00');
  });

  it('reports nothing when the receipt adds up', async () => {
    const reports: unknown[] = [];
    await sentText('receipt', [placed], { onMoneyMismatch: (m) => reports.push(m) });
    expect(reports).toEqual([]);
  });
});

describe('shipping confirmation estimate', () => {
  it('states the computed estimate when the platform sends none', async () => {
    const text = await shippingConfirmationText();
    expect(text).toContain('Estimated delivery: Monday, 30 November 2026');
  });

  it("states the platform's own estimate when it sends one", async () => {
    const text = await shippingConfirmationText([placed, events.shipped('2026-11-24T10:00:00Z', 'f-1', undefined, { estimatedDelivery: '2026-11-30T12:00:00Z' })]);
    expect(text).toContain('Estimated delivery: Monday, 30 November 2026');
  });

  it('is the promise a later delay notice names as missed, and the date the tracking page shows', () => {
    const state = foldOrder(STORE, '1001', [placed, shipped]);
    const [notice] = dueDelayNotices({ state, ledger: [], unsubscribed: false, suppressed: false, config, now: new Date('2026-12-01T09:00:00Z') });
    expect(notice).toMatchObject({ what: 'delivery', missedPromise: computed, shipmentId: 'f-1' });
    const page = renderTrackPage(
      { language: 'en', locale: 'en-GB', timeZone: 'Europe/Berlin', brand: { name: 'Acme Outdoor', accentColor: '#1a73e8', supportEmail: 'help@acme.example' } },
      { state },
      config,
      new Date('2026-11-25T09:00:00Z'),
    ).html;
    expect(page).toContain('<dt>Estimated delivery</dt><dd>Monday, 30 November 2026</dd>');
  });
});

describe('pickup ready', () => {
  const receipt = { pk: 'ORDER#x', sk: 'MAIL#receipt#order', kind: 'receipt', ref: 'order', status: 'sent', claimId: 'c-r', claimedAt: '2026-11-23T09:00:05Z', sentAt: '2026-11-23T09:00:05Z', messageId: 'm-r' };
  const ready = (extra: Record<string, unknown> = {}): DomainEvent => ({ eventId: 'ready-1', store: STORE, source: 'generic', occurredAt: '2026-11-23T12:00:00Z', type: 'pickup.ready', data: { orderId: '1001', ...extra } });
  const store = aStoreConfig({ pickup: { location: 'Acme Store, Marktplatz 5, Berlin', hours: 'Mon–Fri 10–19', holdDays: 7 } });

  async function readyText(event: DomainEvent): Promise<string> {
    ddb.on(QueryCommand).resolves({ Items: [eventItem(placed), eventItem(event), receipt] });
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-p' });
    const result = await sendState('pickup_ready', { store: STORE, orderId: '1001' }, { ...deps(new Date('2026-11-23T12:05:00Z')), configFor: () => store });
    expect(result.sent).toBe(1);
    return ses.commandCalls(SendEmailCommand).at(-1)!.args[0].input.Content!.Simple!.Body!.Text!.Data!;
  }

  it("names the store's pickup location, its opening hours and how long the order is kept", async () => {
    const text = await readyText(ready());
    expect(text).toContain('Marktplatz 5');
    expect(text).toContain('Mon–Fri 10–19');
    expect(text).toContain('7 days');
  });

  it('names the location the platform gave for the order rather than the store\'s', async () => {
    const text = await readyText(ready({ location: 'Kiosk 3, Bahnhof' }));
    expect(text).toContain('Kiosk 3');
    expect(text).not.toContain('Marktplatz 5');
  });
});
