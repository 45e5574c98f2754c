/** What every Shopify topic's mapping shares: the event envelope, timestamps and clipping. */
import type * as z from 'zod';
import type { EventType } from '../../events.js';
import type { domainEventSchema } from '../../events.js';

export type DomainEventInput = z.input<typeof domainEventSchema>;

export interface ShopifyContext {
  store: string;
  /** X-Shopify-Triggered-At: occurredAt when the payload carries no timestamp of its own. */
  triggeredAt?: string;
}

export type ShopifyMapping =
  | { kind: 'unknown_topic' }
  | { kind: 'invalid'; error: z.ZodError }
  | { kind: 'mapped'; events: DomainEventInput[]; ignored?: string };

export function event<T extends EventType>(
  ctx: ShopifyContext,
  type: T,
  eventId: string,
  occurredAt: string,
  data: Extract<DomainEventInput, { type: T }>['data'],
): DomainEventInput {
  return { eventId, store: ctx.store, source: 'shopify', occurredAt: utc(occurredAt), type, data } as DomainEventInput;
}

/** UTC ISO form: one spelling per instant, so event ids and sort keys agree across deliveries. */
export function utc(timestamp: string): string {
  return new Date(timestamp).toISOString();
}

export function withIgnored(events: DomainEventInput[], ignored: string[]): ShopifyMapping {
  return ignored.length > 0 ? { kind: 'mapped', events, ignored: ignored.join('; ') } : { kind: 'mapped', events };
}

/** Trimmed text cut to `max` UTF-16 units without splitting a surrogate pair; blank → undefined. */
export function clip(value: string | null | undefined, max: number | null): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (max === null || trimmed.length <= max) return trimmed;
  let cut = trimmed.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut.trimEnd();
}

export function fits(schema: z.ZodType, value: unknown): boolean {
  return value !== null && value !== undefined && schema.safeParse(value).success;
}
