/**
 * The console's request handling, shared by its pages and its JSON API: routing, who is
 * signed in, what they may see, CSRF on every form, and the answer's security headers. The
 * pages' session is the Cognito access token in an HttpOnly cookie, verified here with
 * aws-jwt-verify; the JSON API's token was verified by API Gateway's JWT authorizer (on AWS, or
 * the local runtime's stand-in for it), whose claims arrive on the request. Both refuse a
 * token signed out before its expiry.
 */
import { canonicalStoreId } from '../../domain/store-id.js';
import { canSee, principalFromClaims, type Principal } from '../../domain/console/access.js';
import {
  clearCookie,
  csrfToken,
  isLoopbackHost,
  parseCookies,
  serializeCookie,
  SESSION_COOKIE,
  SIGN_IN_CSRF_COOKIE,
  signInCsrfToken,
  tokensMatch,
} from '../../domain/console/session.js';
import { CONSOLE_CSP, messagePage } from '../../domain/console/pages/layout.js';
import { challengePage, signInPage } from '../../domain/console/pages/sign-in-page.js';
import { overviewPage } from '../../domain/console/pages/overview-page.js';
import { consoleAsset } from './assets.js';
import type { ConsoleDeps, ConsoleRequest, ConsoleResponse } from './deps.js';
import { storeOverview } from './overview.js';
import { orderRoutes } from './orders.js';
import { inboxRoutes } from './inbox.js';
import { deadLetterRoutes } from './dead-letters.js';

export interface Ctx {
  req: ConsoleRequest;
  deps: ConsoleDeps;
  params: Record<string, string>;
  form: Record<string, string>;
  principal: Principal;
  csrf: string;
  api: boolean;
  /** The raw access token (pages only: sign-out revokes it). */
  token?: string;
}

export interface ConsoleRoute {
  method: 'GET' | 'POST';
  /** `/stores/{store}/orders/{orderId}`: relative to /console (pages) and /console/api (JSON). */
  path: string;
  /** The route names a store: refuse 403 before the handler if the principal may not see it. */
  storeScoped?: boolean;
  opsOnly?: boolean;
  handler: (ctx: Ctx) => Promise<ConsoleResponse>;
}

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export const htmlResponse = (status: number, body: string, extra: Partial<ConsoleResponse> = {}): ConsoleResponse => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS, ...(extra.headers ?? {}) },
  body,
  ...(extra.cookies ? { cookies: extra.cookies } : {}),
});
export const jsonResponse = (status: number, value: unknown): ConsoleResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS },
  body: JSON.stringify(value),
});
export const redirect = (location: string, cookies?: string[]): ConsoleResponse => ({ status: 303, headers: { location, 'cache-control': 'no-store' }, body: '', ...(cookies ? { cookies } : {}) });

/** A refusal in the form the caller speaks: JSON for the API, a page for a browser. */
export function refuse(ctx: Pick<Ctx, 'api' | 'principal' | 'csrf'>, status: number, code: string, message: string): ConsoleResponse {
  if (ctx.api) return jsonResponse(status, { error: { code, message } });
  const heading = { 400: 'Not understood', 403: 'Not yours to see', 404: 'Not found', 409: 'Not done', 503: 'Try again' }[status] ?? 'Error';
  return htmlResponse(status, messagePage({ title: heading, principal: ctx.principal, csrf: ctx.csrf, heading, text: message, back: '/console' }));
}

const ROUTES: ConsoleRoute[] = [
  {
    method: 'GET',
    path: '/me',
    handler: async (ctx) => jsonResponse(200, { username: ctx.principal.username, ops: ctx.principal.ops, stores: ctx.principal.stores }),
  },
  {
    method: 'GET',
    path: '/stores',
    handler: async (ctx) => {
      const store = canonicalStoreId(ctx.req.query.store);
      return store && canSee(ctx.principal, store) ? redirect(`/console/stores/${encodeURIComponent(store)}/overview`) : refuse(ctx, 403, 'forbidden_store', 'You may not see that store.');
    },
  },
  {
    method: 'GET',
    path: '/stores/{store}/overview',
    storeScoped: true,
    handler: async (ctx) => {
      const store = ctx.params.store!;
      const deadLetters = await countDeadLetters(ctx).catch(() => null);
      const overview = await storeOverview(store, ctx.deps, { deadLetters });
      return ctx.api ? jsonResponse(200, overview) : htmlResponse(200, overviewPage({ principal: ctx.principal, csrf: ctx.csrf, overview }));
    },
  },
  ...orderRoutes,
  ...inboxRoutes,
  ...deadLetterRoutes,
];

