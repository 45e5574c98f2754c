/**
 * The pages behind the email links, as one pure function of a request and its dependencies:
 * the Lambda entry (functions/pages.ts), the local runtime and the tests all call the same
 * code. Every answer carries the same strict headers; nothing here imports AWS.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import * as z from 'zod';
import {
  commentSchema,
  MAX_COMMENT_LENGTH,
  ratingParamSchema,
  type FeedbackRepository,
} from '../feedback.js';
import { formattingLocale, LANGUAGES, type Language } from '../i18n/index.js';
import { trackingToken, verifyLink, type LinkClaims, type LinkPurpose } from '../links.js';
import type { Order } from '../order.js';
import type { StoreConfig } from '../store-config.js';
import { canonicalStoreId } from '../store-id.js';
import { renderErrorPage, type PageError } from './errors.js';
import { renderFeedbackPage } from './feedback.js';
import { neutralBrand, type PageContext, type RenderedPage } from './layout.js';
import { renderLookupPage, renderTrackPage, type TrackView } from './track.js';
import { renderUnsubscribeConfirm, renderUnsubscribed } from './unsubscribe.js';

export interface PagesRequest {
  method: string;
  /** The path without query string, e.g. "/track". */
  path: string;
  query: Readonly<Record<string, string | undefined>>;
  /** Header names in any case; they are compared lower-cased. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body as text (already base64-decoded). */
  body?: string;
  /** Path parameters when a router already matched the route. */
  params?: Readonly<Record<string, string | undefined>>;
}

export interface PagesResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads an order; `OrderStore` (functions/adapters/order-store.ts) is one. */
export interface OrderReader {
  load(store: string, orderId: string): Promise<TrackView | undefined>;
}

export interface PagesLogger {
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export interface PagesDeps {
  orders: OrderReader;
  feedback: FeedbackRepository;
  /** Configured stores: branding, default locale and the promise settings for estimates. */
  stores: readonly StoreConfig[];
  /** The link signing secret: one key, or several during a rotation (see links.ts signingKeys). */
  linkSecret: string | readonly string[];
  /**
   * Bearer token for the ops summary, or (while rotating) a JSON array of accepted tokens;
   * without one the summary answers 401 to everyone.
   */
  opsToken?: string;
  /** Languages the pages are offered in (deployment config); @default all of en, de, fr */
  languages?: readonly Language[];
  now: () => Date;
  /** Called once per order, when its rating is first recorded: wakes a workflow waiting for it. */
  onFeedback: (store: string, orderId: string) => Promise<void>;
  logger?: PagesLogger;
}

type RouteHandler = (req: PagesRequest, deps: PagesDeps) => Promise<PagesResponse>;

export interface PageRoute {
  method: 'GET' | 'POST';
  /** http-router syntax: "/stores/{store}/feedback". */
  path: string;
  handle: RouteHandler;
}

// ---------------------------------------------------------------------------------------------
// Responses

const baseHeaders = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex, nofollow',
};

