/**
 * Renders the participation emails with the same document model, HTML and text renderers and
 * frame as the workflow's emails (so escaping, dark mode and the footer are the same code).
 */
import { commonMessagesFor, formattingLocale, resolveLocale } from '../../i18n/index.js';
import type { Order } from '../../order.js';
import type { Branding } from '../../store-config.js';
import type { RenderedEmail } from '../context.js';
import { brandingFrame, type Block, type EmailDoc, type Frame } from '../document.js';
import { renderHtml } from '../html-part.js';
import { headerText, plainEmail, safeUrl, type SafeUrl } from '../safe.js';
import { renderText } from '../text-part.js';
import { de } from './de.js';
import { en } from './en.js';
import { fr } from './fr.js';
import { MERCHANT_KINDS, type ParticipationKind } from './kinds.js';
import type { ParticipationMessages } from './messages.js';

const catalogues = { en, de, fr } as const;

export interface ReferralInfo {
  code: string;
  link: string;
  pointsPerReferral: number;
}

export type ParticipationEmail =
  | { kind: 'review_reward'; order: Order; code: string; referral: ReferralInfo; balance: number; trackingUrl?: string }
  | { kind: 'review_reply'; order: Order; product: string; review: { title: string; text: string }; reply: string; reviewsUrl: string }
  | { kind: 'referral_reward'; name?: string; points: number; balance: number; referral: ReferralInfo }
  | { kind: 'low_rating_alert'; order: Order; rating: number; comment?: string; trackingUrl?: string }
  | { kind: 'reward_pool_low'; left: number };

export interface ParticipationContext {
  branding: Branding;
  /** The recipient's language tag (the shopper's locale; the store default for merchant mail). */
  locale: string;
}

function referralBlocks(m: ParticipationMessages, r: ReferralInfo): Block[] {
  const href = safeUrl(r.link);
  return [
    { type: 'heading', text: m.referral.title },
    { type: 'paragraph', text: m.referral.ask(r.code, r.pointsPerReferral) },
    ...(href ? [{ type: 'link' as const, label: m.referral.link, href }] : []),
  ];
}

function build(e: ParticipationEmail, m: ParticipationMessages, store: string, viewOrder: string): EmailDoc {
  switch (e.kind) {
    case 'review_reward': {
      const t = m.reviewReward;
      const tracking = safeUrl(e.trackingUrl);
      return {
        subject: t.subject(store),
        preheader: t.preheader,
        blocks: [
          { type: 'heading', text: t.heading },
          { type: 'paragraph', text: m.greeting(e.order.customer.firstName?.trim() || undefined) },
          { type: 'paragraph', text: t.intro(e.order.orderName) },
          { type: 'facts', rows: [{ label: t.codeLabel, value: e.code }] },
          { type: 'paragraph', text: t.why, muted: true },
          ...referralBlocks(m, e.referral),
          { type: 'paragraph', text: m.points(e.balance) },
          ...(tracking ? [{ type: 'link' as const, label: viewOrder, href: tracking }] : []),
        ],
      };
    }
    case 'review_reply': {
      const t = m.reviewReply;
      const view = safeUrl(e.reviewsUrl);
      return {
        subject: t.subject(store),
        preheader: t.preheader,
        blocks: [
          { type: 'heading', text: t.heading },
          { type: 'paragraph', text: m.greeting(e.order.customer.firstName?.trim() || undefined) },
          { type: 'paragraph', text: t.intro(e.product) },
          { type: 'quote', label: t.yourReview, text: `${e.review.title}\n${e.review.text}` },
          { type: 'quote', label: t.reply(store), text: e.reply },
          ...(view ? [{ type: 'button' as const, label: t.view, href: view }] : []),
        ],
      };
    }
    case 'referral_reward': {
      const t = m.referralReward;
      return {
        subject: t.subject(e.points),
        preheader: t.preheader,
        blocks: [
          { type: 'heading', text: t.heading },
          { type: 'paragraph', text: m.greeting(e.name) },
          { type: 'paragraph', text: t.intro(e.points) },
          { type: 'paragraph', text: m.points(e.balance) },
          ...referralBlocks(m, e.referral),
        ],
      };
    }
    case 'low_rating_alert': {
      const t = m.lowRatingAlert;
      const o = e.order;
      const shopper = plainEmail(o.customer.email);
      // safeUrl admits only http(s); a mailto built from a checked plain address and an encoded subject is as safe.
      const mailto = shopper ? (`mailto:${shopper}?subject=${encodeURIComponent(o.orderName)}` as SafeUrl) : undefined;
      const tracking = safeUrl(e.trackingUrl);
      const name = [o.customer.firstName, o.customer.lastName].filter(Boolean).join(' ');
      return {
        subject: t.subject(e.rating, o.orderName),
        preheader: t.preheader,
        blocks: [
          { type: 'heading', text: t.heading },
          { type: 'paragraph', text: t.intro(e.rating, o.orderName) },
          { type: 'facts', rows: [{ label: t.customer, value: name ? `${name} <${o.customer.email}>` : o.customer.email }] },
          e.comment ? { type: 'quote', label: t.comment, text: e.comment } : { type: 'paragraph', text: t.noComment, muted: true },
          { type: 'items', title: t.items, items: o.lineItems.map((li) => ({ title: li.title, detail: `× ${li.quantity}`, ...(li.variant ? { variant: li.variant } : {}) })) },
          ...(mailto ? [{ type: 'button' as const, label: t.replyToShopper, href: mailto }] : []),
          ...(tracking ? [{ type: 'link' as const, label: o.orderName, href: tracking }] : []),
          { type: 'paragraph', text: t.recordOutcome, muted: true },
        ],
      };
    }
    case 'reward_pool_low': {
      const t = m.poolLow;
      return {
        subject: t.subject(e.left),
        preheader: t.preheader,
        blocks: [
          { type: 'heading', text: t.heading },
          { type: 'paragraph', text: t.intro(e.left) },
          { type: 'paragraph', text: t.upload, muted: true },
        ],
      };
    }
  }
}

/** Subject, HTML and text parts for one participation email. */
export function renderParticipationEmail(e: ParticipationEmail, ctx: ParticipationContext): RenderedEmail {
  const language = resolveLocale(ctx.locale);
  const locale = formattingLocale(ctx.locale, language);
  const m = catalogues[language];
  const common = commonMessagesFor(language);
  const b = ctx.branding;
  const merchant = MERCHANT_KINDS.has(e.kind as ParticipationKind);
  const frame: Frame = {
    ...brandingFrame(b, locale),
    colon: common.colon,
    footerWhy: merchant ? m.merchantFooter(b.name) : common.footerWhy(b.name),
    questions: merchant ? '' : common.questions(b.supportEmail),
  };
  const doc = build(e, m, b.name, common.viewOrder);
  return { subject: headerText(doc.subject), html: renderHtml(doc, frame), text: renderText(doc, frame), headers: [] };
}