/** Dead letters a principal may see: every one for ops, else those of their stores. */
async function countDeadLetters(ctx: Ctx): Promise<number> {
  if (ctx.principal.ops) return ctx.deps.deadLetters.depth();
  const letters = await ctx.deps.deadLetters.peek();
  return letters.filter((l) => l.event && canSee(ctx.principal, l.event.store)).length;
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const a = path.split('/');
  if (p.length !== a.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith('{') && seg.endsWith('}')) {
      if (!a[i]) return undefined;
      try {
        params[seg.slice(1, -1)] = decodeURIComponent(a[i]!);
      } catch {
        return undefined;
      }
    } else if (seg !== a[i]) return undefined;
  }
  return params;
}

function parseForm(req: ConsoleRequest): Record<string, string> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!req.body) return {};
  if (type.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(req.body) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string' || typeof v === 'number').map(([k, v]) => [k, String(v)]));
      }
    } catch {
      /* an empty form */
    }
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(req.body)) if (!Object.hasOwn(out, k)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true });
  return out;
}

const secureCookies = (req: ConsoleRequest) => !isLoopbackHost(req.headers.host);

async function principalOf(claims: Record<string, unknown>, deps: ConsoleDeps): Promise<Principal | undefined> {
  const principal = principalFromClaims(claims, deps.stores.map((s) => s.storeId));
  if (!principal) return undefined;
  if (await deps.consoleStore.isRevoked(principal.tokenId)) return undefined;
  return principal;
}

export async function handleConsole(req: ConsoleRequest, deps: ConsoleDeps): Promise<ConsoleResponse> {
  const path = req.path.replace(/\/+$/, '') || '/';
  if (path.startsWith('/console/assets/') && req.method === 'GET') return consoleAsset(path.slice('/console/assets/'.length));
  const api = path === '/console/api' || path.startsWith('/console/api/');
  const secret = await deps.secret();

  if (!api) {
    if (path === '/console/sign-in' && req.method === 'GET') return signInForm(req);
    if (path === '/console/sign-in' && req.method === 'POST') return signIn(req, deps);
    if (path === '/console/sign-in/challenge' && req.method === 'POST') return answerChallenge(req, deps);
  }

  // Who is asking.
  let principal: Principal | undefined;
  let token: string | undefined;
  if (api) {
    principal = req.authorizerClaims ? await principalOf(req.authorizerClaims, deps) : undefined;
    if (!principal) return jsonResponse(401, { error: { code: 'unauthorized', message: 'A valid console access token is required (Authorization: Bearer …).' } });
  } else {
    token = parseCookies(req.cookies, req.headers.cookie)[SESSION_COOKIE];
    const claims = token ? await deps.verify(token).catch(() => undefined) : undefined;
    principal = claims ? await principalOf(claims, deps) : undefined;
    if (!principal) {
      const cookies = token ? [clearCookie(SESSION_COOKIE, secureCookies(req))] : undefined;
      // A browser is sent to sign in; anything else that is not a page view is refused.
      return req.method === 'GET' ? redirect('/console/sign-in', cookies) : { ...htmlResponse(401, 'Sign in first.'), ...(cookies ? { cookies } : {}) };
    }
  }
  const csrf = csrfToken(secret, principal.tokenId);
  const form = req.method === 'POST' ? parseForm(req) : {};
  const base = { api, principal, csrf };

  // Every form the pages post carries the session's CSRF token; the JSON API's bearer token is not sent by browsers on their own.
  if (!api && req.method === 'POST' && !tokensMatch(form.csrf, csrf)) return refuse(base, 403, 'csrf', 'This form expired or did not come from the console. Reload the page and try again.');

  if (!api && path === '/console' && req.method === 'GET') {
    const first = principal.stores[0];
    return first ? redirect(`/console/stores/${encodeURIComponent(first)}/overview`) : refuse(base, 403, 'no_store', 'Your account is allowed no store yet: ask an admin to add it to a store group.');
  }
  if (!api && path === '/console/sign-out' && req.method === 'POST') {
    await deps.consoleStore.revoke(principal.tokenId, principal.expiresAt);
    if (token) await deps.auth.signOut(token).catch((e: unknown) => deps.logger.warn('console sign-out: Cognito did not revoke the tokens', { error: (e as Error)?.name }));
    deps.logger.info('console sign-out', { user: principal.subject });
    return redirect('/console/sign-in', [clearCookie(SESSION_COOKIE, secureCookies(req))]);
  }

  const rel = api ? path.slice('/console/api'.length) : path.slice('/console'.length);
  for (const route of ROUTES) {
    if (route.method !== req.method) continue;
    const params = match(route.path, rel);
    if (!params) continue;
    if (params.store !== undefined) {
      const store = canonicalStoreId(params.store);
      // Another store's page (or a store that does not exist) is refused the same way: no enumeration.
      if (!store || !canSee(principal, store)) return refuse(base, 403, 'forbidden_store', 'You may not see that store.');
      params.store = store;
    }
    if (route.opsOnly && !principal.ops) return refuse(base, 403, 'ops_only', 'Only ops may do this.');
    return route.handler({ req, deps, params, form, principal, csrf, api, token });
  }
  return refuse(base, 404, 'not_found', 'No such page.');
}

