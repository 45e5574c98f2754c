/**
 * The pages' own sentences, shaped like the email catalogue (functions/domain/i18n): each
 * language is typed as `PageMessages`, so a missing key fails the build, and every message is
 * plain text that the page renderer escapes. Labels the emails already use (carrier, tracking
 * number, delay reasons, …) come from the email catalogue, so a page and the email that linked
 * to it use the same words.
 */
import type { OrderStatus, TimelineEntry } from '../../order-state.js';

/**
 * The tracking and order lookup pages' sentences, apart from the rest so that a function serving
 * none of them (reviews) does not bundle them: each catalogue's own constant (enTrack, …).
 */
export interface TrackPageMessages {
  track: {
    placedOn: (date: string) => string;
    status: string;
    statuses: Record<OrderStatus, string>;
    /** The reason when the platform gave none we can name (the email catalogue has the rest). */
    delayOther: string;
    cancelledNotice: string;
    timeline: string;
    events: Record<TimelineEntry['type'], string>;
    /** A delay notice we emailed (a missed promise), in the order history. */
    delayNoticeSent: string;
    delayNoticeDetail: (missed: string, next: string) => string;
    shipmentRef: (n: number) => string;
    shipments: string;
    shipmentOf: (n: number, total: number) => string;
    shipmentStatus: string;
    items: string;
    noShipmentsYet: string;
  };
  lookup: {
    title: string;
    intro: string;
    orderNumber: string;
    orderNumberHint: string;
    email: string;
    store: string;
    submit: string;
    notFound: string;
    incomplete: string;
  };
}

export interface PageMessages {
  feedback: {
    title: string;
    ratingLabel: (rating: number) => string;
    recorded: (rating: number, orderName?: string) => string;
    alreadyRecorded: (rating: number, orderName?: string) => string;
    commentLabel: string;
    commentHint: (max: number) => string;
    submit: string;
    commentThanks: string;
    alreadyCommented: string;
    commentEmpty: string;
    commentTooLong: (max: number) => string;
    notRated: string;
  };
  unsubscribe: {
    title: string;
    confirm: (email: string, store: string) => string;
    stillTransactional: string;
    button: string;
    doneTitle: string;
    done: (email: string, store: string) => string;
  };
  errors: {
    forbiddenTitle: string;
    forbidden: string;
    badRequestTitle: string;
    badRating: string;
    notFoundTitle: string;
    notFound: string;
    orderGoneTitle: string;
    orderGone: string;
    serverErrorTitle: string;
    serverError: string;
  };
}