function page(rendered: RenderedPage): PagesResponse {
  return {
    status: rendered.status,
    headers: { ...baseHeaders, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': rendered.csp },
    body: rendered.html,
  };
}

function json(status: number, body: unknown, extra: Record<string, string> = {}): PagesResponse {
  return {
    status,
    headers: {
      ...baseHeaders,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      ...extra,
    },
    body: JSON.stringify(body),
  };
}

/** A 303 to a relative URL: it stays on whatever host and stage path served the form. */
function seeOther(location: string): PagesResponse {
  return {
    status: 303,
    headers: { ...baseHeaders, Location: location, 'Content-Type': 'text/plain; charset=utf-8' },
    body: '',
  };
}

// ---------------------------------------------------------------------------------------------
// Request helpers

function header(req: PagesRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** Form fields of a urlencoded body; anything else (or nothing) reads as no fields. */
function form(req: PagesRequest): URLSearchParams {
  const type = header(req, 'content-type') ?? 'application/x-www-form-urlencoded';
  if (!req.body || !type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  return new URLSearchParams(req.body);
}

/** The first language of Accept-Language that we offer, as its full tag ("de-CH"). */
export function preferredTag(acceptLanguage: string | undefined, offered: readonly Language[] = LANGUAGES): string | undefined {
  if (!acceptLanguage) return undefined;
  const ranked = acceptLanguage
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((r) => r.tag && r.tag !== '*' && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked.find((r) => (offered as readonly string[]).includes(primary(r.tag) ?? ''))?.tag;
}

/** The configured store a link, form field or path names, in any spelling of its canonical id. */
function storeById(deps: PagesDeps, storeId: string | undefined): StoreConfig | undefined {
  const id = canonicalStoreId(storeId);
  return id === undefined ? undefined : deps.stores.find((s) => s.storeId === id);
}

const primary = (tag: string | undefined) => tag?.trim().split(/[-_]/)[0]?.toLowerCase();

/**
 * Language, locale, zone and brand for a page: the order's customer locale first (the emails
 * that linked here used it), then the browser's Accept-Language, then the store's default,
 * each only if it is a language this deployment offers.
 */
function contextFor(req: PagesRequest, deps: Pick<PagesDeps, 'languages'> | undefined, store?: StoreConfig, order?: Order): PageContext {
  const offered = deps?.languages?.length ? deps.languages : LANGUAGES;
  const candidates = [order?.customer.locale, preferredTag(header(req, 'accept-language'), offered), store?.defaultLocale];
  const tag = candidates.find((t) => offered.includes(primary(t) as Language));
  const language = (primary(tag) as Language | undefined) ?? offered[0] ?? 'en';
  const b = store?.branding;
  return {
    language,
    locale: formattingLocale(tag, language),
    timeZone: order?.customer.timeZone ?? store?.promises.timeZone,
    brand: b ? { name: b.name, accentColor: b.accentColor, logoUrl: b.logoUrl, supportEmail: b.supportEmail } : neutralBrand,
  };
}

function errorPage(req: PagesRequest, deps: Pick<PagesDeps, 'languages'> | undefined, error: PageError, store?: StoreConfig, order?: Order): PagesResponse {
  return page(renderErrorPage(contextFor(req, deps, store, order), error));
}

/** The verified claims of the request's token and the store they name, or undefined. */
function claimsOf(deps: PagesDeps, token: string | undefined, purpose: LinkPurpose): { claims: LinkClaims; store: StoreConfig } | undefined {
  if (!token) return undefined;
  const claims = verifyLink(deps.linkSecret, token, purpose, deps.now());
  const store = claims && storeById(deps, claims.store);
  // A genuine link for a store no longer configured is as unusable as a forged one.
  return claims && store ? { claims, store } : undefined;
}

async function loadOrder(deps: PagesDeps, store: string, orderId: string): Promise<TrackView | undefined> {
  const view = await deps.orders.load(store, orderId);
  return view?.state.order ? view : undefined;
}

// ---------------------------------------------------------------------------------------------
// Tracking

const lookupFormSchema = z.object({
  order: z.string().trim().min(1).max(100),
  email: z.string().trim().toLowerCase().min(3).max(320),
});

async function getTrack(req: PagesRequest, deps: PagesDeps): Promise<PagesResponse> {
  const token = req.query.t;
  if (token === undefined) return lookupForm(req, deps);
  const link = claimsOf(deps, token, 'track');
  if (!link) return errorPage(req, deps, 'forbidden');
  const view = await loadOrder(deps, link.store.storeId, link.claims.orderId);
  if (!view) return errorPage(req, deps, 'order_gone', link.store);
  return page(renderTrackPage(contextFor(req, deps, link.store, view.state.order), view, link.store, deps.now()));
}

function lookupForm(req: PagesRequest, deps: PagesDeps, failure?: { error: 'not_found' | 'incomplete'; values: Record<string, string> }): PagesResponse {
  const fixed = storeById(deps, req.query.store ?? failure?.values.store);
  const only = deps.stores.length === 1 ? deps.stores[0] : undefined;
  const brandStore = fixed ?? only;
  const rendered = renderLookupPage(contextFor(req, deps, brandStore), {
    stores: deps.stores.map((s) => ({ storeId: s.storeId, name: s.branding.name })),
    store: deps.stores.length > 1 && req.query.store !== undefined ? fixed?.storeId : undefined,
    values: failure?.values,
    error: failure?.error,
  });
  return page(rendered);
}

async function postTrack(req: PagesRequest, deps: PagesDeps): Promise<PagesResponse> {
  const fields = form(req);
  const values = { order: fields.get('order') ?? '', email: fields.get('email') ?? '', store: fields.get('store') ?? '' };
  const parsed = lookupFormSchema.safeParse(values);
  if (!parsed.success) return lookupForm(req, deps, { error: 'incomplete', values });
  const store = deps.stores.length === 1 ? deps.stores[0] : storeById(deps, values.store);
  // One answer for "no such order", "wrong email" and "no such store": nothing to enumerate.
  const notFound = () => lookupForm(req, deps, { error: 'not_found', values });
  if (!store) return notFound();
  const candidates = await deps.feedback.findOrdersByName(store.storeId, parsed.data.order);
  const match = candidates.find((c) => sameText(c.email, parsed.data.email));
  if (!match) return notFound();
  return seeOther(`?t=${trackingToken(deps.linkSecret, store.storeId, match.orderId)}`);
}

function sameText(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

// ---------------------------------------------------------------------------------------------
// Feedback

async function getFeedback(req: PagesRequest, deps: PagesDeps): Promise<PagesResponse> {
  const link = claimsOf(deps, req.query.t, 'feedback');
  if (!link) return errorPage(req, deps, 'forbidden');
  const rating = ratingParamSchema.safeParse(req.query.rating ?? '');
  const { store, claims } = link;
  if (!rating.success) {
    const view = await loadOrder(deps, store.storeId, claims.orderId);
    return errorPage(req, deps, 'bad_rating', store, view?.state.order);
  }
  const [view, result] = await Promise.all([
    loadOrder(deps, store.storeId, claims.orderId),
    deps.feedback.recordRating(store.storeId, claims.orderId, rating.data, deps.now()),
  ]);
  if (result.recorded) {
    try {
      await deps.onFeedback(store.storeId, claims.orderId);
    } catch (error) {
      // The rating is stored; a waiting workflow also sees it when its own deadline fires.
      deps.logger?.warn('could not wake the workflow after feedback', { store: store.storeId, orderId: claims.orderId, error });
    }
  }
  const order = view?.state.order;
  return page(
    renderFeedbackPage(contextFor(req, deps, store, order), {
      rating: result.feedback.rating,
      recorded: result.recorded,
      orderName: order?.orderName,
      token: req.query.t!,
      comment: result.feedback.comment !== undefined ? 'already_commented' : 'open',
    }),
  );
}

async function postFeedback(req: PagesRequest, deps: PagesDeps): Promise<PagesResponse> {
  const fields = form(req);
  const token = fields.get('t') ?? req.query.t;
  const link = claimsOf(deps, token, 'feedback');
  if (!link) return errorPage(req, deps, 'forbidden');
  const { store, claims } = link;
  const [view, existing] = await Promise.all([
    loadOrder(deps, store.storeId, claims.orderId),
    deps.feedback.getFeedback(store.storeId, claims.orderId),
  ]);
  const order = view?.state.order;
  if (!existing) return errorPage(req, deps, 'not_rated', store, order);
  const ctx = contextFor(req, deps, store, order);
  const base = { rating: existing.rating, recorded: true, orderName: order?.orderName, token: token! };
  if (existing.comment !== undefined) return page(renderFeedbackPage(ctx, { ...base, comment: 'already_commented' }));

  const raw = fields.get('comment') ?? '';
  const comment = commentSchema.safeParse(raw);
  if (!comment.success) {
    const reason = raw.trim().length === 0 ? 'empty' : 'too_long';
    // Echo back what was typed (bounded) so the shopper can shorten it rather than retype it.
    const draft = raw.slice(0, MAX_COMMENT_LENGTH * 2);
    return page(renderFeedbackPage(ctx, { ...base, comment: 'open', rejected: { reason, draft } }));
  }
  const outcome = await deps.feedback.addComment(store.storeId, claims.orderId, comment.data, deps.now());
  if (outcome === 'not_rated') return errorPage(req, deps, 'not_rated', store, order);
  return page(renderFeedbackPage(ctx, { ...base, comment: outcome === 'stored' ? 'stored' : 'already_commented' }));
}

// ---------------------------------------------------------------------------------------------
// Unsubscribe

async function unsubscribeLink(req: PagesRequest, deps: PagesDeps, token: string | undefined) {
  const link = claimsOf(deps, token, 'unsubscribe');
  if (!link?.claims.email) return undefined;
  const view = await loadOrder(deps, link.store.storeId, link.claims.orderId);
  return { store: link.store, email: link.claims.email, ctx: contextFor(req, deps, link.store, view?.state.order) };
}

async function getUnsubscribe(req: PagesRequest, deps: PagesDeps): Promise<PagesResponse> {
  const link = await unsubscribeLink(req, deps, req.query.t);
  if (!link) return errorPage(req, deps, 'forbidden');
  return page(renderUnsubscribeConfirm(link.ctx, { email: link.email, storeName: link.store.branding.name }));
}

/**
 * Both the page's button and RFC 8058 one-click land here. The body is not required to say
 * "List-Unsubscribe=One-Click": the signed token is the authority, and mailbox providers vary
 * in how they encode the body.
 */
async function postUnsubscribe(req: PagesRequest, deps: PagesDeps): Promise<PagesResponse> {
  const link = await unsubscribeLink(req, deps, req.query.t ?? form(req).get('t') ?? undefined);
  if (!link) return errorPage(req, deps, 'forbidden');
  await deps.feedback.suppress(link.store.storeId, link.email, 'unsubscribed', deps.now());
  return page(renderUnsubscribed(link.ctx, { email: link.email, storeName: link.store.branding.name }));
}

// ---------------------------------------------------------------------------------------------
// Ops summary

/** The accepted tokens: one, or a JSON array of them while one is being rotated. */
function acceptedTokens(value: string | undefined): string[] {
  if (!value) return [];
  if (value.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.filter((t): t is string => typeof t === 'string' && t.length >= 16);
    } catch {
      /* a plain token */
    }
  }
  return [value];
}

function bearerMatches(req: PagesRequest, configured: string | undefined): boolean {
  const given = header(req, 'authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!given) return false;
  let ok = false;
  for (const token of acceptedTokens(configured)) ok = sameText(given, token) || ok;
  return ok;
}

async function getSummary(req: PagesRequest, deps: PagesDeps): Promise<PagesResponse> {
  if (!bearerMatches(req, deps.opsToken)) return json(401, { message: 'Unauthorized' }, { 'WWW-Authenticate': 'Bearer' });
  const store = storeById(deps, req.params?.store);
  if (!store) return json(404, { message: 'Unknown store' });
  return json(200, await deps.feedback.readSummary(store.storeId));
}

// ---------------------------------------------------------------------------------------------
// Routing

/** Every route the pages Lambda serves; the Lambda entry hands the same table to http-router. */
export const pageRoutes: readonly PageRoute[] = [
  { method: 'GET', path: '/track', handle: getTrack },
  { method: 'POST', path: '/track', handle: postTrack },
  { method: 'GET', path: '/feedback', handle: getFeedback },
  { method: 'POST', path: '/feedback', handle: postFeedback },
  { method: 'GET', path: '/unsubscribe', handle: getUnsubscribe },
  { method: 'POST', path: '/unsubscribe', handle: postUnsubscribe },
  { method: 'GET', path: '/stores/{store}/feedback', handle: getSummary },
];

/** Path parameters when `path` matches the route pattern (a trailing slash is allowed). */
export function matchRoute(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, w] of want.entries()) {
    const g = got[i]!;
    const name = w.match(/^\{(\w+)\}$/)?.[1];
    if (name) {
      try {
        params[name] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

/** Runs one route with the failure handling every route shares. */
export async function runRoute(route: PageRoute, req: PagesRequest, deps: PagesDeps): Promise<PagesResponse> {
  try {
    return await route.handle(req, deps);
  } catch (error) {
    deps.logger?.error('page request failed', { method: req.method, path: req.path, error });
    return errorPage(req, deps, 'server_error');
  }
}

/** The 404 page, for paths no route serves. */
export function notFound(req: PagesRequest, deps?: Pick<PagesDeps, 'languages'>): PagesResponse {
  return errorPage(req, deps, 'not_found');
}

/** Routes and answers one request. */
export async function handlePagesRequest(req: PagesRequest, deps: PagesDeps): Promise<PagesResponse> {
  const method = req.method.toUpperCase();
  for (const route of pageRoutes) {
    if (route.method !== method) continue;
    const params = matchRoute(route.path, req.path);
    if (params) return runRoute(route, { ...req, params: { ...params, ...req.params } }, deps);
  }
  return notFound(req, deps);
}
