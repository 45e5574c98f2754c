/**
 * The pages behind the email links, as one pure function of a request and its dependencies:
 * the Lambda entry (functions/pages.ts), the local runtime and the tests all call the same
 * code. Every answer carries the same strict headers (http.ts); nothing here imports AWS.
 * This file has the tracking, lookup, unsubscribe and ops summary routes; the star click and
 * the comment are in feedback-routes.ts.
 */
import * as z from 'zod';
import { trackingToken } from '../links.js';
import { renderLookupPage, renderTrackPage, type TrackExtras } from './track.js';
import { renderUnsubscribeConfirm, renderUnsubscribed } from './unsubscribe.js';
import {
  bearerMatches,
  claimsOf,
  contextFor,
  errorPage,
  form,
  json,
  loadOrder,
  matchRoute,
  notFound,
  page,
  runRoute,
  sameText,
  seeOther,
  storeById,
  type PageRoute,
  type PagesDeps,
  type PagesRequest,
  type PagesResponse,
} from './http.js';

export * from './http.js';

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
  let extras: TrackExtras = {};
  try {
    if (deps.participation?.trackExtras) extras = await deps.participation.trackExtras(link.store, view.state.order!);
  } catch (error) {
    deps.logger?.warn('points and responses unavailable', { store: link.store.storeId, orderId: link.claims.orderId, error });
  }
  return page(renderTrackPage(contextFor(req, deps, link.store, view.state.order), view, link.store, deps.now(), extras));
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
  { method: 'GET', path: '/unsubscribe', handle: getUnsubscribe },
  { method: 'POST', path: '/unsubscribe', handle: postUnsubscribe },
  { method: 'GET', path: '/stores/{store}/feedback', handle: getSummary },
];


/** Routes and answers one request. */
export async function handlePagesRequest(req: PagesRequest, deps: PagesDeps, routes: readonly PageRoute[] = pageRoutes): Promise<PagesResponse> {
  const method = req.method.toUpperCase();
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchRoute(route.path, req.path);
    if (params) return runRoute(route, { ...req, params: { ...params, ...req.params } }, deps);
  }
  return notFound(req, deps);
}
