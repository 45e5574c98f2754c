import { describe, expect, it, vi } from 'vitest';
import { canSee, groupsOf, principalFromClaims } from '../../functions/domain/console/access.js';
import { csrfToken, isLoopbackHost, parseCookies, serializeCookie, tokensMatch } from '../../functions/domain/console/session.js';
import { handleConsole } from '../../functions/services/console/handle.js';
import type { ConsoleDeps, ConsoleRequest } from '../../functions/services/console/deps.js';

const STORES = ['generic-dev', 'acme-dev.myshopify.com'];
const claims = (groups: unknown, extra: Record<string, unknown> = {}) => ({ username: 'm@example.com', jti: 'jti-1', exp: 2_000_000_000, 'cognito:groups': groups, ...extra });

describe('who may see which store', () => {
  it('reads cognito:groups as aws-jwt-verify gives it and as API Gateway flattens it', () => {
    expect(groupsOf(['ops', 'store:a'])).toEqual(['ops', 'store:a']);
    expect(groupsOf('[ops store:a]')).toEqual(['ops', 'store:a']);
    expect(groupsOf('["store:a","store:b"]')).toEqual(['store:a', 'store:b']);
    expect(groupsOf(undefined)).toEqual([]);
  });

  it('allows a merchant only the configured stores named by their groups, in any spelling', () => {
    const p = principalFromClaims(claims(['store:GENERIC-DEV', 'store:unknown-store', 'admins']), STORES)!;
    expect(p.stores).toEqual(['generic-dev']);
    expect(canSee(p, 'Generic-Dev')).toBe(true);
    expect(canSee(p, 'acme-dev.myshopify.com')).toBe(false);
    expect(canSee(p, '__proto__')).toBe(false);
  });

  it('allows ops every configured store, and nobody anything without a group', () => {
    expect(principalFromClaims(claims('[ops]'), STORES)!.stores).toEqual(STORES);
    expect(principalFromClaims(claims(undefined), STORES)!.stores).toEqual([]);
  });

  it('refuses claims without a username, token id or expiry', () => {
    expect(principalFromClaims({ ...claims(['ops']), jti: undefined }, STORES)).toBeUndefined();
    expect(principalFromClaims({ ...claims(['ops']), username: undefined }, STORES)).toBeUndefined();
    expect(principalFromClaims({ ...claims(['ops']), exp: 'soon' }, STORES)).toBeUndefined();
  });
});

describe('the session cookie and CSRF tokens', () => {
  it('is HttpOnly, SameSite=Strict, scoped to /console, and Secure except on a loopback host', () => {
    expect(serializeCookie('pp_console', 'tok', { maxAgeSeconds: 3600, secure: true })).toBe('pp_console=tok; Path=/console; Max-Age=3600; HttpOnly; SameSite=Strict; Secure');
    expect(serializeCookie('pp_console', 'tok', { maxAgeSeconds: 3600, secure: false })).not.toContain('Secure');
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'console.localhost']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['abc.execute-api.eu-west-1.amazonaws.com', 'localhost.example.com', undefined]) expect(isLoopbackHost(host), String(host)).toBe(false);
  });

  it('binds a form token to the session: another session, or another key, gives another token', () => {
    const t = csrfToken('k', 'jti-1');
    expect(tokensMatch(t, csrfToken('k', 'jti-1'))).toBe(true);
    expect(tokensMatch(t, csrfToken('k', 'jti-2'))).toBe(false);
    expect(tokensMatch(t, csrfToken('other', 'jti-1'))).toBe(false);
    expect(tokensMatch(undefined, t)).toBe(false);
  });

  it('parses cookies without letting a name like __proto__ reach the prototype', () => {
    const c = parseCookies(['a=1', '__proto__=x'], 'b=2; a=3');
    expect(c.a).toBe('1');
    expect(c.b).toBe('2');
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
  });
});

