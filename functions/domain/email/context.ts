/** What the workflow hands the renderer, and what it gets back. */
import type { OrderState, ShipmentState } from '../order-state.js';
import type { Branding } from '../store-config.js';

export type EmailKind = 'receipt' | 'shipping_confirmation' | 'delay_notice' | 'feedback_request' | 'feedback_reminder' | 'cancellation';

export const EMAIL_KINDS: readonly EmailKind[] = [
  'receipt',
  'shipping_confirmation',
  'delay_notice',
  'feedback_request',
  'feedback_reminder',
  'cancellation',
];

/**
 * Emails a shopper can opt out of. These carry List-Unsubscribe headers and a footer link;
 * the rest are transactional and must reach the shopper whatever they opted out of.
 */
export const NON_ESSENTIAL_KINDS: ReadonlySet<EmailKind> = new Set<EmailKind>(['feedback_request', 'feedback_reminder']);

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
  /** shipping_confirmation: the shipment this email is about (default: the latest one). */
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
}

export interface RenderedEmail {
  /** Single line, no control characters. */
  subject: string;
  html: string;
  text: string;
  /** Extra headers for the message; values are single-line. */
  headers: { name: string; value: string }[];
}
