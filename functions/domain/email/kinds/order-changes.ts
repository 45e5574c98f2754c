/**
 * Changes to the order itself (issue 13): a refund, with its amount, the refunded items, the
 * method if known and the new order total (a full refund says the order is closed); an edit,
 * with the items added and removed and the new total.
 */
import { isNegative, subtractDecimals, sumDecimals } from '../../webhooks/decimal.js';
import type { Block, EmailDoc, FactRow, ItemRow } from '../document.js';
import { greeting, optional, trackingLink, type Env } from '../parts.js';
import { safeUrl } from '../safe.js';

export function refund(env: Env): EmailDoc {
  const { order, ctx } = env;
  const t = env.m.refund;
  const refunds = ctx.state.refunds ?? [];
  const r = ctx.refund ?? refunds.at(-1);
  if (!r?.amount) throw new Error(`renderEmail: refund for order ${order.orderId} needs ctx.refund with an amount`);
  const money = (amount: string) => (r.currency && r.currency !== order.currency ? `${amount} ${r.currency}` : env.money(amount));
  const amount = money(r.amount);
  // What stands after this refund and those before it (refunds in another currency are not subtracted).
  const upTo = refunds.slice(0, refunds.findIndex((x) => x.id === r.id) + 1 || refunds.length).filter((x) => x.amount && (!x.currency || x.currency === order.currency));
  const left = subtractDecimals(order.total, sumDecimals(upTo.map((x) => x.amount!)));
  const full = ctx.state.refunded === 'full';
  const byId = new Map(order.lineItems.map((li) => [li.id, li]));
  const items: ItemRow[] = r.lineItems.map((li) => {
    const item = byId.get(li.lineItemId);
    return {
      title: item?.title ?? env.m.common.itemFallback(li.lineItemId),
      variant: item?.variant || undefined,
      detail: env.m.common.quantity(li.quantity),
      amount: li.amount ? money(li.amount) : undefined,
      imageUrl: safeUrl(item?.imageUrl),
    };
  });
  const facts: FactRow[] = [
    { label: t.refunded, value: amount },
    ...(r.method?.trim() ? [{ label: t.method, value: r.method.trim() }] : []),
    ...(!full && !isNegative(left) ? [{ label: t.newTotal, value: env.money(left) }] : []),
  ];
  const blocks: Block[] = [
    { type: 'heading', text: t.heading },
    greeting(env),
    { type: 'paragraph', text: t.intro(amount, order.orderName) },
    ...optional(items.length > 0 && items, (rows) => ({ type: 'items', title: t.itemsTitle, items: rows })),
    { type: 'facts', rows: facts },
    ...optional(full && t.closed, (text) => ({ type: 'paragraph', text })),
    { type: 'paragraph', text: t.timing },
    { type: 'paragraph', text: env.m.common.questions(ctx.branding.supportEmail) },
    ...trackingLink(env),
  ];
  return { subject: (full ? t.subjectFull : t.subject)(order.orderName), preheader: t.preheader(amount), blocks };
}

export function orderEdited(env: Env): EmailDoc {
  const { order, ctx } = env;
  const t = env.m.edited;
  const edits = ctx.edits ?? (ctx.state.edits?.length ? [ctx.state.edits.at(-1)!] : []);
  if (!edits.length) throw new Error(`renderEmail: order_edited for order ${order.orderId} needs ctx.edits`);
  const byId = new Map(order.lineItems.map((li) => [li.id, li]));
  const titleOf = (id: string) => byId.get(id)?.title ?? edits.map((e) => e.titles[id]).find(Boolean) ?? env.m.common.itemFallback(id);
  const rows = (key: 'added' | 'removed', sign: string): ItemRow[] => {
    const qty = new Map<string, number>();
    for (const e of edits) for (const c of e[key]) qty.set(c.lineItemId, (qty.get(c.lineItemId) ?? 0) + c.quantity);
    return [...qty].map(([id, n]) => ({
      title: titleOf(id),
      variant: byId.get(id)?.variant || undefined,
      detail: `${sign}${env.m.common.quantity(n)}`,
      imageUrl: safeUrl(byId.get(id)?.imageUrl),
    }));
  };
  const added = rows('added', '+ ');
  const removed = rows('removed', '− ');
  const before = edits[0]!.totalBefore;
  const total = env.money(order.total);
  const blocks: Block[] = [
    { type: 'heading', text: t.heading },
    greeting(env),
    { type: 'paragraph', text: t.intro(order.orderName) },
    ...optional(added.length > 0 && added, (items) => ({ type: 'items', title: t.added, items })),
    ...optional(removed.length > 0 && removed, (items) => ({ type: 'items', title: t.removed, items })),
    {
      type: 'facts',
      rows: [...(before && before !== order.total ? [{ label: t.previousTotal, value: env.money(before) }] : []), { label: t.newTotal, value: total }],
    },
    { type: 'paragraph', text: t.payment },
    { type: 'paragraph', text: t.notYou(ctx.branding.supportEmail) },
    ...trackingLink(env),
  ];
  return { subject: t.subject(order.orderName), preheader: t.preheader(total), blocks };
}
