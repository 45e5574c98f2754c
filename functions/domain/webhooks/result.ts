/**
 * What parsing a webhook delivery yields, and the HTTP bodies that answer it. The response
 * schemas are part of the published contract (docs/openapi.json is generated from them), so
 * the handler and the documentation cannot disagree.
 */
import { z } from 'zod';
import type { DomainEvent } from '../events.js';

export const webhookErrorCodeSchema = z.enum([
  'payload_too_large',
  'unsupported_media_type',
  'missing_signature',
  'invalid_signature',
  'invalid_timestamp',
  'stale_timestamp',
  'unknown_store',
  'missing_header',
  'invalid_header',
  'invalid_json',
  'invalid_payload',
]);
export type WebhookErrorCode = z.infer<typeof webhookErrorCodeSchema>;

export const webhookErrorSchema = z.object({
  code: webhookErrorCodeSchema,
  /** Safe to show the sender: never contains a secret or a value from the body. */
  message: z.string(),
  /** Dotted path of the first failing field, e.g. data.order.lineItems.0.quantity. */
  field: z.string().optional(),
});
export type WebhookError = z.infer<typeof webhookErrorSchema>;

/** Body of every 4xx answer. */
export const webhookErrorResponseSchema = z.object({ error: webhookErrorSchema });
export type WebhookErrorResponse = z.infer<typeof webhookErrorResponseSchema>;

/** Body of the 200 answer: the delivery was authentic and is stored (or deliberately ignored). */
export const webhookAckSchema = z.object({
  received: z.literal(true),
  deliveryId: z.string(),
  /** Domain events the delivery produced; 0 when it was ignored. */
  events: z.number().int().min(0),
  /** Why (part of) the delivery produced no event, e.g. a topic this service does not use. */
  ignored: z.string().optional(),
});
export type WebhookAck = z.infer<typeof webhookAckSchema>;

export type WebhookFailureStatus = 400 | 401 | 413 | 415;

export type WebhookResult =
  | { ok: true; store: string; deliveryId: string; events: DomainEvent[]; ignored?: string }
  | { ok: false; status: WebhookFailureStatus; error: WebhookError };

/** A failed result; `field` only when one field is to blame. */
export function reject(status: WebhookFailureStatus, code: WebhookErrorCode, message: string, field?: string): WebhookResult {
  return { ok: false, status, error: field === undefined ? { code, message } : { code, message, field } };
}

/** The dotted path of a zod issue, e.g. ['data', 'order', 'lineItems', 0] → data.order.lineItems.0. */
export function issuePath(path: readonly PropertyKey[], prefix?: string): string | undefined {
  const parts = [...(prefix ? [prefix] : []), ...path.map(String)];
  return parts.length > 0 ? parts.join('.') : undefined;
}

/**
 * A 400 naming the first failing field. zod's messages describe the expectation ("Too small:
 * expected number to be >0") and never echo the received value, so no personal data leaks.
 */
export function rejectSchema(error: z.ZodError, what: string, prefix?: string): WebhookResult {
  const issue = error.issues[0];
  if (!issue) return reject(400, 'invalid_payload', `${what} is invalid`);
  const field = issuePath(issue.path, prefix);
  return reject(400, 'invalid_payload', field ? `${field}: ${issue.message}` : `${what}: ${issue.message}`, field);
}

/** Status code and JSON body the HTTP handler answers a parse result with (after storing events). */
export function webhookHttpResponse(result: WebhookResult): { statusCode: number; body: WebhookAck | WebhookErrorResponse } {
  if (!result.ok) return { statusCode: result.status, body: { error: result.error } };
  const ack: WebhookAck = { received: true, deliveryId: result.deliveryId, events: result.events.length };
  if (result.ignored !== undefined) ack.ignored = result.ignored;
  return { statusCode: 200, body: ack };
}
