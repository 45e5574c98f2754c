/**
 * The participation emails: sent on a shopper's or merchant's action (a review, a reply, a
 * delivered referred order, a low rating, a draining code pool), not planned by the order
 * workflow. Their ledger lines share the order's `MAIL#<kind>#<ref>` keys, so SES's Send event
 * settles them exactly as it settles the workflow's emails.
 */
import * as z from 'zod';

export const PARTICIPATION_KINDS = ['review_reward', 'review_reply', 'referral_reward', 'low_rating_alert', 'reward_pool_low'] as const;
export const participationKindSchema = z.enum(PARTICIPATION_KINDS);
export type ParticipationKind = z.infer<typeof participationKindSchema>;

/** Kinds addressed to the store's support address rather than the shopper. */
export const MERCHANT_KINDS: ReadonlySet<ParticipationKind> = new Set<ParticipationKind>(['low_rating_alert', 'reward_pool_low']);
