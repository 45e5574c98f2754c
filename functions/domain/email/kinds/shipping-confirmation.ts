import { isFullyShipped } from '../../order-state.js';
import type { Block, EmailDoc, FactRow } from '../document.js';
import { greeting, linkBlock, optional, shipmentItems, trackingButton, type Env } from '../parts.js';

export function shippingConfirmation(env: Env): EmailDoc {
  const { order, ctx } = env;
  const s = env.m.shipping;
  const shipment = ctx.shipment ?? ctx.state.shipments.at(-1);
  if (!shipment) throw new Error(`renderEmail: shipping_confirmation for order ${order.orderId} needs ctx.shipment (the state has no shipments)`);
  const final = ctx.isFinalShipment ?? isFullyShipped(ctx.state);
  // The estimate in force, computed when the platform gives none: the same date a later delay
  // notice says was missed.
  const estimate = ctx.shipmentEstimate ?? shipment.estimatedDelivery;
  const delivery = estimate ? env.date(estimate) : undefined;
  const facts: FactRow[] = [
    ...(shipment.carrier ? [{ label: s.carrier, value: shipment.carrier }] : []),
    ...(shipment.trackingNumber ? [{ label: s.trackingNumber, value: shipment.trackingNumber }] : []),
    ...(delivery ? [{ label: s.estimatedDelivery, value: delivery }] : []),
  ];
  const blocks: Block[] = [
    { type: 'heading', text: final ? s.headingFinal : s.headingPartial },
    greeting(env),
    { type: 'paragraph', text: s.intro(order.orderName) },
    { type: 'items', title: s.inThisShipment, items: shipmentItems(env, shipment) },
    ...optional(facts.length > 0 && facts, (rows) => ({ type: 'facts', rows })),
    ...linkBlock(s.trackWithCarrier(shipment.carrier), shipment.trackingUrl),
    { type: 'paragraph', text: final ? s.complete : s.moreToFollow },
    ...trackingButton(env),
  ];
  return {
    subject: (final ? s.subjectFinal : s.subjectPartial)(order.orderName),
    preheader: s.preheader(delivery),
    blocks,
  };
}
