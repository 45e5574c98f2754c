import { describe, expect, it, vi } from 'vitest';
import { csrfToken } from '../../functions/domain/console/session.js';
import { handleConsole } from '../../functions/services/console/handle.js';
import type { ConsoleDeps, ConsoleRequest, ModerationQueue } from '../../functions/services/console/deps.js';

/** The feedback inbox's slot for review moderation (issue 14), with a queue that records what it is asked. */
function queue(): ModerationQueue & { calls: unknown[] } {
  const calls: unknown[] = [];
  const decided = new Set<string>();
  return {
    calls,
    pending: async () => [{ id: 'R1', rating: 1, title: 'Broken', body: '<script>alert(1)</script> arrived broken', at: '2026-12-01T09:00:00Z' }],
    decide: async (store, id, decision, by) => {
      calls.push({ store, id, decision, by });
      if (id !== 'R1') return 'not_found';
      if (decided.has(id)) return 'already_decided';
      decided.add(id);
      return 'done';
    },
    reply: async (store, id, text, by) => {
      calls.push({ store, id, text, by });
      return 'done';
    },
  };
}

const deps = (moderation?: ModerationQueue): ConsoleDeps => ({
  moderation,
  stores: [{ storeId: 'generic-dev' }, { storeId: 'acme-dev.myshopify.com' }] as never,
  configFor: () => undefined,
  verify: async () => ({ username: 'm@example.com', jti: 'jti-1', exp: 2_000_000_000, 'cognito:groups': ['store:generic-dev'] }),
  auth: {} as never,
  consoleStore: { isRevoked: async () => false, inbox: async () => [] } as never,
  orders: {} as never,
  mailer: {} as never,
  sender: 'x@example.com',
  secret: async () => 'secret',
  deadLetters: {} as never,
  wake: async () => undefined,
  now: () => new Date('2026-12-01T10:00:00Z'),
  logger: { info: () => {}, warn: () => {} },
});
const csrf = csrfToken('secret', 'jti-1');
const post = (path: string, body: string): ConsoleRequest => ({
  method: 'POST', path, query: {}, cookies: ['pp_console=t'], headers: { host: 'console.example.com', 'content-type': 'application/x-www-form-urlencoded' }, body,
});

describe('review moderation in the feedback inbox', () => {
  it('lists the pending reviews with approve, reject and reply forms, their text escaped', async () => {
    const res = await handleConsole({ method: 'GET', path: '/console/stores/generic-dev/feedback', query: {}, cookies: ['pp_console=t'], headers: { host: 'x' } }, deps(queue()));
    expect(res.status).toBe(200);
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; arrived broken');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('action="/console/stores/generic-dev/reviews/R1/decide"');
  });

  it('says reviews are not collected when no queue is configured, and refuses its actions with 404', async () => {
    const page = await handleConsole({ method: 'GET', path: '/console/stores/generic-dev/feedback', query: {}, cookies: ['pp_console=t'], headers: { host: 'x' } }, deps());
    expect(page.body).toContain('not collected by this deployment');
    expect((await handleConsole(post('/console/stores/generic-dev/reviews/R1/decide', `csrf=${csrf}&decision=approve`), deps())).status).toBe(404);
  });

  it('passes who decided, once: a second decision is 409', async () => {
    const q = queue();
    const first = await handleConsole(post('/console/stores/generic-dev/reviews/R1/decide', `csrf=${csrf}&decision=reject`), deps(q));
    expect(first.status).toBe(303);
    expect(q.calls).toEqual([{ store: 'generic-dev', id: 'R1', decision: 'reject', by: 'm@example.com' }]);
    expect((await handleConsole(post('/console/stores/generic-dev/reviews/R1/decide', `csrf=${csrf}&decision=reject`), deps(q))).status).toBe(409);
  });

  it('refuses a bad decision (400), a missing CSRF token (403) and another store (403) without asking the queue', async () => {
    const q = queue();
    expect((await handleConsole(post('/console/stores/generic-dev/reviews/R1/decide', `csrf=${csrf}&decision=delete`), deps(q))).status).toBe(400);
    expect((await handleConsole(post('/console/stores/generic-dev/reviews/R1/decide', 'decision=approve'), deps(q))).status).toBe(403);
    expect((await handleConsole(post('/console/stores/acme-dev.myshopify.com/reviews/R1/decide', `csrf=${csrf}&decision=approve`), deps(q))).status).toBe(403);
    expect(q.calls).toEqual([]);
  });
});
