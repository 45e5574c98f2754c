/**
 * The bodies the console's actions accept, as forms from its pages or JSON on its API: the
 * single source of their validation and of their description in docs/openapi.json.
 */
import * as z from 'zod';

export const REPLY_MAX_CHARS = 2000;

export const resendRequestSchema = z.object({
  kind: z.string().min(1).describe('The email kind of the ledger line to resend (as listed by the order, e.g. `receipt`)'),
  ref: z.string().min(1).describe('Its ref: `order`, a shipment id, or `late:<n>` for the n-th delay notice'),
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9-]{8,64}$/, '8 to 64 letters, digits or dashes, new for each resend')
    .describe('Chosen by the caller, new for each resend: a request repeated with the same id sends nothing more'),
});
export type ResendRequest = z.infer<typeof resendRequestSchema>;

export const replyRequestSchema = z.object({
  message: z.string().trim().min(1, 'write the reply first').max(REPLY_MAX_CHARS, `at most ${REPLY_MAX_CHARS} characters`).describe('Plain text; sent once per order, from the store, reply-to its support address'),
});

/** The first problem of a body, as the console reports it: the field and why. */
export function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0]!;
  return { field: issue.path.join('.') || '(body)', message: issue.message };
}

export const moderationDecisionSchema = z.object({
  decision: z.enum(['approve', 'reject']).describe('What happens to the review: published, or kept off the store'),
});
