/**
 * The shape every catalogue fills in. en, de and fr are each typed as `Messages`, so a key
 * missing from one of them is a compile error rather than an "undefined" in a shopper's inbox.
 *
 * Messages return plain text: the email renderer escapes everything it writes, so a catalogue
 * can never smuggle markup in, and the same sentence serves the HTML and the text part.
 */
import type { Order } from '../order.js';
import type { ReportedDelay } from '../order-state.js';

export type PaymentStatus = Order['paymentStatus'];
export type DelayReason = ReportedDelay['reason'];

/** Cancellation reason codes platforms send (Shopify's `cancel_reason`) that we can say nicely. */
export type KnownCancelReason = 'customer' | 'inventory' | 'declined';

/**
 * The lines every shopper-facing text shares: greeting, order label, footer, questions. Its own
 * constant per catalogue (enCommon, deCommon, frCommon) so that what needs only these (the page
 * shell, the participation emails) does not bundle the order emails' sentences. The sections the
 * tracking page also shows (receipt, shipping, delay, cancellation) are constants of their own
 * for the same reason (index.ts, trackingMessagesFor).
 */
export interface CommonMessages {
  /** Between a label and its value in running text: ": " in en/de, " : " (no-break) in fr. */
  colon: string;
  greeting: (firstName?: string) => string;
  orderLabel: (orderName: string) => string;
  trackOrder: string;
  viewOrder: string;
  quantity: (n: number) => string;
  each: (price: string) => string;
  itemFallback: (lineItemId: string) => string;
  questions: (supportEmail: string) => string;
  footerWhy: (store: string) => string;
  unsubscribe: string;
  unsubscribeByMail: (supportEmail: string) => string;
}

export interface Messages {
  common: CommonMessages;
  receipt: {
    subject: (orderName: string) => string;
    preheader: (total: string) => string;
    heading: string;
    intro: (orderName: string) => string;
    itemsTitle: string;
    subtotal: string;
    discount: string;
    shipping: string;
    free: string;
    tax: string;
    /** Taxes already inside the prices: "incl. VAT 19 %". */
    taxIncluded: (label: string) => string;
    total: string;
    payment: string;
    paymentStatus: Record<Exclude<PaymentStatus, 'unknown'>, string>;
    shipTo: string;
    nextTitle: string;
    /** Labels for the promised dates, followed by the date. */
    shipBy: string;
    deliverBy: string;
  };
  shipping: {
    subjectFinal: (orderName: string) => string;
    subjectPartial: (orderName: string) => string;
    preheader: (delivery?: string) => string;
    headingFinal: string;
    headingPartial: string;
    intro: (orderName: string) => string;
    complete: string;
    moreToFollow: string;
    inThisShipment: string;
    carrier: string;
    trackingNumber: string;
    trackWithCarrier: (carrier?: string) => string;
    estimatedDelivery: string;
  };
  delay: {
    subjectShipment: (orderName: string) => string;
    subjectDelivery: (orderName: string) => string;
    preheader: (date: string) => string;
    heading: string;
    missedShipment: (date: string) => string;
    missedDelivery: (date: string) => string;
    reasons: Record<Exclude<DelayReason, 'other'>, string>;
    details: string;
    newShipBy: string;
    newDeliverBy: string;
    apology: string;
  };
  feedback: {
    subject: (orderName: string) => string;
    reminderSubject: (orderName: string) => string;
    preheader: string;
    reminderPreheader: string;
    heading: string;
    reminderHeading: string;
    ask: (orderName: string) => string;
    reminderAsk: (orderName: string) => string;
    prompt: string;
    stars: (n: number) => string;
    low: string;
    high: string;
    thanks: (store: string) => string;
  };
  /** The shipment update kinds (issue 13): news about a parcel after its confirmation. */
  parcel: {
    /** Label of the carrier's own words, quoted as given. */
    carrierSays: string;
    whatYouCanDo: string;
    inThisPackage: string;
    outForDelivery: {
      subject: (orderName: string) => string;
      preheader: string;
      heading: string;
      intro: (orderName: string) => string;
      note: string;
    };
    delivered: {
      subject: (orderName: string) => string;
      preheader: (date: string) => string;
      heading: string;
      intro: (orderName: string, date: string) => string;
      /** A split order: what is still to come. */
      stillOnItsWay: string;
      stillOnItsWayNote: string;
      allDelivered: string;
      notReceived: (supportEmail: string) => string;
      feedbackFollows: string;
    };
    attemptFailed: {
      subject: (orderName: string) => string;
      preheader: string;
      heading: string;
      intro: (orderName: string) => string;
      steps: string[];
    };
    exception: {
      subject: (orderName: string) => string;
      preheader: string;
      heading: string;
      intro: (orderName: string) => string;
      steps: (supportEmail: string) => string[];
    };
    shippingUpdate: {
      subject: (orderName: string) => string;
      preheader: string;
      heading: string;
      intro: (orderName: string) => string;
      note: string;
    };
  };
  refund: {
    subject: (orderName: string) => string;
    subjectFull: (orderName: string) => string;
    preheader: (amount: string) => string;
    heading: string;
    intro: (amount: string, orderName: string) => string;
    itemsTitle: string;
    refunded: string;
    method: string;
    newTotal: string;
    closed: string;
    timing: string;
  };
  edited: {
    subject: (orderName: string) => string;
    preheader: (total: string) => string;
    heading: string;
    intro: (orderName: string) => string;
    added: string;
    removed: string;
    previousTotal: string;
    newTotal: string;
    payment: string;
    notYou: (supportEmail: string) => string;
  };
  pickup: {
    readySubject: (orderName: string) => string;
    readyPreheader: string;
    readyHeading: string;
    readyIntro: (orderName: string) => string;
    where: string;
    hours: string;
    bring: (orderName: string) => string;
    hold: (days: number) => string;
    pickedSubject: (orderName: string) => string;
    pickedPreheader: string;
    pickedHeading: string;
    pickedIntro: (orderName: string, date: string) => string;
    notYou: (supportEmail: string) => string;
  };
  cancellation: {
    subject: (orderName: string) => string;
    preheader: string;
    heading: string;
    intro: (orderName: string, placedOn: string) => string;
    reason: string;
    knownReasons: Record<KnownCancelReason, string>;
    refunded: string;
    notCharged: string;
    willRefund: string;
    support: (supportEmail: string) => string;
  };
}
