/**
 * What parsing a webhook delivery yields, and the HTTP bodies that answer it. The response
 * schemas are part of the published contract (docs/openapi.json is generated from them);
 * tests/unit/webhook-responses.test.ts checks the ingest service answers with them.
 */
import * as z from 'zod';
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
  /** 503: the event queue refused the delivery's new events; nothing was stored. */
  'queue_unavailable',
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

/** Body of every 4xx answer, and of the 503 when the queue refused the events. */
export const webhookErrorResponseSchema = z.object({ error: webhookErrorSchema });
export type WebhookErrorResponse = z.infer<typeof webhookErrorResponseSchema>;

/**
 * Body of a 2xx answer, as functions/services/ingest-webhook.ts sends it: 202 `accepted` when
 * new events were queued (and stored, or left for the router to store), 200 `duplicate` when all
 * were stored before, 200
 * `ignored` when the authentic delivery produced no event.
 */
export const webhookReceiptSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('accepted'), events: z.array(z.string()).describe('eventIds of the delivery') }),
  z.object({ status: z.literal('duplicate'), events: z.array(z.string()).describe('eventIds of the delivery') }),
  z.object({ status: z.literal('ignored'), reason: z.string() }),
]);
export type WebhookReceipt = z.infer<typeof webhookReceiptSchema>;

export type WebhookFailureStatus = 400 | 401 | 413 | 415;

export type WebhookResult =
  | { ok: true; store: string; deliveryId: string; events: DomainEvent[]; ignored?: string }
  | { ok: false; status: WebhookFailureStatus; error: WebhookError };

/** A failed result; `field` only when one field is to blame. */
export function reject(status: WebhookFailureStatus, code: WebhookErrorCode, message: string, field?: string): WebhookResult {
  return { ok: false, status, error: field === undefined ? { code, message } : { code, message, field } };
}

/** The dotted path of a zod issue, e.g. ['data', 'order', 'lineItems', 0] → data.order.lineItems.0. */
export function issuePath(path: readonly PropertyKey[]): string | undefined {
  return path.length > 0 ? path.map(String).join('.') : undefined;
}

/**
 * A 400 naming the first failing field. zod's messages describe the expectation ("Too small:
 * expected number to be >0") and never echo the received value, so no personal data leaks.
 */
export function rejectSchema(error: z.ZodError, what: string): WebhookResult {
  const issue = error.issues[0];
  if (!issue) return reject(400, 'invalid_payload', `${what} is invalid`);
  const field = issuePath(issue.path);
  return reject(400, 'invalid_payload', field ? `${field}: ${issue.message}` : `${what}: ${issue.message}`, field);
}
