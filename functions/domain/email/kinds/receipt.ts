import { isZero, negated } from '../../i18n/index.js';
import type { Block, EmailDoc, FactRow, SummaryRow } from '../document.js';
import { addressLines, greeting, optional, pricedItems, trackingButton, type Env } from '../parts.js';

function taxLabel(env: Env, title: string, rate: number | undefined): string {
  // Platforms often put the rate in the title already ("MwSt. 19%"); do not say it twice.
  return rate === undefined || title.includes('%') ? title : `${title} (${env.percent(rate)})`;
}

function summary(env: Env): SummaryRow[] {
  const { order } = env;
  const r = env.m.receipt;
  const rows: SummaryRow[] = [{ label: r.subtotal, value: env.money(order.subtotal) }];
  for (const d of order.discounts) {
    const name = d.code ?? d.title;
    rows.push({ label: name ? `${r.discount} (${name})` : r.discount, value: env.money(negated(d.amount)) });
  }
  if (order.shipping) {
    rows.push({
      label: order.shipping.title ? `${r.shipping} (${order.shipping.title})` : r.shipping,
      value: isZero(order.shipping.amount) ? r.free : env.money(order.shipping.amount),
    });
  }
  const taxes: SummaryRow[] = order.taxLines.length
    ? order.taxLines.map((t) => ({ label: taxLabel(env, t.title, t.rate), value: env.money(t.amount) }))
    : isZero(order.taxTotal)
      ? []
      : [{ label: r.tax, value: env.money(order.taxTotal) }];
  const total: SummaryRow = { label: r.total, value: env.money(order.total), emphasis: true };
  // Included taxes are part of the total, so they are shown under it as "incl. …", not added above it.
  if (order.taxesIncluded) rows.push(total, ...taxes.map((t) => ({ ...t, label: r.taxIncluded(t.label) })));
  else rows.push(...taxes, total);
  if (order.paymentStatus !== 'unknown') rows.push({ label: r.payment, value: r.paymentStatus[order.paymentStatus] });
  return rows;
}

export function receipt(env: Env): EmailDoc {
  const { order, ctx } = env;
  const r = env.m.receipt;
  const shipBy = ctx.estimates?.shipBy ?? order.promises.shipBy;
  const deliverBy = ctx.estimates?.deliverBy ?? order.promises.deliverBy;
  const next: FactRow[] = [
    ...(shipBy ? [{ label: r.shipBy, value: env.date(shipBy) }] : []),
    ...(deliverBy ? [{ label: r.deliverBy, value: env.date(deliverBy) }] : []),
  ];
  const address = order.shippingAddress ? addressLines(order.shippingAddress) : [];
  const blocks: Block[] = [
    { type: 'heading', text: r.heading },
    greeting(env),
    { type: 'paragraph', text: r.intro(order.orderName) },
    { type: 'items', title: `${r.itemsTitle} · ${order.orderName}`, items: pricedItems(env) },
    { type: 'summary', rows: summary(env) },
    ...optional(next.length > 0 && next, (rows) => ({ type: 'facts', title: r.nextTitle, rows })),
    ...optional(address.length > 0 && address, (lines) => ({ type: 'address', title: r.shipTo, lines })),
    ...trackingButton(env),
  ];
  return { subject: r.subject(order.orderName), preheader: r.preheader(env.money(order.total)), blocks };
}
