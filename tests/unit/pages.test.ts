import { describe, expect, it } from 'vitest';
import {
  summarize,
  tally,
  type AddCommentResult,
  type FeedbackRecord,
  type FeedbackRepository,
  type Rating,
  type RecordRatingResult,
} from '../../functions/domain/feedback.js';
import { buildLinks, signLink, verifyLink } from '../../functions/domain/links.js';
import type { Order } from '../../functions/domain/order.js';
import { foldOrder } from '../../functions/domain/order-state.js';
import { handlePagesRequest, pageRoutes, preferredTag, type PagesDeps, type PagesResponse } from '../../functions/domain/pages/handle.js';
import { feedbackRoutes } from '../../functions/domain/pages/feedback-routes.js';
import type { TrackView } from '../../functions/domain/pages/track.js';
import { anOrder, aStoreConfig, events, STORE } from '../support/builders.js';

const SECRET = 'pages-test-secret-0123456789abcdef';
const OPS = 'ops-token-0123456789abcdef';
const BASE = 'https://pages.example.com';

/** The FeedbackRepository contract, in memory: first rating wins, comment once. */
class MemoryFeedback implements FeedbackRepository {
  readonly ratings = new Map<string, FeedbackRecord>();
  readonly suppressed = new Map<string, string>();
  readonly lookup = new Map<string, Array<{ orderId: string; email: string }>>();

  async recordRating(store: string, orderId: string, rating: Rating, at: Date): Promise<RecordRatingResult> {
    const existing = this.ratings.get(`${store}/${orderId}`);
    if (existing) return { recorded: false, feedback: existing };
    const feedback = { rating, ratedAt: at.toISOString() };
    this.ratings.set(`${store}/${orderId}`, feedback);
    return { recorded: true, feedback };
  }
  async getFeedback(store: string, orderId: string) {
    return this.ratings.get(`${store}/${orderId}`);
  }
  async addComment(store: string, orderId: string, comment: string, at: Date): Promise<AddCommentResult> {
    const existing = this.ratings.get(`${store}/${orderId}`);
    if (!existing) return 'not_rated';
    if (existing.comment !== undefined) return 'already_commented';
    this.ratings.set(`${store}/${orderId}`, { ...existing, comment, commentedAt: at.toISOString() });
    return 'stored';
  }
  async readSummary(store: string) {
    return summarize(store, tally([...this.ratings.entries()].filter(([k]) => k.startsWith(`${store}/`)).map(([, v]) => v.rating)));
  }
  async suppress(store: string, email: string, reason: 'unsubscribed') {
    if (!this.suppressed.has(`${store}/${email}`)) this.suppressed.set(`${store}/${email}`, reason);
  }
  async isSuppressed(store: string, email: string) {
    return this.suppressed.has(`${store}/${email}`) || this.suppressed.has(`*/${email}`);
  }
  async findOrdersByName(store: string, orderName: string) {
    return this.lookup.get(`${store}/${orderName.replace(/^#/, '').toLowerCase()}`) ?? [];
  }
}

