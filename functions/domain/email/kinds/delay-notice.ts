import type { Block, EmailDoc, FactRow } from '../document.js';
import { greeting, optional, trackingButton, type Env } from '../parts.js';

export function delayNotice(env: Env): EmailDoc {
  const { order, ctx } = env;
  const d = env.m.delay;
  const delay = ctx.delay;
  if (!delay) throw new Error(`renderEmail: delay_notice for order ${order.orderId} needs ctx.delay`);
  const late = delay.what === 'shipment';
  const newEstimate = env.date(delay.newEstimate);
  const shipment = delay.shipmentId ? ctx.state.shipments.find((s) => s.shipmentId === delay.shipmentId) : undefined;
  const facts: FactRow[] = [
    { label: late ? d.newShipBy : d.newDeliverBy, value: newEstimate },
    ...(shipment?.carrier ? [{ label: env.m.shipping.carrier, value: shipment.carrier }] : []),
    ...(shipment?.trackingNumber ? [{ label: env.m.shipping.trackingNumber, value: shipment.trackingNumber }] : []),
  ];
  const reason = delay.reason && delay.reason !== 'other' ? d.reasons[delay.reason] : undefined;
  const message = delay.message?.trim();
  const blocks: Block[] = [
    { type: 'heading', text: d.heading },
    greeting(env),
    { type: 'paragraph', text: (late ? d.missedShipment : d.missedDelivery)(env.date(delay.missedPromise)) },
    ...optional(reason, (text) => ({ type: 'paragraph', text })),
    ...optional(message, (text) => ({ type: 'quote', label: d.details, text })),
    { type: 'facts', rows: facts },
    { type: 'paragraph', text: d.apology },
    ...trackingButton(env),
  ];
  return { subject: (late ? d.subjectShipment : d.subjectDelivery)(order.orderName), preheader: d.preheader(newEstimate), blocks };
}
