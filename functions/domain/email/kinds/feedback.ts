import type { Block, EmailDoc, RatingOption } from '../document.js';
import { safeUrl } from '../safe.js';
import { endSentence, greeting, orderedItems, trackingLink, type Env } from '../parts.js';

const SCORES = [1, 2, 3, 4, 5] as const;

/** The feedback request, or its one reminder: the same ask, worded as a nudge the second time. */
export function feedback(env: Env, reminder: boolean): EmailDoc {
  const { order, ctx } = env;
  const f = env.m.feedback;
  const links = ctx.links.feedback;
  if (!links) throw new Error(`renderEmail: ${ctx.kind} for order ${order.orderId} needs links.feedback (one link per star)`);
  const options: RatingOption[] = SCORES.map((score) => ({ score, label: f.stars(score), href: safeUrl(links[score]) }));
  const blocks: Block[] = [
    { type: 'heading', text: reminder ? f.reminderHeading : f.heading },
    greeting(env),
    { type: 'paragraph', text: (reminder ? f.reminderAsk : f.ask)(order.orderName) },
    { type: 'rating', prompt: f.prompt, low: f.low, high: f.high, options },
    { type: 'items', title: env.m.common.orderLabel(order.orderName), items: orderedItems(env) },
    { type: 'paragraph', text: endSentence(f.thanks(ctx.branding.name)) },
    ...trackingLink(env),
  ];
  return {
    subject: (reminder ? f.reminderSubject : f.subject)(order.orderName),
    preheader: reminder ? f.reminderPreheader : f.preheader,
    blocks,
  };
}
