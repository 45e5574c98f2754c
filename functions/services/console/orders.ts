/**
 * Orders in the console: search by order number or shopper email, the order's page (its
 * timeline, every email as sent with its SES message id and delivery events, the workflow's
 * state) and two actions: resend one email, stop the order's pending mail.
 *
 * A resend is a new, explicit send, never a second claim on the ledger line: it is its own
 * item (`RESEND#<request id>`, put only if absent, so a form posted twice sends once), it sends
 * the copy kept when the email first went out, and it is recorded with who asked for it. The
 * ledger, and with it the exactly-once guarantee of the automatic emails, is not touched.
 */
import { randomUUID } from 'node:crypto';
import { keys } from '../../adapters/keys.js';
import { describePosition } from '../../domain/walk.js';
import { NON_ESSENTIAL_KINDS } from '../../domain/email/context.js';
import { firstIssue, resendRequestSchema } from '../../domain/console/api.js';
import { orderDetailPage, orderSearchPage, type OrderDetail } from '../../domain/console/pages/order-pages.js';
import { htmlResponse, jsonResponse, redirect, refuse, type ConsoleRoute, type Ctx } from './handle.js';
import type { ConsoleResponse } from './deps.js';

const orderUrl = (store: string, orderId: string) => `/console/stores/${encodeURIComponent(store)}/orders/${encodeURIComponent(orderId)}`;

/** Order ids matching a search: an email address (canonical: trimmed, lower case), an order number, or an order id. */
export async function searchOrders(ctx: Pick<Ctx, 'deps'>, store: string, q: string): Promise<string[]> {
  const query = q.trim();
  if (!query) return [];
  if (query.includes('@')) return ctx.deps.consoleStore.ordersByEmail(store, query.toLowerCase());
  const byName = await ctx.deps.consoleStore.ordersByName(store, query);
  if (byName.length) return byName;
  return (await ctx.deps.consoleStore.orderExists(store, query)) ? [query] : [];
}

async function loadDetail(ctx: Ctx, store: string, orderId: string): Promise<OrderDetail | undefined> {
  const [loaded, own] = await Promise.all([ctx.deps.orders.load(store, orderId), ctx.deps.consoleStore.orderItems(store, orderId)]);
  if (!loaded.state.order && loaded.events.length === 0) return undefined;
  return { store, orderId, loaded, sends: own.sends, stopped: own.stopped ?? loaded.stopped };
}

async function detail(ctx: Ctx): Promise<ConsoleResponse> {
  const { store, orderId } = ctx.params as { store: string; orderId: string };
  const d = await loadDetail(ctx, store, orderId);
  if (!d) return refuse(ctx, 404, 'not_found', 'No such order in this store.');
  if (ctx.api) {
    const o = d.loaded;
    return jsonResponse(200, {
      store,
      orderId,
      status: o.state.status,
      orderName: o.state.order?.orderName,
      email: o.state.order?.customer.email,
      timeline: o.state.timeline,
      emails: o.ledger.map(({ kind, ref, status, messageId, sentAt, claimedAt, reason }) => ({ kind, ref, status, messageId, sentAt, claimedAt, reason, ...deliveryOf(o.ledger, kind, ref) })),
      consoleSends: d.sends.map(({ sk: _sk, ...s }) => s),
      workflow: { waiting: o.position && o.position.state !== 'END' ? o.position.state : null, position: describePosition(o.position), transitions: o.position?.history ?? [], stopped: d.stopped ?? null },
    });
  }
  const show = ctx.req.query.email && ctx.req.query.ref ? { kind: ctx.req.query.email, ref: ctx.req.query.ref } : undefined;
  return htmlResponse(200, orderDetailPage({ principal: ctx.principal, csrf: ctx.csrf, detail: d, requestId: randomUUID(), notice: ctx.req.query.done, show }));
}

function deliveryOf(ledger: readonly unknown[], kind: string, ref: string) {
  const line = ledger.find((l) => (l as { kind: string }).kind === kind && (l as { ref: string }).ref === ref) as { deliveryStatus?: string; deliveryEvents?: unknown[] } | undefined;
  return { deliveryStatus: line?.deliveryStatus, deliveryEvents: line?.deliveryEvents ?? [] };
}

