/**
 * What every page route shares: the request and response shapes, the dependencies, the strict
 * headers, language and brand resolution, signed-link checks, bearer tokens, and routing. The
 * route tables live with their features (handle.ts: tracking, unsubscribe, lookup, the ops
 * summary; feedback-routes.ts; functions/services/review-routes.ts), so each Lambda bundles only
 * its own pages.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FeedbackRepository } from '../feedback.js';
import { formattingLocale, LANGUAGES, type Language } from '../i18n/index.js';
import { verifyLink, type LinkClaims, type LinkPurpose } from '../links.js';
import type { Order } from '../order.js';
import type { StoreConfig } from '../store-config.js';
import { canonicalStoreId } from '../store-id.js';
import { renderErrorPage, type PageError } from './errors.js';
import { neutralBrand, type PageContext, type RenderedPage } from './layout.js';
import type { ReferralView, ReviewFormItem } from './reviews.js';
import type { TrackExtras, TrackView } from './track.js';

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
  /** The body's bytes, for multipart uploads (a photo is not UTF-8). */
  rawBody?: Uint8Array;
}

export interface PagesResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body is base64 of binary content (a review photo). */
  isBase64Encoded?: boolean;
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
  /** Reviews, rewards and referrals on the feedback and tracking pages; without it they show none. */
  participation?: ParticipationHooks;
  logger?: PagesLogger;
}

/** What the feedback and tracking pages ask of reviews, rewards and referrals (functions/services/review-routes.ts). */
export interface ParticipationHooks {
  /** (The feedback routes, functions/domain/pages/feedback-routes.ts.)
   *
   * After a star click: alerts the merchant about a low rating (once), completes a reward a
   * crash left half done, and says what to show: each item's review state, the referral box.
   */
  afterRating?(store: StoreConfig, order: Order, rating: number, recorded: boolean): Promise<{ items: ReviewFormItem[]; referral?: ReferralView; photos: boolean }>;
  /** The tracking page's points and the merchant's responses to feedback. */
  trackExtras?(store: StoreConfig, order: Order): Promise<TrackExtras>;
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

export function page(rendered: RenderedPage): PagesResponse {
  return {
    status: rendered.status,
    headers: { ...baseHeaders, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': rendered.csp },
    body: rendered.html,
  };
}

export function json(status: number, body: unknown, extra: Record<string, string> = {}): PagesResponse {
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
export function seeOther(location: string): PagesResponse {
  return {
    status: 303,
    headers: { ...baseHeaders, Location: location, 'Content-Type': 'text/plain; charset=utf-8' },
    body: '',
  };
}

// ---------------------------------------------------------------------------------------------
// Request helpers

export function header(req: PagesRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** Form fields of a urlencoded body; anything else (or nothing) reads as no fields. */
export function form(req: PagesRequest): URLSearchParams {
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
export function storeById(deps: PagesDeps, storeId: string | undefined): StoreConfig | undefined {
  const id = canonicalStoreId(storeId);
  return id === undefined ? undefined : deps.stores.find((s) => s.storeId === id);
}

const primary = (tag: string | undefined) => tag?.trim().split(/[-_]/)[0]?.toLowerCase();

/**
 * Language, locale, zone and brand for a page: the order's customer locale first (the emails
 * that linked here used it), then the browser's Accept-Language, then the store's default,
 * each only if it is a language this deployment offers.
 */
export function contextFor(req: PagesRequest, deps: Pick<PagesDeps, 'languages'> | undefined, store?: StoreConfig, order?: Order): PageContext {
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

export function errorPage(req: PagesRequest, deps: Pick<PagesDeps, 'languages'> | undefined, error: PageError, store?: StoreConfig, order?: Order): PagesResponse {
  return page(renderErrorPage(contextFor(req, deps, store, order), error));
}

/** The verified claims of the request's token and the store they name, or undefined. */
export function claimsOf(deps: PagesDeps, token: string | undefined, purpose: LinkPurpose): { claims: LinkClaims; store: StoreConfig } | undefined {
  if (!token) return undefined;
  const claims = verifyLink(deps.linkSecret, token, purpose, deps.now());
  const store = claims && storeById(deps, claims.store);
  // A genuine link for a store no longer configured is as unusable as a forged one.
  return claims && store ? { claims, store } : undefined;
}

export async function loadOrder(deps: PagesDeps, store: string, orderId: string): Promise<TrackView | undefined> {
  const view = await deps.orders.load(store, orderId);
  return view?.state.order ? view : undefined;
}

// ---------------------------------------------------------------------------------------------

export function sameText(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

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

export function bearerMatches(req: PagesRequest, configured: string | undefined): boolean {
  const given = header(req, 'authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!given) return false;
  let ok = false;
  for (const token of acceptedTokens(configured)) ok = sameText(given, token) || ok;
  return ok;
}

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
