/**
 * The order as the product knows it: a fold of every domain event stored for the order,
 * ordered by the platform's own timestamps. Recomputing it from the events (a handful per
 * order) on every read makes reordering, duplicates and concurrent writers harmless: there is
 * no projection that a late or racing writer could corrupt.
 */
import type { DomainEvent, Shipment, ShipmentStatus } from './events.js';
import type { Order } from './order.js';

export type OrderStatus = 'awaiting_order' | 'placed' | 'partially_shipped' | 'shipped' | 'delivered' | 'cancelled';

export interface ShipmentState extends Shipment {
  shippedAt: string;
  status: ShipmentStatus | 'created';
  statusAt: string;
  deliveredAt?: string;
  /**
   * Known only from a status or tracking update that arrived before its shipment.created: its
   * line items are not known yet, so it does not count as shipping anything (not the whole
   * order either) until the creation fills it in.
   */
  provisional?: true;
  /**
   * When each status that calls for an email of its own was first reported (platform time).
   * The status itself only moves forward, so a "failure" after "out for delivery" leaves it as it
   * was; this keeps that it was reported (issue 13: every such report reaches the shopper once).
   */
  reported?: Partial<Record<'out_for_delivery' | 'attempted_delivery' | 'failure', string>>;
  /** The last time a tracking-only update changed carrier, number or estimate (platform time). */
  retrackedAt?: string;
}

export interface ReportedDelay {
  /** Event id of the report: one delay notice per report at most. */
  id: string;
  at: string;
  reason: 'backorder' | 'carrier_exception' | 'weather' | 'other';
  message?: string;
  shipmentId?: string;
  newShipBy?: string;
  newDeliverBy?: string;
}

/** One refund as the platform reported it (issue 13: each gets its email). */
export interface RefundRecord {
  id: string;
  at: string;
  amount?: string;
  currency?: string;
  lineItems: Array<{ lineItemId: string; quantity: number; amount?: string }>;
  method?: string;
}

/** One edit of the order's items (issue 13: the shopper hears of it with the new total). */
export interface OrderEdit {
  id: string;
  at: string;
  added: Array<{ lineItemId: string; quantity: number }>;
  removed: Array<{ lineItemId: string; quantity: number }>;
  notify: boolean;
  /** Titles of the items as the order stood before the edit: a removed item may be gone from it since. */
  titles: Record<string, string>;
  /** The order's total before the edit. */
  totalBefore?: string;
  /**
   * Other ids the same edit is known by: the `order.updated` that showed its changed items (an
   * edit told under either id is told). See `order.updated` in applyEvent.
   */
  aliases?: string[];
}

export interface TimelineEntry {
  at: string;
  type:
    | 'placed'
    | 'updated'
    | 'shipped'
    | 'in_transit'
    | 'out_for_delivery'
    | 'attempted_delivery'
    | 'delivered'
    | 'delivery_failure'
    | 'label_printed'
    | 'delayed'
    | 'cancelled'
    | 'refunded'
    | 'edited'
    | 'pickup_ready'
    | 'picked_up'
    | 'tracking_updated';
  shipmentId?: string;
  message?: string;
}

/** A local pickup order (issue 13): when it was ready to collect, and collected. */
export interface PickupState {
  readyAt?: string;
  pickedUpAt?: string;
  location?: string;
  /** The platform's fulfillment for it: not a parcel on its way. */
  shipmentId?: string;
}

export interface OrderState {
  store: string;
  orderId: string;
  /** Undefined while only events that arrived before the order are known. */
  order?: Order;
  status: OrderStatus;
  shipments: ShipmentState[];
  cancelled?: { at: string; reason?: string };
  refunded: 'none' | 'partial' | 'full';
  /** Each refund reported with its amount, in platform time order. */
  refunds?: RefundRecord[];
  /** Each edit of the order's items, in platform time order. */
  edits?: OrderEdit[];
  pickup?: PickupState;
  /** When the order data was last replaced (order.updated or an edit carrying the order). */
  orderUpdatedAt?: string;
  delays: ReportedDelay[];
  timeline: TimelineEntry[];
}

/** A shipment's status only moves forward, whatever order its updates are applied in. */
const shipmentRank: Record<ShipmentState['status'], number> = {
  created: 0,
  label_printed: 1,
  in_transit: 2,
  failure: 2,
  attempted_delivery: 3,
  out_for_delivery: 3,
  delivered: 5,
};