describe('console request handling', () => {
  const deps = (overrides: Partial<ConsoleDeps> = {}): ConsoleDeps => {
    const revoked = new Set<string>();
    return {
      stores: STORES.map((storeId) => ({ storeId }) as never),
      configFor: () => undefined,
      verify: vi.fn(async (token: string) => {
        if (token !== 'good') throw new Error('bad token');
        return claims(['store:generic-dev']);
      }),
      auth: { signIn: vi.fn(), respond: vi.fn(), signOut: vi.fn(async () => {}) },
      consoleStore: { isRevoked: async (id: string) => revoked.has(id), revoke: async (id: string) => void revoked.add(id) } as never,
      orders: {} as never,
      mailer: {} as never,
      sender: 'x@example.com',
      secret: async () => 'secret',
      deadLetters: {} as never,
      wake: async () => undefined,
      now: () => new Date('2026-12-01T10:00:00Z'),
      logger: { info: () => {}, warn: () => {} },
      ...overrides,
    };
  };
  const req = (r: Partial<ConsoleRequest>): ConsoleRequest => ({ method: 'GET', path: '/console', query: {}, headers: { host: 'console.example.com' }, ...r });

  it('sends a browser without a session to sign in, and refuses a bare POST', async () => {
    expect((await handleConsole(req({ path: '/console/stores/generic-dev/overview' }), deps())).headers.location).toBe('/console/sign-in');
    expect((await handleConsole(req({ method: 'POST', path: '/console/stores/generic-dev/orders/1/stop' }), deps())).status).toBe(401);
  });

  it('refuses a form without the session\'s CSRF token with 403, and changes nothing', async () => {
    const d = deps({ wake: vi.fn(async () => undefined) });
    const res = await handleConsole(req({ method: 'POST', path: '/console/stores/generic-dev/orders/1/stop', cookies: ['pp_console=good'], headers: { host: 'console.example.com', 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=forged' }), d);
    expect(res.status).toBe(403);
    expect(d.wake).not.toHaveBeenCalled();
  });

  it('refuses another store by URL with 403 (and the same for a store that does not exist)', async () => {
    for (const store of ['acme-dev.myshopify.com', 'no-such-store']) {
      const res = await handleConsole(req({ path: `/console/stores/${encodeURIComponent(store)}/orders/ORDER-1`, cookies: ['pp_console=good'] }), deps());
      expect(res.status, store).toBe(403);
    }
  });

  it('refuses a sign-in form whose CSRF token does not match its cookie, without asking Cognito', async () => {
    const d = deps();
    const res = await handleConsole(req({ method: 'POST', path: '/console/sign-in', cookies: ['pp_console_signin=abc'], headers: { host: 'x', 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=xyz&username=a&password=b' }), d);
    expect(res.status).toBe(403);
    expect(d.auth.signIn).not.toHaveBeenCalled();
  });

  it('signs out: the token is refused afterwards although it has not expired, and the cookie is cleared', async () => {
    const d = deps();
    const csrf = csrfToken('secret', 'jti-1');
    const out = await handleConsole(req({ method: 'POST', path: '/console/sign-out', cookies: ['pp_console=good'], headers: { host: 'console.example.com', 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}` }), d);
    expect(out.status).toBe(303);
    expect(out.cookies?.[0]).toMatch(/^pp_console=; Path=\/console; Max-Age=0; HttpOnly; SameSite=Strict; Secure$/);
    const after = await handleConsole(req({ path: '/console/stores/generic-dev/overview', cookies: ['pp_console=good'] }), d);
    expect(after.headers.location).toBe('/console/sign-in');
  });

  it('answers the JSON API 401 when no authorizer claims came with the request', async () => {
    const res = await handleConsole(req({ path: '/console/api/me' }), deps());
    expect(res.status).toBe(401);
  });
});

describe('the overview against SES thresholds', () => {
  it('states the same alarm thresholds as the reputation alarms that pause non-essential mail', async () => {
    const { SES_THRESHOLDS } = await import('../../functions/services/console/overview.js');
    const monitoring = await import('../../lib/monitoring.js');
    expect(SES_THRESHOLDS.bounceAlarm).toBe(monitoring.SES_BOUNCE_RATE_THRESHOLD);
    expect(SES_THRESHOLDS.complaintAlarm).toBe(monitoring.SES_COMPLAINT_RATE_THRESHOLD);
  });
});

describe('what the console logs of who acted', () => {
  it('names the user by Cognito sub, never by their address', () => {
    const p = principalFromClaims({ ...claims(['ops']), sub: '7d8e-opaque' }, STORES)!;
    expect(p.subject).toBe('7d8e-opaque');
    expect(p.username).toBe('m@example.com');
  });
});
