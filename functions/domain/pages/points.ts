/**
 * What the tracking page shows of taking part: the shopper's points (balance and history) and
 * the merchant's responses to their feedback in the order's history. Kept apart from the review
 * pages (reviews.ts) so that the pages function carries only these few lines of it.
 */
import { formatDate } from '../i18n/index.js';
import type { Language } from '../i18n/locale.js';
import type { PointsCredit } from '../reviews/referrals.js';
import { html, type SafeHtml } from './html.js';
import type { PageContext } from './layout.js';

export const OUTCOMES = ['contacted', 'replaced', 'refunded', 'resolved', 'other'] as const;
export type FeedbackOutcome = (typeof OUTCOMES)[number];

interface PointsText {
  pointsTitle: string;
  pointsBalance: (n: number) => string;
  pointsFor: Record<'review' | 'referral', string>;
  responseEntry: string;
  outcomes: Record<FeedbackOutcome, string>;
}

const text: Record<Language, PointsText> = {
  en: {
    pointsTitle: 'Your points',
    pointsBalance: (n) => `Balance: ${n} points`,
    pointsFor: { review: 'For a review', referral: "For a friend's order" },
    responseEntry: 'The store replied',
    outcomes: { contacted: 'We contacted you', replaced: 'Replacement sent', refunded: 'Refunded', resolved: 'Resolved', other: 'Followed up' },
  },
  de: {
    pointsTitle: 'Ihre Punkte',
    pointsBalance: (n) => `Stand: ${n} Punkte`,
    pointsFor: { review: 'Für eine Bewertung', referral: 'Für eine Empfehlung' },
    responseEntry: 'Antwort des Shops',
    outcomes: { contacted: 'Wir haben Sie kontaktiert', replaced: 'Ersatz verschickt', refunded: 'Erstattet', resolved: 'Gelöst', other: 'Bearbeitet' },
  },
  fr: {
    pointsTitle: 'Vos points',
    pointsBalance: (n) => `Solde : ${n} points`,
    pointsFor: { review: 'Pour un avis', referral: 'Pour la commande d’un proche' },
    responseEntry: 'Réponse de la boutique',
    outcomes: { contacted: 'Nous vous avons contacté', replaced: 'Remplacement envoyé', refunded: 'Remboursé', resolved: 'Résolu', other: 'Traité' },
  },
};

/** The tracking page's points section: balance and history, newest first. */
export function pointsSection(ctx: PageContext, account: { balance: number; history: PointsCredit[] }): SafeHtml {
  const p = text[ctx.language];
  return html`<section class="points" aria-labelledby="points-h">
<h2 id="points-h">${p.pointsTitle}</h2>
<p data-points-balance="${account.balance}">${p.pointsBalance(account.balance)}</p>
${
  account.history.length
    ? html`<ul class="items">${account.history.map(
        (c) => html`<li><time datetime="${c.at}">${formatDate(c.at, ctx.locale, ctx.timeZone)}</time> · ${p.pointsFor[c.source]} · +${c.points}</li>`,
      )}</ul>`
    : ''
}
</section>`;
}

/** A merchant's response to feedback, as an entry of the tracking page's history. */
export function responseEntry(ctx: PageContext, r: { at: string; reply: string; outcome: FeedbackOutcome }, dateTime: (iso: string) => string): SafeHtml {
  const p = text[ctx.language];
  return html`<li class="response"><time datetime="${r.at}">${dateTime(r.at)}</time><br><strong>${p.responseEntry}: ${p.outcomes[r.outcome]}</strong><br><span>${r.reply}</span></li>`;
}