export function emptyState(store: string, orderId: string): OrderState {
  return { store, orderId, status: 'awaiting_order', shipments: [], refunded: 'none', delays: [], timeline: [] };
}

/** Stable order: platform time, then event id, so every reader folds the same way. */
export function sortEvents(events: readonly DomainEvent[]): DomainEvent[] {
  const seen = new Set<string>();
  return [...events]
    .filter((e) => (seen.has(e.eventId) ? false : (seen.add(e.eventId), true)))
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}

export function foldOrder(store: string, orderId: string, events: readonly DomainEvent[]): OrderState {
  let state = emptyState(store, orderId);
  for (const event of sortEvents(events)) state = applyEvent(state, event);
  return { ...state, status: deriveStatus(state) };
}

function applyEvent(state: OrderState, event: DomainEvent): OrderState {
  const at = event.occurredAt;
  switch (event.type) {
    case 'order.placed':
      return {
        ...state,
        // An update that arrived first carries the newer order: keep it.
        order: state.order ?? event.data.order,
        timeline: [...state.timeline, { at: event.data.order.placedAt, type: 'placed' }],
      };
    case 'order.updated': {
      const updated = { ...state, order: event.data.order, orderUpdatedAt: at };
      const change = lineItemChange(state, event.data.order, at);
      if (!change) return updated;
      // The items changed. Edits reported since the order was last known (Shopify's orders/edited
      // before its orders/updated) are this change: the update is known as the last of them. With
      // none, the update is the edit (Shopify signals some edits only by orders/updated).
      const edits = state.edits ?? [];
      const since = ms(state.orderUpdatedAt ?? state.order!.placedAt);
      const pending = edits.findLastIndex((e) => ms(e.at) > since);
      if (pending >= 0) {
        const e = edits[pending]!;
        return { ...updated, edits: edits.map((x, i) => (i === pending ? { ...e, aliases: [...(e.aliases ?? []), event.eventId] } : x)) };
      }
      const titles = Object.fromEntries(state.order!.lineItems.map((li) => [li.id, li.title]));
      const record: OrderEdit = { id: event.eventId, at, ...change, notify: true, titles, totalBefore: state.order!.total };
      return { ...updated, edits: [...edits, record], timeline: [...state.timeline, { at, type: 'edited' }] };
    }
    case 'pickup.ready': {
      const d = event.data;
      if (state.pickup?.readyAt) return state;
      return {
        ...state,
        pickup: { ...state.pickup, readyAt: at, location: d.location, shipmentId: d.shipmentId ?? state.pickup?.shipmentId },
        timeline: [...state.timeline, { at, type: 'pickup_ready' }],
      };
    }
    case 'pickup.completed': {
      if (state.pickup?.pickedUpAt || state.cancelled) return state;
      return {
        ...state,
        pickup: { ...state.pickup, pickedUpAt: at, shipmentId: event.data.shipmentId ?? state.pickup?.shipmentId },
        timeline: [...state.timeline, { at, type: 'picked_up' }],
      };
    }
    case 'order.edited': {
      const d = event.data;
      const titles = Object.fromEntries((state.order?.lineItems ?? []).map((li) => [li.id, li.title]));
      const record: OrderEdit = { id: d.editId ?? event.eventId, at, added: d.added, removed: d.removed, notify: d.notifyCustomer, titles, totalBefore: state.order?.total };
      return {
        ...state,
        ...(d.order ? { order: d.order, orderUpdatedAt: at } : {}),
        edits: [...(state.edits ?? []), record],
        timeline: [...state.timeline, { at, type: 'edited' }],
      };
    }
    case 'order.cancelled':
      if (state.cancelled || isDelivered(state)) return state;
      return {
        ...state,
        cancelled: { at, reason: event.data.reason },
        timeline: [...state.timeline, { at, type: 'cancelled', message: event.data.reason }],
      };
    case 'order.refunded': {
      const d = event.data;
      const refunds = d.amount === undefined ? state.refunds : [
        ...(state.refunds ?? []),
        { id: d.refundId ?? event.eventId, at, amount: d.amount, currency: d.currency, lineItems: d.lineItems ?? [], method: d.method },
      ];
      // Refunds that add up to what was charged refund the order in full, whatever the flag says.
      const full = d.full || state.refunded === 'full' || refundsCover(state.order?.total, refunds);
      return { ...state, refunded: full ? 'full' : 'partial', ...(refunds ? { refunds } : {}), timeline: [...state.timeline, { at, type: 'refunded' }] };
    }
    case 'order.delayed': {
      const { orderId: _o, ...delay } = event.data;
      return {
        ...state,
        delays: [...state.delays, { id: event.eventId, at, ...delay }],
        timeline: [...state.timeline, { at, type: 'delayed', shipmentId: delay.shipmentId, message: delay.message }],
      };
    }
    case 'shipment.created': {
      const existing = state.shipments.find((s) => s.shipmentId === event.data.shipment.shipmentId);
      if (existing) {
        // A status update may have arrived first and created a bare shipment: fill it in.
        return {
          ...state,
          shipments: state.shipments.map((s) =>
            s === existing ? ({ ...event.data.shipment, ...definedOnly(s), lineItems: event.data.shipment.lineItems, shippedAt: at, provisional: undefined } as ShipmentState) : s,
          ),
        };
      }
      return {
        ...state,
        shipments: [...state.shipments, { ...event.data.shipment, shippedAt: at, status: 'created', statusAt: at }],
        timeline: [...state.timeline, { at, type: 'shipped', shipmentId: event.data.shipment.shipmentId }],
      };
    }
    case 'shipment.updated': {
      const d = event.data;
      const status = d.status;
      const current = state.shipments.find((s) => s.shipmentId === d.shipmentId);
      let shipments = state.shipments;
      let timeline = state.timeline;
      let trackingChanged = false;
      if (!current) {
        // Before its shipment.created (with or without a status): a bare shipment that the
        // creation fills in later.
        shipments = [...shipments, { shipmentId: d.shipmentId, lineItems: [], shippedAt: at, status: 'created', statusAt: at, provisional: true }];
        timeline = [...timeline, { at, type: 'shipped', shipmentId: d.shipmentId }];
      }
      shipments = shipments.map((s) => {
        if (s.shipmentId !== d.shipmentId) return s;
        // Details left out stay as they were, except a carrier's link to the old number: a new
        // carrier or number without a URL must not leave the shopper tracking the old parcel.
        const retracked = (d.carrier !== undefined && d.carrier !== s.carrier) || (d.trackingNumber !== undefined && d.trackingNumber !== s.trackingNumber);
        const merged = {
          ...s,
          carrier: d.carrier ?? s.carrier,
          trackingNumber: d.trackingNumber ?? s.trackingNumber,
          trackingUrl: d.trackingUrl ?? (retracked ? undefined : s.trackingUrl),
          estimatedDelivery: d.estimatedDelivery ?? s.estimatedDelivery,
        };
        const changed = merged.carrier !== s.carrier || merged.trackingNumber !== s.trackingNumber || merged.estimatedDelivery !== s.estimatedDelivery;
        // Only a change to a shipment already known counts: the first details are its creation.
        if (changed && current) {
          trackingChanged = true;
          Object.assign(merged, { retrackedAt: at });
        }
        if (status === 'out_for_delivery' || status === 'attempted_delivery' || status === 'failure') {
          if (!s.reported?.[status]) Object.assign(merged, { reported: { ...s.reported, [status]: at } });
        }
        // No status: tracking details only. Status only moves forward: a late "in transit"
        // after "delivered" changes nothing.
        if (status === undefined || shipmentRank[status] < shipmentRank[s.status]) return merged;
        return { ...merged, status, statusAt: at, deliveredAt: status === 'delivered' ? at : s.deliveredAt };
      });
      // A tracking-only update that changed something is an entry (the shipping_update email
      // says the same); one that repeats what was known is not.
      // (Not once delivered: a number corrected afterwards is no news to the shopper.)
      if (status === undefined && trackingChanged && current?.status !== 'delivered') {
        timeline = [...timeline, { at, type: 'tracking_updated', shipmentId: d.shipmentId }];
      }
      if (status !== undefined) {
        const moved = !current || shipmentRank[status] >= shipmentRank[current.status];
        const type = status === 'failure' ? 'delivery_failure' : status;
        // A status the shopper gets an email about is in the history when first reported, even
        // if it does not move the status on (an exception after "out for delivery").
        const firstReport = (status === 'out_for_delivery' || status === 'attempted_delivery' || status === 'failure') && !current?.reported?.[status] && current?.status !== 'delivered';
        if ((moved && !(current?.status === status)) || firstReport) timeline = [...timeline, { at, type, shipmentId: d.shipmentId, message: d.message }];
      }
      return { ...state, shipments, timeline };
    }
  }
}

