/**
 * Google's Product Ratings feed (product review feed schema 2.4,
 * http://www.google.com/shopping/reviews/schema/product/2.4/product_reviews.xsd): every
 * published review of the store, the full set each time (Google deletes what a feed leaves out).
 * Elements follow the schema's order; shopper text is XML-escaped.
 */
import type { Review } from './review.js';

export const FEED_SCHEMA_VERSION = '2.4';
export const FEED_SCHEMA_URL = `http://www.google.com/shopping/reviews/schema/product/${FEED_SCHEMA_VERSION}/product_reviews.xsd`;

const xmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escaped, and without the characters XML 1.0 cannot carry at all. */
export function xmlText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => xmlEntities[c] ?? c);
}

export interface FeedOptions {
  publisherName: string;
  /** The review's own page: where `review_url` points. */
  reviewUrl: (review: Review) => string;
  /** The product page: the product's own URL from the order, else our product reviews page. */
  productUrl: (review: Review) => string;
  /** What shoppers see when they gave no display name. */
  anonymousName: string;
}

const el = (name: string, value: string | undefined, attrs = '') => (value === undefined || value === '' ? '' : `<${name}${attrs}>${xmlText(value)}</${name}>`);

function reviewXml(r: Review, o: FeedOptions): string {
  const p = r.product;
  const ids = [
    p.gtin ? `<gtins>${el('gtin', p.gtin)}</gtins>` : '',
    p.mpn ? `<mpns>${el('mpn', p.mpn)}</mpns>` : '',
    p.sku ? `<skus>${el('sku', p.sku)}</skus>` : '',
    p.brand ? `<brands>${el('brand', p.brand)}</brands>` : '',
  ].join('');
  const images = r.photos.length ? `<reviewer_images>${r.photos.map((ph) => `<reviewer_image>${el('url', ph.url)}</reviewer_image>`).join('')}</reviewer_images>` : '';
  return [
    '<review>',
    el('review_id', r.reviewId),
    '<reviewer>',
    r.displayName ? el('name', r.displayName) : el('name', o.anonymousName, ' is_anonymous="true"'),
    '</reviewer>',
    el('review_timestamp', r.publishedAt ?? r.createdAt),
    el('title', r.title),
    el('content', r.text),
    el('review_url', o.reviewUrl(r), ' type="group"'),
    images,
    `<ratings><overall min="1" max="5">${r.rating}</overall></ratings>`,
    '<products><product>',
    ids ? `<product_ids>${ids}</product_ids>` : '',
    el('product_name', p.name),
    el('product_url', o.productUrl(r)),
    '</product></products>',
    // Every review here was asked for after the order was fulfilled.
    el('collection_method', 'post_fulfillment'),
    '</review>',
  ].join('');
}

/** The whole feed: version, publisher, and one <review> per published review. */
export function renderReviewFeed(reviews: readonly Review[], o: FeedOptions): string {
  const published = reviews.filter((r) => r.status === 'published');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns:vc="http://www.w3.org/2007/XMLSchema-versioning" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="${FEED_SCHEMA_URL}">`,
    el('version', FEED_SCHEMA_VERSION),
    `<publisher>${el('name', o.publisherName)}</publisher>`,
    published.length ? `<reviews>${published.map((r) => reviewXml(r, o)).join('\n')}</reviews>` : '',
    '</feed>',
    '',
  ].join('\n');
}
