/** The tracking page's points and the merchant's responses to feedback (the pages function's part of reviews). */
import type { ParticipationReader } from '../adapters/participation-reader.js';
import type { TrackExtras } from '../domain/pages/track.js';
import { OUTCOMES, type FeedbackOutcome } from '../domain/pages/points.js';
import { pointsAccount } from '../domain/reviews/referrals.js';
import type { Order } from '../domain/order.js';
import type { StoreConfig } from '../domain/store-config.js';

export function trackExtras(reader: ParticipationReader): (store: StoreConfig, order: Order) => Promise<TrackExtras> {
  return async (store, order) => {
    const [credits, responses] = await Promise.all([reader.credits(store.storeId, order.customer.email), reader.feedbackResponses(store.storeId, order.orderId)]);
    const points = pointsAccount(credits);
    return {
      responses: responses.flatMap((x) => ((OUTCOMES as readonly string[]).includes(x.outcome) ? [{ at: x.at, reply: x.reply, outcome: x.outcome as FeedbackOutcome }] : [])),
      ...(points.history.length > 0 ? { points } : {}),
    };
  };
}
