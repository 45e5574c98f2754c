import type { ParticipationMessages } from './messages.js';

export const en: ParticipationMessages = {
  greeting: (name) => (name ? `Hi ${name},` : 'Hello,'),
  merchantFooter: (store) => `Sent to the support address of ${store} by postpurchase.`,
  referral: {
    title: 'Share it with a friend',
    ask: (code, points) => `Give a friend your code ${code}: when their order arrives, you get ${points} points.`,
    link: 'Your referral link',
  },
  points: (balance) => `Your points: ${balance}.`,
  reviewReward: {
    subject: (store) => `Thank you for your review: a gift from ${store}`,
    preheader: 'Your discount code is inside.',
    heading: 'Thank you for your review',
    intro: (order) => `Thank you for taking the time to review your order ${order}. Here is a discount code for your next order.`,
    codeLabel: 'Your discount code',
    why: 'Every review earns this thank-you, whatever it says.',
  },
  reviewReply: {
    subject: (store) => `${store} replied to your review`,
    preheader: 'Read the reply under your review.',
    heading: 'You have a reply',
    intro: (product) => `The store replied to your review of ${product}.`,
    yourReview: 'Your review',
    reply: (store) => `${store} replied`,
    view: 'See the reviews',
  },
  referralReward: {
    subject: (points) => `Your friend's order arrived: ${points} points for you`,
    preheader: 'Thank you for recommending us.',
    heading: 'Thank you for recommending us',
    intro: (points) => `A friend ordered with your referral code, and their order has arrived. You get ${points} points.`,
  },
  lowRatingAlert: {
    subject: (rating, order) => `Low rating (${rating}/5) for order ${order}`,
    preheader: 'A shopper is unhappy: please follow up.',
    heading: 'A shopper is unhappy',
    intro: (rating, order) => `Order ${order} was rated ${rating} out of 5. Please get in touch with the shopper and record what was done.`,
    comment: 'Comment',
    noComment: 'No comment (yet).',
    customer: 'Shopper',
    items: 'Items',
    replyToShopper: 'Reply to the shopper',
    recordOutcome: 'Record the reply and outcome: POST /stores/{store}/orders/{orderId}/feedback-responses',
  },
  poolLow: {
    subject: (left) => `Review reward codes running low: ${left} left`,
    preheader: 'Upload more codes so reviewers keep getting their thank-you.',
    heading: 'Reward codes are running low',
    intro: (left) => `${left} discount codes are left for review rewards. Without codes, reviewers get no reward email.`,
    upload: 'Upload more: POST /stores/{store}/reward-codes',
  },
};