function setup(options: { order?: Order; stores?: PagesDeps['stores'] } = {}) {
  const order = options.order ?? anOrder();
  const feedback = new MemoryFeedback();
  feedback.lookup.set(`${STORE}/1001`, [{ orderId: order.orderId, email: order.customer.email }]);
  const views = new Map<string, TrackView>([
    [`${STORE}/${order.orderId}`, { state: foldOrder(STORE, order.orderId, [events.placed(order), events.shipped('2026-11-24T10:00:00Z')]) }],
  ]);
  const woken: string[] = [];
  const deps: PagesDeps = {
    orders: { load: async (store, orderId) => views.get(`${store}/${orderId}`) },
    feedback,
    stores: options.stores ?? [aStoreConfig()],
    linkSecret: SECRET,
    opsToken: OPS,
    now: () => new Date('2026-11-25T12:00:00Z'),
    onFeedback: async (store, orderId) => {
      woken.push(`${store}/${orderId}`);
    },
  };
  const links = buildLinks(BASE, SECRET, { store: STORE, orderId: order.orderId, email: order.customer.email });
  const send = (method: string, url: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<PagesResponse> => {
    const u = new URL(url, BASE);
    return handlePagesRequest(
      {
        method,
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers: { ...(init.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...init.headers },
        body: init.body,
      },
      deps,
      // The star click and comment are the reviews function's routes; the pages share one core.
      [...pageRoutes, ...feedbackRoutes],
    );
  };
  return { deps, feedback, links, woken, send, order };
}

const formBody = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('every page', () => {
  it('carries the strict security headers', async () => {
    const { send, links } = setup();

    for (const res of [await send('GET', links.tracking), await send('GET', '/track'), await send('GET', '/feedback?t=nope&rating=5'), await send('GET', '/nowhere')]) {
      expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(res.headers['Cache-Control']).toBe('no-store');
      expect(res.headers['Referrer-Policy']).toBe('no-referrer');
      expect(res.headers['X-Content-Type-Options']).toBe('nosniff');
      expect(res.headers['Content-Security-Policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; .*frame-ancestors 'none'$/);
    }
  });

  it('answers an unknown path with a 404 page', async () => {
    const res = await setup().send('GET', '/admin');

    expect(res.status).toBe(404);
    expect(res.body).toContain('Page not found');
  });
});

describe('GET /track', () => {
  it('shows the order behind a signed link, in the customer\'s language', async () => {
    const { send, links } = setup();

    const res = await send('GET', links.tracking);

    expect(res.status).toBe(200);
    expect(res.body).toContain('<html lang="de">');
    expect(res.body).toContain('<h1>Bestellung #1001</h1>');
    expect(res.body).toContain('Acme Outdoor');
  });

  it('refuses a forged or wrong-purpose token with 403', async () => {
    const { send, links } = setup();
    const feedbackToken = new URL(links.feedback[5]).searchParams.get('t')!;

    expect((await send('GET', '/track?t=abc.def')).status).toBe(403);
    expect((await send('GET', `/track?t=${feedbackToken}`)).status).toBe(403);
    expect((await send('GET', `/track?t=${signLink('another-secret-0123456789', { store: STORE, orderId: '1001', purpose: 'track' })}`)).status).toBe(403);
  });

  it('finds the store of a link or a summary path in any spelling of its id (store ids are case-insensitive)', async () => {
    const { send } = setup();
    const link = signLink(SECRET, { store: STORE.toUpperCase(), orderId: '1001', purpose: 'track' });

    expect((await send('GET', `/track?t=${link}`)).status).toBe(200);
    const summary = await send('GET', `/stores/${STORE.toUpperCase()}/feedback`, { headers: { authorization: `Bearer ${OPS}` } });
    expect(summary.status).toBe(200);
    expect(JSON.parse(summary.body).store).toBe(STORE);
  });

  it('shows the lookup form when there is no token, in the browser\'s language', async () => {
    const res = await setup().send('GET', '/track', { headers: { 'Accept-Language': 'fr-CH, fr;q=0.9, en;q=0.5' } });

    expect(res.status).toBe(200);
    expect(res.body).toContain('<html lang="fr">');
    expect(res.body).toContain('<label for="order">Numéro de commande</label>');
  });
});

describe('POST /track (order lookup)', () => {
  it('redirects with 303 to the signed tracking link when number and email match', async () => {
    const { send } = setup();

    const res = await send('POST', '/track', { body: formBody({ order: ' #1001 ', email: 'Zoe@Example.com' }) });

    expect(res.status).toBe(303);
    const token = new URL(res.headers.Location!, `${BASE}/track`).searchParams.get('t')!;
    expect(verifyLink(SECRET, token, 'track')).toEqual({ store: STORE, orderId: '1001', purpose: 'track' });
  });

  it('gives one identical answer for a wrong email and for an order that does not exist', async () => {
    const { send } = setup();

    const wrongEmail = await send('POST', '/track', { body: formBody({ order: '1001', email: 'someone@example.com' }) });
    const noOrder = await send('POST', '/track', { body: formBody({ order: '9999', email: 'someone@example.com' }) });

    expect(wrongEmail.status).toBe(404);
    expect(noOrder.status).toBe(wrongEmail.status);
    expect(noOrder.body.replace('9999', '1001')).toBe(wrongEmail.body);
    expect(noOrder.headers).toEqual(wrongEmail.headers);
  });

  it('asks for both fields when one is missing', async () => {
    const res = await setup().send('POST', '/track', { body: formBody({ order: '1001', email: '' }) });

    expect(res.status).toBe(400);
    expect(res.body).toContain('role="alert"');
  });

  it('needs the store chosen when several stores are configured', async () => {
    const stores = [aStoreConfig(), aStoreConfig({ storeId: 'other.example', branding: { name: 'Other', supportEmail: 'o@example.com', postalAddress: 'x' } })];
    const { send } = setup({ stores });

    const form = await send('GET', '/track');
    const without = await send('POST', '/track', { body: formBody({ order: '1001', email: 'zoe@example.com' }) });
    const wrong = await send('POST', '/track', { body: formBody({ order: '1001', email: 'zoe@example.com', store: 'other.example' }) });
    const right = await send('POST', '/track', { body: formBody({ order: '1001', email: 'zoe@example.com', store: STORE }) });

    expect(form.body).toContain('<select id="store" name="store" required>');
    expect(without.status).toBe(404);
    expect(wrong.status).toBe(404);
    expect(right.status).toBe(303);
  });
});

describe('GET /feedback', () => {
  it('records the rating, wakes the workflow once, and offers the comment form', async () => {
    const { send, links, feedback, woken } = setup();

    const res = await send('GET', links.feedback[4]);

    expect(res.status).toBe(200);
    expect(res.body).toContain('Sie haben die Bestellung #1001 mit 4 von 5 bewertet.');
    expect(res.body).toContain('<textarea id="comment" name="comment"');
    expect(feedback.ratings.get(`${STORE}/1001`)?.rating).toBe(4);
    expect(woken).toEqual([`${STORE}/1001`]);
  });

  it('keeps the first rating: a later click shows it and changes nothing', async () => {
    const { send, links, feedback, woken } = setup();
    await send('GET', links.feedback[2]);

    const again = await send('GET', links.feedback[5]);

    expect(again.status).toBe(200);
    expect(again.body).toContain('bereits mit 2 von 5 bewertet');
    expect(feedback.ratings.get(`${STORE}/1001`)?.rating).toBe(2);
    expect(woken).toHaveLength(1);
  });

  it('still shows the page when waking the workflow fails', async () => {
    const { send, links, deps } = setup();
    deps.onFeedback = async () => {
      throw new Error('SFN down');
    };

    expect((await send('GET', links.feedback[3])).status).toBe(200);
  });

  it('answers a bad or missing token with 403 and a rating out of range with 400, recording nothing', async () => {
    const { send, links, feedback } = setup();
    const token = new URL(links.feedback[1]).searchParams.get('t')!;

    expect((await send('GET', '/feedback?rating=5')).status).toBe(403);
    expect((await send('GET', `/feedback?t=${token.slice(0, -2)}xx&rating=5`)).status).toBe(403);
    for (const rating of ['0', '6', '', 'abc', '4.5']) expect((await send('GET', `/feedback?t=${token}&rating=${rating}`)).status).toBe(400);
    expect((await send('GET', `/feedback?t=${token}`)).status).toBe(400);
    expect(feedback.ratings.size).toBe(0);
  });
});

describe('POST /feedback (comment)', () => {
  it('stores the comment once', async () => {
    const { send, links, feedback } = setup();
    const t = new URL(links.feedback[5]).searchParams.get('t')!;
    await send('GET', links.feedback[5]);

    const first = await send('POST', '/feedback', { body: formBody({ t, comment: 'Great shoes!' }) });
    const second = await send('POST', '/feedback', { body: formBody({ t, comment: 'Changed my mind' }) });

    expect(first.status).toBe(200);
    expect(first.body).toContain('Wir haben Ihren Kommentar erhalten.');
    expect(second.status).toBe(200);
    expect(second.body).toContain('bereits einen Kommentar erhalten');
    expect(feedback.ratings.get(`${STORE}/1001`)?.comment).toBe('Great shoes!');
  });

  it('rejects an empty or too long comment with 400, keeping the rating open for a retry', async () => {
    const { send, links, feedback } = setup();
    const t = new URL(links.feedback[5]).searchParams.get('t')!;
    await send('GET', links.feedback[5]);

    expect((await send('POST', '/feedback', { body: formBody({ t, comment: '   ' }) })).status).toBe(400);
    expect((await send('POST', '/feedback', { body: formBody({ t, comment: 'x'.repeat(2001) }) })).status).toBe(400);
    expect(feedback.ratings.get(`${STORE}/1001`)?.comment).toBeUndefined();
  });

  it('refuses a comment without a valid token (403) or before any rating (400)', async () => {
    const { send, links } = setup();
    const t = new URL(links.feedback[5]).searchParams.get('t')!;

    expect((await send('POST', '/feedback', { body: formBody({ t: 'bad.token', comment: 'hi' }) })).status).toBe(403);
    expect((await send('POST', '/feedback', { body: formBody({ t, comment: 'hi' }) })).status).toBe(400);
  });
});

describe('unsubscribe', () => {
  it('asks for confirmation on GET without unsubscribing', async () => {
    const { send, links, feedback } = setup();

    const res = await send('GET', links.unsubscribe);

    expect(res.status).toBe(200);
    expect(res.body).toContain('zoe@example.com');
    expect(res.body).toContain('<form method="post">');
    expect(feedback.suppressed.size).toBe(0);
  });

  it('unsubscribes on the page\'s POST and on an RFC 8058 one-click POST, idempotently', async () => {
    const { send, links, feedback } = setup();

    const fromPage = await send('POST', links.unsubscribe, { body: '' });
    const oneClick = await send('POST', links.unsubscribeOneClick, { body: 'List-Unsubscribe=One-Click' });

    expect(fromPage.status).toBe(200);
    expect(oneClick.status).toBe(200);
    expect(oneClick.body).toContain('zoe@example.com erhält keine Feedback-E-Mails von Acme Outdoor mehr.');
    expect([...feedback.suppressed]).toEqual([[`${STORE}/zoe@example.com`, 'unsubscribed']]);
  });

  it('refuses a token that is not an unsubscribe token', async () => {
    const { send, links, feedback } = setup();
    const trackToken = new URL(links.tracking).searchParams.get('t')!;

    expect((await send('POST', `/unsubscribe?t=${trackToken}`, { body: 'List-Unsubscribe=One-Click' })).status).toBe(403);
    expect((await send('GET', '/unsubscribe')).status).toBe(403);
    expect(feedback.suppressed.size).toBe(0);
  });
});

describe('GET /stores/{store}/feedback (ops summary)', () => {
  it('answers 401 without the ops bearer token, or with a wrong one', async () => {
    const { send } = setup();

    const none = await send('GET', `/stores/${STORE}/feedback`);
    const wrong = await send('GET', `/stores/${STORE}/feedback`, { headers: { Authorization: 'Bearer not-the-token' } });

    expect(none.status).toBe(401);
    expect(none.headers['WWW-Authenticate']).toBe('Bearer');
    expect(wrong.status).toBe(401);
  });

  it('answers 401 to everyone when no ops token is configured', async () => {
    const { send, deps } = setup();
    deps.opsToken = undefined;

    expect((await send('GET', `/stores/${STORE}/feedback`, { headers: { Authorization: 'Bearer ' } })).status).toBe(401);
  });

  it('returns the store\'s count, average and distribution as JSON', async () => {
    const { send, links } = setup();
    await send('GET', links.feedback[4]);

    const res = await send('GET', `/stores/${encodeURIComponent(STORE)}/feedback`, { headers: { authorization: `Bearer ${OPS}` } });

    expect(res.status).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body)).toEqual({ store: STORE, count: 1, average: 4, distribution: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 } });
  });

  it('accepts both tokens while the ops token rotates (JSON array)', async () => {
    const { send, deps } = setup();
    const next = 'next-ops-token-0123456789abcdef';
    deps.opsToken = JSON.stringify([next, OPS]);

    for (const token of [next, OPS]) {
      expect((await send('GET', `/stores/${STORE}/feedback`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
    expect((await send('GET', `/stores/${STORE}/feedback`, { headers: { authorization: `Bearer ${deps.opsToken}` } })).status).toBe(401);
  });

  it('answers 404 for a store that is not configured', async () => {
    const res = await setup().send('GET', '/stores/nope.example/feedback', { headers: { authorization: `Bearer ${OPS}` } });

    expect(res.status).toBe(404);
  });
});

describe('page language', () => {
  it('falls back to the store default when the customer\'s language is not offered by this deployment', async () => {
    const { send, links, deps } = setup({ order: anOrder({ customer: { email: 'zoe@example.com', locale: 'fr-FR' } }) });
    const fr = await send('GET', links.tracking);
    deps.languages = ['en', 'de'];

    const res = await send('GET', links.tracking, { headers: { 'accept-language': 'fr' } });

    expect(fr.body).toContain('<html lang="fr">');
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('<h1>Order #1001</h1>');
  });
});

describe('Accept-Language', () => {
  it('picks the highest-ranked language we write, keeping its region', () => {
    expect(preferredTag('ja, de-CH;q=0.8, fr;q=0.9')).toBe('fr');
    expect(preferredTag('de-CH, en;q=0.5')).toBe('de-CH');
    expect(preferredTag('ja, *;q=0.1')).toBeUndefined();
    expect(preferredTag(undefined)).toBeUndefined();
  });
});
