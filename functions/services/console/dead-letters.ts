/**
 * Dead letters in the console: what waits in the events queue's dead-letter queue (a
 * merchant sees their stores' events, ops every one) and, for ops, a replay of all of them
 * back to the queue with SQS's redrive, as `npm run replay-dead-letters` does. Replaying is
 * safe for every store: routing is idempotent. It moves every message, so it is ops' to do.
 */
import { canSee } from '../../domain/console/access.js';
import { deadLettersPage } from '../../domain/console/pages/dead-letters-page.js';
import { htmlResponse, jsonResponse, redirect, type ConsoleRoute, type Ctx } from './handle.js';
import type { ConsoleResponse } from './deps.js';

async function list(ctx: Ctx): Promise<ConsoleResponse> {
  const letters = (await ctx.deps.deadLetters.peek()).filter((l) => ctx.principal.ops || (l.event && canSee(ctx.principal, l.event.store)));
  const total = ctx.principal.ops ? await ctx.deps.deadLetters.depth() : letters.length;
  if (ctx.api) return jsonResponse(200, { total, shown: letters.length, deadLetters: letters });
  return htmlResponse(200, deadLettersPage({ principal: ctx.principal, csrf: ctx.csrf, letters, total, inspect: ctx.req.query.id, notice: ctx.req.query.done }));
}

async function replay(ctx: Ctx): Promise<ConsoleResponse> {
  const before = await ctx.deps.deadLetters.depth();
  const task = await ctx.deps.deadLetters.replayAll();
  ctx.deps.logger.info('console dead-letter replay', { user: ctx.principal.subject, messages: before, task });
  if (ctx.api) return jsonResponse(202, { replaying: before, taskHandle: task });
  return redirect('/console/dead-letters?done=replay');
}

export const deadLetterRoutes: ConsoleRoute[] = [
  { method: 'GET', path: '/dead-letters', handler: list },
  { method: 'POST', path: '/dead-letters/replay', opsOnly: true, handler: replay },
];
