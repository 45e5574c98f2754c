/**
 * The generic webhook format: any platform that can sign a request per Standard Webhooks can
 * send `{ type, timestamp, store, eventId?, data }` to POST /webhooks, with `data` exactly the
 * domain payload for `type`. The schema below is the published contract: docs/ is generated
 * from it, so this file holds only the schema and its mapping.
 */
import * as z from 'zod';
import { domainEventSchema, eventPayloads, type DomainEvent, type EventType } from '../events.js';
import { timestampSchema } from '../order.js';

const envelope = {
  timestamp: timestampSchema.describe('When it happened at the platform (ISO 8601 with offset). Events are ordered by it, not by arrival.'),
  store: z
    .string()
    .min(1)
    .max(200)
    .describe(
      'Id the store is configured under, as a generic (non-Shopify) store; selects the signing secret. Case-insensitive and trimmed: "Generic-Dev" is the store "generic-dev". Letters, digits, ".", "_" and "-" only; anything else, or a store not configured for this endpoint, answers 401 unknown_store.',
    ),
  eventId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Business id of the event: the same id twice is one event. Defaults to the webhook-id header.'),
};

/** One line per event type for the generated documentation. */
const descriptions: Record<EventType, string> = {
  'order.placed': 'An order was placed. `data.order` is the whole normalized order.',
  'order.updated': 'The order changed (items, address, totals). `data.order` replaces the order as known so far.',
  'order.cancelled': 'The order was cancelled, with an optional reason shown to the shopper.',
  'order.refunded': 'Money was refunded; `full` is true when the whole order was.',
  'order.delayed': 'The store reports a delay, optionally with new ship-by and deliver-by dates.',
  'shipment.created': 'A shipment was created with (some of) the line items and its tracking.',
  'pickup.ready': 'A local pickup order is ready to collect; the shopper is told where and when (the store\'s `pickup` configuration unless `location` is given).',
  'pickup.completed': 'The shopper collected a local pickup order: it counts as delivered (the feedback request follows).',
  'order.edited':
    'Items were added, removed or changed in quantity. `data.order`, if given, is the order after the edit; the shopper is told (unless `notifyCustomer` is false) once the order reflects it.',
  'shipment.updated':
    'A carrier status for a shipment, with any newer tracking details. Without `status` it only updates the tracking details given (carrier, number, URL, estimate).',
};

function variant<T extends EventType>(type: T) {
  return z.object({ type: z.literal(type), ...envelope, data: eventPayloads[type] }).describe(descriptions[type]);
}

/** The body of POST /webhooks: one domain event, discriminated by `type`. */
export const genericWebhookSchema = z
  .discriminatedUnion('type', [
    variant('order.placed'),
    variant('order.updated'),
    variant('order.cancelled'),
    variant('order.refunded'),
    variant('order.delayed'),
    variant('shipment.created'),
    variant('order.edited'),
    variant('pickup.ready'),
    variant('pickup.completed'),
    variant('shipment.updated'),
  ])
  .meta({ title: 'Webhook event', description: 'A domain event sent to POST /webhooks, signed per Standard Webhooks.' });
export type GenericWebhook = z.infer<typeof genericWebhookSchema>;
export type GenericWebhookInput = z.input<typeof genericWebhookSchema>;

/** Just enough of the body to choose the secret; nothing else is trusted before verification. */
export const genericStoreProbeSchema = z.object({ store: z.string().min(1).max(200) });

/**
 * The domain event a verified generic webhook stands for. The webhook-id is the fallback
 * event id, so a sender that never sets `eventId` still gets retries deduplicated.
 */
export function genericToDomainEvent(body: GenericWebhook, webhookId: string): z.ZodSafeParseResult<DomainEvent> {
  return domainEventSchema.safeParse({
    eventId: body.eventId ?? webhookId,
    store: body.store,
    source: 'generic',
    // UTC, so that events sort the same as strings and as instants.
    occurredAt: new Date(body.timestamp).toISOString(),
    type: body.type,
    data: body.data,
  });
}
