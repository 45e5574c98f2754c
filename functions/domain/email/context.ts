/** What the workflow hands the renderer, and what it gets back. */
import type { OrderEdit, OrderState, RefundRecord, ShipmentState } from '../order-state.js';
import type { Branding } from '../store-config.js';

/**
 * Every kind of email, with what the rest of the product needs to know about it. One line per
 * kind: a new kind is a line here, a builder in render.ts, its messages in the catalogues and
 * its planning rule (lifecycle.ts, or updates.ts for kinds sent by the update states).
 *
 * - `transactional`: about the order itself; no unsubscribe headers or footer link, never
 *   paused. The rest honour unsubscribes and the reputation pause.
 * - `urgent`: sent at any hour. A kind that is not urgent waits out the shopper's quiet hours;
 *   for update kinds that holds only before delivery, where a waiting state's deadline can carry
 *   the wait (so a non-urgent update kind must be one that only arises before delivery).
 * - `sentBy`: `lifecycle` kinds have a state of their own in the workflow (SendReceipt, …);
 *   `updates` kinds are sent together by the update states whenever one is due (UpdateDue).
 * - `defaultOn`: sent unless the store's `notifications` turns it off (README, "Notifications").
 */
export interface KindSpec {
  readonly transactional: boolean;
  readonly urgent: boolean;
  readonly sentBy: 'lifecycle' | 'updates';
  readonly defaultOn: boolean;
}

export const KIND_SPECS = {
  receipt: { transactional: true, urgent: true, sentBy: 'lifecycle', defaultOn: true },
  shipping_confirmation: { transactional: true, urgent: true, sentBy: 'lifecycle', defaultOn: true },
  delay_notice: { transactional: true, urgent: true, sentBy: 'lifecycle', defaultOn: true },
  feedback_request: { transactional: false, urgent: false, sentBy: 'lifecycle', defaultOn: true },
  feedback_reminder: { transactional: false, urgent: false, sentBy: 'lifecycle', defaultOn: true },
  cancellation: { transactional: true, urgent: true, sentBy: 'lifecycle', defaultOn: true },
  // Update kinds, in the order one batch sends them (issue 13).
  shipping_update: { transactional: true, urgent: false, sentBy: 'updates', defaultOn: true },
  out_for_delivery: { transactional: true, urgent: true, sentBy: 'updates', defaultOn: true },
  delivery_attempt_failed: { transactional: true, urgent: true, sentBy: 'updates', defaultOn: true },
  delivery_exception: { transactional: true, urgent: true, sentBy: 'updates', defaultOn: true },
  delivered: { transactional: true, urgent: true, sentBy: 'updates', defaultOn: true },
  refund: { transactional: true, urgent: true, sentBy: 'updates', defaultOn: true },
  order_edited: { transactional: true, urgent: false, sentBy: 'updates', defaultOn: true },
  pickup_ready: { transactional: true, urgent: false, sentBy: 'updates', defaultOn: true },
  picked_up: { transactional: true, urgent: true, sentBy: 'updates', defaultOn: true },
} as const satisfies Record<string, KindSpec>;

export type EmailKind = keyof typeof KIND_SPECS;

export const EMAIL_KINDS = Object.keys(KIND_SPECS) as [EmailKind, ...EmailKind[]];

/** The kinds the update states send, in the order they send them. */
export const UPDATE_KINDS: readonly EmailKind[] = EMAIL_KINDS.filter((k) => KIND_SPECS[k].sentBy === 'updates');

/**
 * Emails a shopper can opt out of. These carry List-Unsubscribe headers and a footer link;
 * the rest are transactional and must reach the shopper whatever they opted out of.
 */
export const NON_ESSENTIAL_KINDS: ReadonlySet<EmailKind> = new Set<EmailKind>(EMAIL_KINDS.filter((k) => !KIND_SPECS[k].transactional));

export interface DelayNoticeInfo {
  what: 'shipment' | 'delivery';
  /** ISO timestamp of the promise that was missed. */
  missedPromise: string;
  /** ISO timestamp of the new estimate. */
  newEstimate: string;
  reason?: 'backorder' | 'carrier_exception' | 'weather' | 'other';
  /** Free text from the platform, shown as given (escaped). */
  message?: string;
  /** The one late shipment, when the notice is about a single parcel's delivery. */
  shipmentId?: string;
  /** Every shipment the notice covers (one notice per order covers all late parcels). */
  shipmentIds?: string[];
  /** It passes on a platform's delay report (the report is in the order's history already). */
  reported?: boolean;
}

export type FeedbackLinks = Record<1 | 2 | 3 | 4 | 5, string>;

export interface EmailContext {
  kind: EmailKind;
  /** `state.order` must be defined: there is nothing to write about without it. */
  state: OrderState;
  branding: Branding;
  /**
   * BCP 47 tag: the customer's locale or the store default. Text is written in en, de or fr
   * (see `resolveLocale`); numbers and dates keep the region. `pickLocale` chooses it well.
   */
  locale: string;
  /** The shopper's IANA zone when known, else the store's; dates are the shopper's calendar dates. */
  timeZone?: string;
  links: {
    tracking: string;
    /** The unsubscribe page, linked from the footer of non-essential emails. */
    unsubscribe?: string;
    /** RFC 8058 one-click POST target, for the List-Unsubscribe header. */
    unsubscribeOneClick?: string;
    /** One link per star rating; required for feedback_request and feedback_reminder. */
    feedback?: FeedbackLinks;
  };
  /** shipping_confirmation and the shipment update kinds: the shipment this email is about (default: the latest one). */
  shipment?: ShipmentState;
  /**
   * shipping_confirmation: the delivery estimate in force for this shipment, the one the delay
   * notices and the tracking page use (default: the platform's own, if it sent one).
   */
  shipmentEstimate?: string;
  /** shipping_confirmation: the last one says the order is complete (default: whether the state is fully shipped). */
  isFinalShipment?: boolean;
  /** receipt: when it should ship and arrive, ISO (default: the order's own promises). */
  estimates?: { shipBy?: string; deliverBy?: string };
  /** delay_notice: required. */
  delay?: DelayNoticeInfo;
  /** delivered: the feedback request will follow (the order is fully delivered and the shopper may be asked). */
  feedbackFollows?: boolean;
  /** refund: the refund this email is about (default: the latest one). */
  refund?: RefundRecord;
  /** order_edited: the edits the shopper has not heard of, oldest first (default: the latest one). */
  edits?: OrderEdit[];
  /** pickup_ready, picked_up: where and when to collect (the platform's location, else the store's configuration). */
  pickup?: { location?: string; hours?: string; holdDays?: number };
}

export interface RenderedEmail {
  /** Single line, no control characters. */
  subject: string;
  html: string;
  text: string;
  /** Extra headers for the message; values are single-line. */
  headers: { name: string; value: string }[];
}
