/**
 * The console's review moderation (its ModerationQueue, functions/services/console/deps.ts) as a
 * client of the merchant review API (functions/services/review-routes.ts): the console signs the
 * merchant in and checks the store, CSRF and who decided; the reviews function keeps its rules
 * (hold, publish once, count once, one reply emailed once). Through the API rather than the
 * table, so the console bundles no review code, email renderer or photo pipeline.
 */
import type { ModerationQueue, PendingReview } from '../services/console/deps.js';

/** Why the console rejects: it asks for no reason, and a rating is never one (README). */
const CONSOLE_REJECT_REASON = 'content_policy';

export class ReviewApiModeration implements ModerationQueue {
  constructor(
    private readonly baseUrl: string,
    private readonly opsToken: () => Promise<string | undefined>,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const token = await this.opsToken();
    if (!token) throw new Error('review moderation needs the ops token (OPS_TOKEN or OPS_TOKEN_SECRET_ARN)');
    const res = await this.fetchFn(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status >= 500 || res.status === 401) throw new Error(`review API ${method} ${path} answered ${res.status}`);
    return { status: res.status, json };
  }

  async pending(store: string, limit: number): Promise<PendingReview[]> {
    const { status, json } = await this.call('GET', `/stores/${encodeURIComponent(store)}/reviews?status=held&limit=${Math.min(Math.max(limit, 1), 50)}`);
    if (status !== 200) return [];
    const reviews = (json.reviews ?? []) as Array<{ reviewId: string; orderId: string; rating: number; title: string; text: string; createdAt: string }>;
    return reviews.map((r) => ({ id: r.reviewId, orderId: r.orderId, rating: r.rating, title: r.title, body: r.text, at: r.createdAt }));
  }

  async decide(store: string, reviewId: string, decision: 'approve' | 'reject'): Promise<'done' | 'already_decided' | 'not_found'> {
    const path = `/stores/${encodeURIComponent(store)}/reviews/${encodeURIComponent(reviewId)}/${decision}`;
    const { status } = await this.call('POST', path, decision === 'reject' ? { reason: CONSOLE_REJECT_REASON } : undefined);
    return status === 200 ? 'done' : status === 409 ? 'already_decided' : 'not_found';
  }

  async reply(store: string, reviewId: string, text: string): Promise<'done' | 'already_replied' | 'not_found'> {
    const { status } = await this.call('POST', `/stores/${encodeURIComponent(store)}/reviews/${encodeURIComponent(reviewId)}/reply`, { text });
    return status === 200 ? 'done' : status === 409 ? 'already_replied' : 'not_found';
  }
}