/** Whether refunds with amounts add up to the order's total (same currency assumed when none is named). */
const ms = (iso: string) => Date.parse(iso);

/**
 * How an order's items changed from the order as last known to `next` (line item ids and
 * quantities); undefined if they did not. Items a refund since took back are not an edit
 * (Shopify lowers their current quantity too), nor is an order not known before.
 */
function lineItemChange(state: OrderState, next: Order, at: string): Pick<OrderEdit, 'added' | 'removed'> | undefined {
  const before = state.order;
  if (!before) return undefined;
  const since = ms(state.orderUpdatedAt ?? before.placedAt);
  const refunded = new Map<string, number>();
  for (const r of state.refunds ?? []) if (ms(r.at) > since && ms(r.at) <= ms(at)) for (const li of r.lineItems) refunded.set(li.lineItemId, (refunded.get(li.lineItemId) ?? 0) + li.quantity);
  const quantities = (o: Order) => {
    const m = new Map<string, number>();
    for (const li of o.lineItems) m.set(li.id, (m.get(li.id) ?? 0) + li.quantity);
    return m;
  };
  const was = quantities(before);
  const now = quantities(next);
  const added = [...now].filter(([id, q]) => q > (was.get(id) ?? 0)).map(([lineItemId, q]) => ({ lineItemId, quantity: q - (was.get(lineItemId) ?? 0) }));
  const removed = [...was]
    .map(([lineItemId, q]) => ({ lineItemId, quantity: q - (now.get(lineItemId) ?? 0) - (refunded.get(lineItemId) ?? 0) }))
    .filter((c) => c.quantity > 0);
  return added.length || removed.length ? { added, removed } : undefined;
}

