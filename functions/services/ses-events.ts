/**
 * SES's own events for our configuration set: Send settles a ledger claim whose send outcome
 * was lost; Delivery, Bounce, Complaint and DeliveryDelay land on the order's timeline;
 * permanent bounces and complaints suppress the address for all stores. CloudWatch alarm state
 * changes of the reputation alarms pause or resume non-essential mail.
 */
import * as z from 'zod';
import type { OrderStore } from '../adapters/order-store.js';
import { parseLedgerTag } from '../adapters/mailer.js';
import { checkpoint } from '../adapters/host-hooks.js';
import { emailKindSchema, type EmailKind } from '../domain/lifecycle.js';
import { participationKindSchema } from '../domain/email/participation/kinds.js';

export const sesEventSchema = z.object({
  eventType: z.string(),
  mail: z.object({
    messageId: z.string(),
    timestamp: z.string().optional(),
    destination: z.array(z.string()).default([]),
    tags: z.record(z.string(), z.array(z.string())).default({}),
  }),
  bounce: z.object({ bounceType: z.string(), bouncedRecipients: z.array(z.object({ emailAddress: z.string() })).default([]), timestamp: z.string().optional() }).optional(),
  complaint: z.object({ complainedRecipients: z.array(z.object({ emailAddress: z.string() })).default([]), timestamp: z.string().optional() }).optional(),
  delivery: z.object({ timestamp: z.string().optional() }).optional(),
});
export type SesEvent = z.infer<typeof sesEventSchema>;

/** The ledger line an email's `ledger` tag names (workflow and participation emails), if it has one. */
function ledgerLineOf(event: SesEvent): { store: string; orderId: string; kind: EmailKind; ref: string } | undefined {
  const tag = event.mail.tags.ledger?.[0];
  const ledger = tag ? parseLedgerTag(tag) : undefined;
  // The workflow's kinds and the participation emails (reviews, referrals, alerts) share the ledger.
  const kind = emailKindSchema.or(participationKindSchema).safeParse(ledger?.kind);
  return ledger && kind.success ? { ...ledger, kind: kind.data as EmailKind } : undefined;
}

export async function handleSesEvent(event: SesEvent, orders: OrderStore): Promise<string> {
  const at = event.delivery?.timestamp ?? event.bounce?.timestamp ?? event.complaint?.timestamp ?? event.mail.timestamp ?? new Date().toISOString();
  // Delivery outcomes reach a ledger email's line by its tag; the console's sends (untagged) by
  // the MESSAGE# item the console wrote for them.
  const line = ledgerLineOf(event);
  switch (event.eventType) {
    case 'Send': {
      if (!line) return 'untagged';
      // Usually notify recorded the send already: a read (0.5 RRU) spares the conditional write
      // that would fail (1 WRU). Eventually consistent is enough: a settled line never goes back
      // to claimed, so a stale read can only say "not settled", and then the write below, still
      // conditional on the claim, decides as before.
      if (await orders.isSettled(line.store, line.orderId, line.kind, line.ref)) return 'already-settled';
      // Dying here leaves the claim unsettled: only a redelivery of this event settles it before
      // the settle window lets a retry take the claim over and send again.
      await checkpoint('sesEvents.beforeSettle', { kind: line.kind, ref: line.ref, store: line.store, orderId: line.orderId });
      const settled = await orders.markSent(line.store, line.orderId, line.kind, line.ref, event.mail.messageId, event.mail.timestamp);
      return settled ? 'settled' : 'already-settled';
    }
    case 'Delivery':
      await orders.noteDelivery(event.mail.messageId, 'delivered', at, line);
      return 'delivered';
    case 'DeliveryDelay':
      await orders.noteDelivery(event.mail.messageId, 'delayed', at, line);
      return 'delayed';
    case 'Bounce':
      await orders.noteDelivery(event.mail.messageId, 'bounced', at, line);
      if (event.bounce?.bounceType === 'Permanent') {
        for (const r of event.bounce.bouncedRecipients) await orders.suppress(r.emailAddress, 'bounce');
      }
      return 'bounced';
    case 'Complaint':
      await orders.noteDelivery(event.mail.messageId, 'complained', at, line);
      for (const r of event.complaint?.complainedRecipients ?? []) await orders.suppress(r.emailAddress, 'complaint');
      return 'complained';
    default:
      return 'ignored';
  }
}

export const alarmChangeSchema = z.object({
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.object({ alarmName: z.string(), state: z.object({ value: z.string() }) }),
});

/** The reputation alarm's state drives the pause: ALARM pauses, OK resumes. */
export async function handleAlarmChange(change: z.infer<typeof alarmChangeSchema>, orders: OrderStore): Promise<string> {
  const value = change.detail.state.value;
  if (value === 'INSUFFICIENT_DATA') return 'ignored';
  await orders.setNonEssentialPaused(value === 'ALARM', `${change.detail.alarmName} is ${value}`);
  return value === 'ALARM' ? 'paused' : 'resumed';
}