/** The email as it was sent, as its own document (framed, sandboxed, by the order page). */
async function emailAsSent(ctx: Ctx): Promise<ConsoleResponse> {
  const { store, orderId, kind, ref } = ctx.params as Record<string, string>;
  const content = ref!.startsWith('RESEND#') ? undefined : await ctx.deps.consoleStore.ledgerContent(store!, orderId!, kind!, ref!);
  if (!content) return refuse(ctx, 404, 'no_copy', 'No copy of this email was kept (it was sent before the console kept copies, or its sender stopped between sending and keeping it).');
  const text = ctx.req.query.part === 'text';
  return {
    status: 200,
    headers: {
      'content-type': text ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8',
      // The email's own markup runs nothing: no scripts, no forms, no navigation; only the console may frame it.
      'content-security-policy': "sandbox; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
    body: text ? content.text : content.html,
  };
}

async function resend(ctx: Ctx): Promise<ConsoleResponse> {
  const { store, orderId } = ctx.params as { store: string; orderId: string };
  const parsed = resendRequestSchema.safeParse(ctx.form);
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    return refuse(ctx, 400, 'invalid_request', `${field}: ${message}`);
  }
  const { kind, ref, requestId } = parsed.data;
  const loaded = await ctx.deps.orders.load(store, orderId);
  const order = loaded.state.order;
  if (!order) return refuse(ctx, 404, 'not_found', 'No such order in this store.');
  const line = loaded.ledger.find((l) => l.kind === kind && l.ref === ref);
  if (!line || line.status !== 'sent') return refuse(ctx, 409, 'not_sent', 'Only an email that was sent can be resent.');
  if (loaded.suppressed) return refuse(ctx, 409, 'suppressed', 'The address bounced or complained: nothing more is sent to it.');
  if (loaded.unsubscribed && NON_ESSENTIAL_KINDS.has(line.kind)) return refuse(ctx, 409, 'unsubscribed', 'The shopper unsubscribed from this kind of email.');
  const content = await ctx.deps.consoleStore.ledgerContent(store, orderId, kind, ref);
  if (!content) return refuse(ctx, 409, 'no_copy', 'No copy of this email was kept, so it cannot be resent as sent.');
  const sk = keys.resend(requestId);
  const claimed = await ctx.deps.consoleStore.claimSend(store, orderId, sk, { type: 'resend', kind, ref, by: ctx.principal.username, at: ctx.deps.now().toISOString() });
  if (!claimed) return done(ctx, store, orderId, 'resend', await ctx.deps.consoleStore.getSend(store, orderId, sk));
  const config = ctx.deps.configFor(store)!;
  const outcome = await ctx.deps.mailer.send({
    from: `${config.branding.name.replace(/["\r\n]/g, '')} <${ctx.deps.sender}>`,
    to: order.customer.email,
    replyTo: config.branding.supportEmail,
    subject: content.subject,
    html: content.html,
    text: content.text,
    headers: content.headers ?? [],
    tags: { kind: line.kind, console: 'resend' },
  });
  ctx.deps.logger.info('console resend', { store, orderId, kind, ref, user: ctx.principal.subject, outcome: outcome.status });
  switch (outcome.status) {
    case 'sent':
      await ctx.deps.consoleStore.settleSend(store, orderId, sk, { status: 'sent', messageId: outcome.messageId });
      await ctx.deps.consoleStore.indexMessage(outcome.messageId, store, orderId, sk, kind);
      await ctx.deps.orders.stats.add(store, ctx.deps.now().toISOString().slice(0, 10), { 'resent.total': 1 });
      break;
    case 'rejected':
      await ctx.deps.consoleStore.settleSend(store, orderId, sk, { status: 'skipped', reason: outcome.reason });
      break;
    case 'not_sent':
      await ctx.deps.consoleStore.releaseSend(store, orderId, sk);
      return refuse(ctx, 503, 'throttled', 'SES is busy and sent nothing: try again in a moment.');
    case 'unknown':
      // Left claimed: SES may have accepted it. The timeline shows it as unconfirmed.
      break;
  }
  return done(ctx, store, orderId, 'resend', await ctx.deps.consoleStore.getSend(store, orderId, sk));
}

function done(ctx: Ctx, store: string, orderId: string, what: string, result: unknown): ConsoleResponse {
  if (ctx.api) return jsonResponse(200, { [what]: result });
  return redirect(`${orderUrl(store, orderId)}?done=${what}#timeline`);
}

async function stop(ctx: Ctx): Promise<ConsoleResponse> {
  const { store, orderId } = ctx.params as { store: string; orderId: string };
  if (!(await ctx.deps.consoleStore.orderExists(store, orderId))) return refuse(ctx, 404, 'not_found', 'No such order in this store.');
  const first = await ctx.deps.consoleStore.stop(store, orderId, ctx.principal.username);
  ctx.deps.logger.info('console stop', { store, orderId, user: ctx.principal.subject, first });
  // The waiting state ends now rather than at its deadline (notify would send nothing anyway).
  await ctx.deps.wake(store, orderId).catch((e: unknown) => ctx.deps.logger.warn('console stop: waking the workflow failed; it ends at its deadline', { error: (e as Error)?.name }));
  return done(ctx, store, orderId, 'stop', { stopped: true, first });
}

async function search(ctx: Ctx): Promise<ConsoleResponse> {
  const store = ctx.params.store!;
  const q = ctx.req.query.q ?? '';
  const ids = q ? await searchOrders(ctx, store, q) : [];
  if (!ctx.api && ids.length === 1) return redirect(orderUrl(store, ids[0]!));
  const found = await Promise.all(ids.slice(0, 20).map(async (id) => {
    const o = await ctx.deps.orders.load(store, id);
    return { orderId: id, orderName: o.state.order?.orderName, placedAt: o.state.order?.placedAt, status: o.state.status };
  }));
  if (ctx.api) return jsonResponse(200, { query: q, orders: found });
  return htmlResponse(200, orderSearchPage({ principal: ctx.principal, csrf: ctx.csrf, store, q, searched: !!q, found }));
}

export const orderRoutes: ConsoleRoute[] = [
  { method: 'GET', path: '/stores/{store}/orders', storeScoped: true, handler: search },
  { method: 'GET', path: '/stores/{store}/orders/{orderId}', storeScoped: true, handler: detail },
  { method: 'GET', path: '/stores/{store}/orders/{orderId}/emails/{kind}/{ref}', storeScoped: true, handler: emailAsSent },
  { method: 'POST', path: '/stores/{store}/orders/{orderId}/resend', storeScoped: true, handler: resend },
  { method: 'POST', path: '/stores/{store}/orders/{orderId}/stop', storeScoped: true, handler: stop },
];