function signInForm(req: ConsoleRequest, error?: string, status = 200, username?: string): ConsoleResponse {
  const token = signInCsrfToken();
  return htmlResponse(status, signInPage({ csrf: token, error, username }), { cookies: [serializeCookie(SIGN_IN_CSRF_COOKIE, token, { maxAgeSeconds: 900, secure: secureCookies(req) })] });
}

function signInCsrfOk(req: ConsoleRequest, form: Record<string, string>): boolean {
  return tokensMatch(form.csrf, parseCookies(req.cookies, req.headers.cookie)[SIGN_IN_CSRF_COOKIE]);
}

function sessionStarted(req: ConsoleRequest, accessToken: string, expiresIn: number): ConsoleResponse {
  const secure = secureCookies(req);
  return redirect('/console', [serializeCookie(SESSION_COOKIE, accessToken, { maxAgeSeconds: expiresIn, secure }), clearCookie(SIGN_IN_CSRF_COOKIE, secure)]);
}

const REFUSALS = {
  credentials: 'Wrong username or password.',
  password_policy: 'That password does not meet the policy: 12 characters or more, with upper and lower case letters, a digit and a symbol.',
  code: 'That code is not right or has expired.',
  unsupported: 'This account needs a sign-in step the console does not offer. Ask an admin.',
} as const;

async function signIn(req: ConsoleRequest, deps: ConsoleDeps): Promise<ConsoleResponse> {
  const form = parseForm(req);
  if (!signInCsrfOk(req, form)) return signInForm(req, 'The sign-in form expired. Please try again.', 403);
  const username = (form.username ?? '').trim();
  const password = form.password ?? '';
  if (!username || !password) return signInForm(req, 'Enter your username and password.', 400, username);
  const outcome = await deps.auth.signIn(username, password);
  deps.logger.info('console sign-in', { outcome: outcome.status });
  if (outcome.status === 'signed_in') return sessionStarted(req, outcome.accessToken, outcome.expiresIn);
  if (outcome.status === 'challenge') {
    return htmlResponse(200, challengePage({ csrf: form.csrf!, challenge: outcome.challenge, session: outcome.session, username }));
  }
  return signInForm(req, REFUSALS[outcome.reason], 401, username);
}

async function answerChallenge(req: ConsoleRequest, deps: ConsoleDeps): Promise<ConsoleResponse> {
  const form = parseForm(req);
  if (!signInCsrfOk(req, form)) return signInForm(req, 'The sign-in form expired. Please try again.', 403);
  const challenge = form.challenge === 'NEW_PASSWORD_REQUIRED' || form.challenge === 'SOFTWARE_TOKEN_MFA' ? form.challenge : undefined;
  if (!challenge || !form.session || !form.username || !form.answer) return signInForm(req, 'Please sign in again.', 400);
  const outcome = await deps.auth.respond(challenge, form.username, form.session, form.answer);
  if (outcome.status === 'signed_in') return sessionStarted(req, outcome.accessToken, outcome.expiresIn);
  if (outcome.status === 'challenge') return htmlResponse(200, challengePage({ csrf: form.csrf!, challenge: outcome.challenge, session: outcome.session, username: form.username }));
  return htmlResponse(401, challengePage({ csrf: form.csrf!, challenge, session: form.session, username: form.username, error: REFUSALS[outcome.reason] }));
}
