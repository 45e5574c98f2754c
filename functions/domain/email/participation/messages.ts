/**
 * Sentences of the participation emails (reviews, rewards, referrals, merchant alerts), one
 * catalogue per language, typed so a missing key is a compile error. Plain text: the renderer
 * escapes everything. Kept apart from the lifecycle catalogues (functions/domain/i18n/), which
 * the order workflow's emails use.
 */
export interface ParticipationMessages {
  greeting: (name?: string) => string;
  /** Footer of the emails to the merchant. */
  merchantFooter: (store: string) => string;
  referral: {
    title: string;
    /** "Give a friend your code REF-…: their order earns you {points} points once it arrives." */
    ask: (code: string, points: number) => string;
    link: string;
  };
  points: (balance: number) => string;
  reviewReward: {
    subject: (store: string) => string;
    preheader: string;
    heading: string;
    intro: (orderName: string) => string;
    codeLabel: string;
    /** Why the reward: for taking part, whatever was written. */
    why: string;
  };
  reviewReply: {
    subject: (store: string) => string;
    preheader: string;
    heading: string;
    intro: (product: string) => string;
    yourReview: string;
    reply: (store: string) => string;
    view: string;
  };
  referralReward: {
    subject: (points: number) => string;
    preheader: string;
    heading: string;
    intro: (points: number) => string;
  };
  lowRatingAlert: {
    subject: (rating: number, orderName: string) => string;
    preheader: string;
    heading: string;
    intro: (rating: number, orderName: string) => string;
    comment: string;
    noComment: string;
    customer: string;
    items: string;
    replyToShopper: string;
    recordOutcome: string;
  };
  poolLow: {
    subject: (left: number) => string;
    preheader: string;
    heading: string;
    intro: (left: number) => string;
    upload: string;
  };
}
