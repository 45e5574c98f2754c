/**
 * The feedback inbox: low ratings (3 stars or fewer) and every comment, newest first, read from
 * the store's inbox items (no scan), and a reply to the shopper, sent once per order and
 * recorded on its timeline. Review moderation (issue 14) plugs in as a ModerationQueue
 * (deps.ts): its pending reviews show beside the ratings, with approve, reject and reply.
 */
import { keys } from '../../adapters/keys.js';
import { inboxPage } from '../../domain/console/pages/inbox-page.js';
import { firstIssue, moderationDecisionSchema, replyRequestSchema } from '../../domain/console/api.js';
import { escapeHtml } from '../../domain/pages/html.js';
import { htmlResponse, jsonResponse, redirect, refuse, type ConsoleRoute, type Ctx } from './handle.js';
import type { ConsoleResponse } from './deps.js';

async function inbox(ctx: Ctx): Promise<ConsoleResponse> {
  const store = ctx.params.store!;
  const [entries, reviews] = await Promise.all([ctx.deps.consoleStore.inbox(store), ctx.deps.moderation?.pending(store, 50)]);
  if (ctx.api) return jsonResponse(200, { store, feedback: entries, ...(reviews ? { reviews } : {}) });
  return htmlResponse(200, inboxPage({ principal: ctx.principal, csrf: ctx.csrf, store, entries, reviews, notice: ctx.req.query.done }));
}

/** Approve or reject a pending review, or reply to it once: the moderation queue's own rules, with who did it. */
async function moderate(ctx: Ctx): Promise<ConsoleResponse> {
  const moderation = ctx.deps.moderation;
  if (!moderation) return refuse(ctx, 404, 'not_found', 'This deployment collects no product reviews.');
  const { store, reviewId, action } = ctx.params as { store: string; reviewId: string; action: string };
  let outcome: string;
  if (action === 'decide') {
    const parsed = moderationDecisionSchema.safeParse(ctx.form);
    if (!parsed.success) {
      const { field, message } = firstIssue(parsed.error);
      return refuse(ctx, 400, 'invalid_request', `${field}: ${message}`);
    }
    outcome = await moderation.decide(store, reviewId, parsed.data.decision, ctx.principal.username);
  } else if (action === 'reply') {
    const parsed = replyRequestSchema.safeParse(ctx.form);
    if (!parsed.success) {
      const { field, message } = firstIssue(parsed.error);
      return refuse(ctx, 400, 'invalid_request', `${field}: ${message}`);
    }
    outcome = await moderation.reply(store, reviewId, parsed.data.message, ctx.principal.username);
  } else return refuse(ctx, 404, 'not_found', 'No such page.');
  ctx.deps.logger.info('console moderation', { store, reviewId, action, user: ctx.principal.subject, outcome });
  if (outcome === 'not_found') return refuse(ctx, 404, 'not_found', 'No such review in this store.');
  if (outcome !== 'done') return refuse(ctx, 409, outcome, action === 'reply' ? 'This review has a reply already.' : 'This review was decided already.');
  if (ctx.api) return jsonResponse(200, { review: reviewId, [action]: 'done' });
  return redirect(`/console/stores/${encodeURIComponent(store)}/feedback?done=${action === 'reply' ? 'review-reply' : 'review'}`);
}

async function reply(ctx: Ctx): Promise<ConsoleResponse> {
  const { store, orderId } = ctx.params as { store: string; orderId: string };
  const parsed = replyRequestSchema.safeParse(ctx.form);
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    return refuse(ctx, 400, 'invalid_request', `${field}: ${message}`);
  }
  const { message } = parsed.data;
  const loaded = await ctx.deps.orders.load(store, orderId);
  const order = loaded.state.order;
  if (!order || !loaded.feedback) return refuse(ctx, 404, 'not_found', 'No feedback on such an order in this store.');
  if (loaded.suppressed) return refuse(ctx, 409, 'suppressed', 'The address bounced or complained: nothing more is sent to it.');
  const config = ctx.deps.configFor(store)!;
  // One reply per order: the REPLY item is put only if absent, before anything is sent.
  const claimed = await ctx.deps.consoleStore.claimSend(store, orderId, keys.reply, { type: 'reply', kind: 'feedback_reply', by: ctx.principal.username, at: ctx.deps.now().toISOString(), message });
  if (!claimed) return refuse(ctx, 409, 'already_replied', 'This shopper has been replied to already; the reply is on the order\'s timeline.');
  const subject = `Re: your feedback on order ${order.orderName}`;
  const greeting = order.customer.firstName ? `Hello ${order.customer.firstName},` : 'Hello,';
  const text = `${greeting}\n\n${message}\n\n${config.branding.name}`;
  const htmlBody = `<!doctype html><html><body style="font-family:sans-serif"><p>${escapeHtml(greeting)}</p>${message
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('')}<p>${escapeHtml(config.branding.name)}</p></body></html>`;
  const outcome = await ctx.deps.mailer.send({
    from: `${config.branding.name.replace(/["\r\n]/g, '')} <${ctx.deps.sender}>`,
    to: order.customer.email,
    replyTo: config.branding.supportEmail,
    subject,
    html: htmlBody,
    text,
    headers: [],
    tags: { kind: 'feedback_reply', console: 'reply' },
  });
  ctx.deps.logger.info('console reply', { store, orderId, user: ctx.principal.subject, outcome: outcome.status });
  if (outcome.status === 'not_sent') {
    await ctx.deps.consoleStore.releaseSend(store, orderId, keys.reply);
    return refuse(ctx, 503, 'throttled', 'SES is busy and sent nothing: try again in a moment.');
  }
  if (outcome.status === 'sent') {
    await ctx.deps.consoleStore.settleSend(store, orderId, keys.reply, { status: 'sent', messageId: outcome.messageId });
    await ctx.deps.consoleStore.indexMessage(outcome.messageId, store, orderId, keys.reply, 'feedback_reply');
  } else if (outcome.status === 'rejected') await ctx.deps.consoleStore.settleSend(store, orderId, keys.reply, { status: 'skipped', reason: outcome.reason });
  await ctx.deps.consoleStore.markReplied(store, orderId, loaded.feedback.at, ctx.principal.username);
  if (ctx.api) return jsonResponse(200, { reply: await ctx.deps.consoleStore.getSend(store, orderId, keys.reply) });
  return redirect(`/console/stores/${encodeURIComponent(store)}/feedback?done=reply`);
}

export const inboxRoutes: ConsoleRoute[] = [
  { method: 'GET', path: '/stores/{store}/feedback', storeScoped: true, handler: inbox },
  { method: 'POST', path: '/stores/{store}/feedback/{orderId}/reply', storeScoped: true, handler: reply },
  { method: 'POST', path: '/stores/{store}/reviews/{reviewId}/{action}', storeScoped: true, handler: moderate },
];