function refundsCover(total: string | undefined, refunds: readonly RefundRecord[] | undefined): boolean {
  if (!total || !refunds?.length || Number(total) <= 0) return false;
  return refunds.reduce((sum, r) => sum + Number(r.amount ?? 0), 0) >= Number(total) - 1e-9;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Quantity of each line item that has shipped so far. */
export function shippedQuantities(state: OrderState): Map<string, number> {
  const shipped = new Map<string, number>();
  for (const s of state.shipments) for (const li of s.lineItems) shipped.set(li.lineItemId, (shipped.get(li.lineItemId) ?? 0) + li.quantity);
  return shipped;
}

/**
 * Everything has shipped when every line item's quantity is covered. A shipment that lists no
 * line items (some platforms report tracking only) counts as shipping the whole order; a
 * provisional one (an update that came before its creation) counts for nothing yet, else a
 * reordered webhook could end the wait for delivery before the other parcels have shipped.
 */
export function isFullyShipped(state: OrderState): boolean {
  // A collected pickup order is complete; one ready to collect has nothing more to ship.
  if (state.pickup?.pickedUpAt) return true;
  const known = state.shipments.filter((s) => !s.provisional && !isPickupShipment(state, s));
  if (known.length === 0) return false;
  if (!state.order || known.some((s) => s.lineItems.length === 0)) return true;
  const shipped = shippedQuantities(state);
  return state.order.lineItems.every((li) => (shipped.get(li.id) ?? 0) >= li.quantity);
}

export function isDelivered(state: OrderState): boolean {
  if (state.pickup?.pickedUpAt) return true;
  return isFullyShipped(state) && state.shipments.every((s) => s.status === 'delivered');
}

/** The platform's fulfillment of a pickup order: collected at the store, never a parcel on its way. */
export function isPickupShipment(state: OrderState, s: Pick<ShipmentState, 'shipmentId'>): boolean {
  // An order placed for pickup: every fulfillment is collected, even before it is ready.
  if (state.order?.deliveryMethod === 'pickup') return true;
  return !!state.pickup?.shipmentId && state.pickup.shipmentId === s.shipmentId;
}

function deriveStatus(state: OrderState): OrderStatus {
  if (state.cancelled) return 'cancelled';
  if (!state.order) return 'awaiting_order';
  if (isDelivered(state)) return 'delivered';
  if (isFullyShipped(state)) return 'shipped';
  if (state.shipments.some((s) => !isPickupShipment(state, s))) return 'partially_shipped';
  return 'placed';
}
