/**
 * Writes the published webhook contract from the zod schemas that enforce it:
 *   docs/webhook-event.schema.json  JSON Schema of the generic webhook body
 *   docs/openapi.json               OpenAPI 3.1 for POST /webhooks and POST /webhooks/shopify
 * Run with `npx tsx scripts/generate-schemas.ts`; tests/unit/webhook-docs.test.ts fails when the
 * committed files differ from what this produces.
 *
 * The OpenAPI document is assembled around z.toJSONSchema rather than zod-to-openapi: one
 * converter for both files means the two can never describe the body differently, and
 * zod-to-openapi would need extendZodWithOpenApi to patch zod globally.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { genericWebhookSchema } from '../functions/domain/platforms/generic.js';
import {
  shopifyCancelledOrderSchema,
  shopifyFulfillmentSchema,
  shopifyOrderSchema,
  shopifyRefundSchema,
  shopifyShipmentStatuses,
  shopifyTopics,
} from '../functions/domain/platforms/shopify.js';
import { DEFAULT_MAX_BODY_BYTES, TIMESTAMP_TOLERANCE_SECONDS } from '../functions/domain/webhooks/parse-webhook.js';
import { webhookErrorResponseSchema, webhookReceiptSchema } from '../functions/domain/webhooks/result.js';
import { moderationDecisionSchema, replyRequestSchema, resendRequestSchema } from '../functions/domain/console/api.js';
import {
  apiErrorSchema,
  feedbackResponseRequestSchema,
  feedbackResponseSchema,
  heldReviewsResponseSchema,
  orderFeedbackResponseSchema,
  productReviewsResponseSchema,
  rejectRequestSchema,
  replyRequestSchema as reviewReplyRequestSchema,
  reviewResponseSchema,
  rewardCodesRequestSchema,
  rewardCodesResponseSchema,
  rewardPoolResponseSchema,
} from '../functions/domain/reviews/api.js';

const root = new URL('../', import.meta.url);
const genericFixtures = new URL('tests/fixtures/generic/', root);

/** Bumped when the contract changes incompatibly. */
const CONTRACT_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JsonSchema;
}

/** A JSON Schema to embed as an OpenAPI component: the dialect is the document's own. */
function component(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = jsonSchema(schema, io);
  return rest;
}

/** JSON Schema (2020-12) of the body of POST /webhooks, as senders write it. */
export function buildWebhookEventJsonSchema(): JsonSchema {
  return jsonSchema(genericWebhookSchema, 'input');
}

/** The generic fixtures, one per event type, keyed by type: the request examples. */
function genericExamples(): Record<string, { summary: string; value: unknown }> {
  const examples: Record<string, { summary: string; value: unknown }> = {};
  for (const file of readdirSync(genericFixtures).filter((f) => f.endsWith('.json')).sort()) {
    const value = JSON.parse(readFileSync(new URL(file, genericFixtures), 'utf8')) as { type: string };
    examples[value.type] = { summary: value.type, value };
  }
  return examples;
}

const header = (name: string, description: string, schema: JsonSchema = { type: 'string' }, required = true) => ({
  name,
  in: 'header',
  required,
  description,
  schema,
});

const errorResponse = (description: string, codes: string[], example: { code: string; message: string; field?: string }) => ({
  description: `${description} Error codes: ${codes.map((c) => `\`${c}\``).join(', ')}.`,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookErrorResponse' }, example: { error: example } } },
});


const receipt = (description: string, example: unknown) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookReceipt' }, example } },
});

function responses(authCodes: string[], payloadCodes: string[], payloadExample: { code: string; message: string; field?: string }) {
  return {
    '200': receipt('Authentic, and nothing new: every event was stored before (`duplicate`), or the delivery produced none (`ignored`, with the reason). Do not retry.', {
      status: 'ignored',
      reason: 'topic "products/update" is not used',
    }),
    '202': receipt('Authentic: its new events are queued for routing, and stored (by ingest, or by the router if that write failed). Do not retry.', { status: 'accepted', events: ['order-NH-100234-placed'] }),
    '400': errorResponse('Authentic but unusable: not JSON, or the first failing field (`field`, a dotted path) and why. Retrying the same request fails the same way.', payloadCodes, payloadExample),
    '401': errorResponse('Not authentic: missing or wrong signature, unknown store, or a timestamp outside the window.', authCodes, {
      code: 'invalid_signature',
      message: 'no webhook-signature entry matches the message',
    }),
    '413': errorResponse(`Body larger than ${DEFAULT_MAX_BODY_BYTES} bytes.`, ['payload_too_large'], {
      code: 'payload_too_large',
      message: `body exceeds ${DEFAULT_MAX_BODY_BYTES} bytes`,
    }),
    '415': errorResponse('Content-Type is not application/json.', ['unsupported_media_type'], {
      code: 'unsupported_media_type',
      message: 'content-type must be application/json (charset utf-8 if given)',
    }),
    '503': {
      ...errorResponse('The event queue refused the new events: nothing was stored. Retry the same delivery (after `Retry-After` seconds).', ['queue_unavailable'], {
        code: 'queue_unavailable',
        message: 'the event queue refused the events; nothing was stored: retry the delivery',
      }),
      headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } },
    },
  };
}

const consoleError = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ConsoleError' } } },
});
const consoleRefusals = {
  '401': { description: 'No valid access token: refused by the JWT authorizer before the function runs (`{"message":"Unauthorized"}`), or a token signed out before its expiry.' },
  '403': consoleError('The store is not one of the caller\'s (`forbidden_store`, also for a store that does not exist), or the action is ops-only (`ops_only`).'),
};
const storeParam = { name: 'store', in: 'path', required: true, schema: { type: 'string' }, description: 'Store id (any case).' };
const orderParam = { name: 'orderId', in: 'path', required: true, schema: { type: 'string' } };
const ok = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });

/** The console's JSON API (tags: console): bearer Cognito access tokens, checked by API Gateway's JWT authorizer. */
function consolePaths(): JsonSchema {
  const op = (operationId: string, summary: string, extra: JsonSchema = {}) => ({ operationId, summary, tags: ['console'], security: [{ consoleToken: [] }], ...extra });
  return {
    '/console/api/me': { get: op('consoleMe', 'Who the token is: username, ops or not, the stores it may see', { responses: { '200': ok('The caller'), ...consoleRefusals } }) },
    '/console/api/stores/{store}/overview': {
      get: op('consoleOverview', "A store's last 30 days from its day counters: emails sent per kind (the kinds of the registry), promises kept and missed, days to delivery, ratings, bounce and complaint rates against SES's thresholds, the pause, dead letters", {
        parameters: [storeParam],
        responses: { '200': ok('The overview'), ...consoleRefusals },
      }),
    },
    '/console/api/stores/{store}/orders': {
      get: op('consoleSearchOrders', 'Orders by order number, order id or shopper email (trimmed, lower-cased)', {
        parameters: [storeParam, { name: 'q', in: 'query', required: true, schema: { type: 'string' } }],
        responses: { '200': ok('`{ query, orders: [{ orderId, orderName, placedAt, status }] }`'), ...consoleRefusals },
      }),
    },
    '/console/api/stores/{store}/orders/{orderId}': {
      get: op('consoleOrder', 'The order: status, timeline, every email with its SES message id and delivery events, resends and replies, the workflow', {
        parameters: [storeParam, orderParam],
        responses: { '200': ok('The order'), ...consoleRefusals, '404': consoleError('No such order in this store.') },
      }),
    },
    '/console/api/stores/{store}/orders/{orderId}/resend': {
      post: op('consoleResend', 'Resend one sent email as it was sent: a new, explicit send recorded with who asked (the ledger is not touched); once per requestId', {
        parameters: [storeParam, orderParam],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ConsoleResendRequest' } } } },
        responses: {
          '200': ok('`{ resend: { kind, ref, by, at, status, messageId? } }` (the same answer for a repeated requestId)'),
          '400': consoleError('The first field that is wrong (`invalid_request`).'),
          ...consoleRefusals,
          '409': consoleError('Not sent before (`not_sent`), no copy kept (`no_copy`), the address suppressed (`suppressed`) or unsubscribed from this kind (`unsubscribed`).'),
          '503': consoleError('SES throttled and sent nothing (`throttled`): retry with the same requestId.'),
        },
      }),
    },
    '/console/api/stores/{store}/orders/{orderId}/stop': {
      post: op('consoleStop', 'Stop all pending mail for the order: nothing more is sent and its waiting state ends', {
        parameters: [storeParam, orderParam],
        responses: { '200': ok('`{ stop: { stopped: true, first } }`'), ...consoleRefusals, '404': consoleError('No such order in this store.') },
      }),
    },
    '/console/api/stores/{store}/feedback': {
      get: op('consoleFeedbackInbox', 'Ratings of 3 stars or fewer and every comment, newest first, with who replied', { parameters: [storeParam], responses: { '200': ok('`{ store, feedback: [...] }`'), ...consoleRefusals } }),
    },
    '/console/api/stores/{store}/feedback/{orderId}/reply': {
      post: op('consoleReply', 'Reply to the shopper who gave the feedback: sent once per order, recorded on its timeline', {
        parameters: [storeParam, orderParam],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ConsoleReplyRequest' } } } },
        responses: {
          '200': ok('`{ reply: { by, at, status, messageId? } }`'),
          '400': consoleError('The first field that is wrong (`invalid_request`).'),
          ...consoleRefusals,
          '404': consoleError('No feedback on such an order.'),
          '409': consoleError('Already replied (`already_replied`), or the address suppressed.'),
        },
      }),
    },
    '/console/api/stores/{store}/reviews/{reviewId}/decide': {
      post: op('consoleModerateReview', 'Approve or reject a pending product review (once reviews exist: issue 14); recorded with who decided', {
        parameters: [storeParam, { name: 'reviewId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ConsoleModerationDecision' } } } },
        responses: { '200': ok('`{ review, decide: "done" }`'), '400': consoleError('The first field that is wrong (`invalid_request`).'), ...consoleRefusals, '404': consoleError('No such review, or no reviews in this deployment.'), '409': consoleError('Decided already (`already_decided`).') },
      }),
    },
    '/console/api/stores/{store}/reviews/{reviewId}/reply': {
      post: op('consoleReplyToReview', 'Reply publicly to a product review, once', {
        parameters: [storeParam, { name: 'reviewId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ConsoleReplyRequest' } } } },
        responses: { '200': ok('`{ review, reply: "done" }`'), '400': consoleError('The first field that is wrong (`invalid_request`).'), ...consoleRefusals, '404': consoleError('No such review, or no reviews in this deployment.'), '409': consoleError('Replied already (`already_replied`).') },
      }),
    },
    '/console/api/dead-letters': {
      get: op('consoleDeadLetters', 'Up to 10 dead letters (left in the queue): every one for ops, those of the caller\'s stores otherwise', { responses: { '200': ok('`{ total, shown, deadLetters: [{ messageId, event?, body, receiveCount, sentAt? }] }`'), ...consoleRefusals } }),
    },
    '/console/api/dead-letters/replay': {
      post: op('consoleReplayDeadLetters', 'Ops: move every dead letter back to the events queue (SQS redrive, as `npm run replay-dead-letters`)', { responses: { '202': ok('`{ replaying, taskHandle }`'), ...consoleRefusals } }),
    },
  };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (name: string) => ({ 'application/json': { schema: ref(name) } });
const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const STORE_PARAM = pathParam('store', 'Store id (canonical form: lower-case)');
const REVIEW_PARAM = pathParam('reviewId', 'Review id, as the list of held reviews gives it');
const apiError = (description: string) => ({ description, content: jsonContent('ApiError') });
const MERCHANT = [{ opsToken: [] }];
const merchantErrors = { '401': apiError('No or wrong bearer token'), '404': apiError('Unknown store (or review, order)') };

/** The review endpoints: public product reviews and feed, and the merchant API (functions/services/review-routes.ts). */
function reviewPaths(): Record<string, unknown> {
  return {
    '/stores/{store}/products/{productId}/reviews': {
      get: {
        operationId: 'getProductReviews',
        summary: "A product's published reviews: HTML by default, JSON with `Accept: application/json`",
        parameters: [
          STORE_PARAM,
          pathParam('productId', "The platform's product id (`sku:<SKU>` for items sold without one)"),
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 } },
          { name: 'cursor', in: 'query', required: false, description: '`next` of the previous page', schema: { type: 'string' } },
        ],
        responses: {
          '200': { description: 'Average, count and distribution of the published reviews, and one page of them (newest first); cacheable for 5 minutes', content: { ...jsonContent('ProductReviews'), 'text/html': { schema: { type: 'string' } } } },
          '400': apiError('A bad `limit` or a `cursor` of another list (field names which)'),
          '404': apiError('Unknown store, or a product id that cannot be one'),
        },
      },
    },
    '/stores/{store}/products/{productId}/reviews/snippet': {
      get: {
        operationId: 'getProductReviewsSnippet',
        summary: 'The same, as script-free HTML for an iframe on the store\'s site (any site may frame it; 5 newest reviews)',
        parameters: [STORE_PARAM, pathParam('productId', "The platform's product id")],
        responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/stores/{store}/reviews.xml': {
      get: {
        operationId: 'getReviewFeed',
        summary: "Google's product ratings feed (schema 2.4): every published review of the store, the full set each time",
        parameters: [STORE_PARAM],
        responses: { '200': { description: 'XML', content: { 'application/xml': { schema: { type: 'string' } } } } },
      },
    },
    '/stores/{store}/reviews': {
      get: {
        operationId: 'listHeldReviews',
        summary: 'Reviews waiting for moderation, oldest first (merchant)',
        security: MERCHANT,
        parameters: [STORE_PARAM, { name: 'status', in: 'query', schema: { type: 'string', enum: ['held'] } }, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50 } }, { name: 'cursor', in: 'query', schema: { type: 'string' } }],
        responses: { '200': { description: 'One page of held reviews', content: jsonContent('HeldReviews') }, '400': apiError('Bad query'), ...merchantErrors },
      },
    },
    '/stores/{store}/reviews/{reviewId}/approve': {
      post: {
        operationId: 'approveReview',
        summary: 'Publish a held review (merchant)',
        security: MERCHANT,
        parameters: [STORE_PARAM, REVIEW_PARAM],
        responses: { '200': { description: 'Published', content: jsonContent('ReviewResult') }, '409': apiError('Not held (already published or rejected): the review is returned as it is'), ...merchantErrors },
      },
    },
    '/stores/{store}/reviews/{reviewId}/reject': {
      post: {
        operationId: 'rejectReview',
        summary: 'Reject a held review for a content reason (merchant)',
        security: MERCHANT,
        parameters: [STORE_PARAM, REVIEW_PARAM],
        requestBody: { required: true, content: jsonContent('RejectRequest') },
        responses: { '200': { description: 'Rejected', content: jsonContent('ReviewResult') }, '400': apiError('No or an unknown reason'), '409': apiError('Not held'), '415': apiError('Not JSON'), ...merchantErrors },
      },
    },
    '/stores/{store}/reviews/{reviewId}/reply': {
      post: {
        operationId: 'replyToReview',
        summary: "The merchant's one reply, shown under the review and emailed to the reviewer once (review_reply)",
        security: MERCHANT,
        parameters: [STORE_PARAM, REVIEW_PARAM],
        requestBody: { required: true, content: jsonContent('ReviewReplyRequest') },
        responses: { '200': { description: 'Stored; `email` says what became of the email', content: jsonContent('ReviewResult') }, '400': apiError('Empty or too long'), '409': apiError('Already replied (a repeat completes an email a crash left unsent)'), '415': apiError('Not JSON'), ...merchantErrors },
      },
    },
    '/stores/{store}/reward-codes': {
      get: {
        operationId: 'getRewardPool',
        summary: 'Codes left in the review-reward pool (merchant)',
        security: MERCHANT,
        parameters: [STORE_PARAM],
        responses: { '200': { description: 'The pool', content: jsonContent('RewardPool') }, ...merchantErrors },
      },
      post: {
        operationId: 'uploadRewardCodes',
        summary: 'Add discount codes to the pool; each is given out once, to one reviewed order (merchant)',
        security: MERCHANT,
        parameters: [STORE_PARAM],
        requestBody: { required: true, content: jsonContent('RewardCodesRequest') },
        responses: { '200': { description: 'Added', content: jsonContent('RewardCodesResult') }, '400': apiError('A code that cannot be one (field names it, e.g. `codes.3`); nothing is added'), '415': apiError('Not JSON'), ...merchantErrors },
      },
    },
    '/stores/{store}/orders/{orderId}/feedback': {
      get: {
        operationId: 'getOrderFeedback',
        summary: "An order's rating, comment, reviews and the merchant's responses (merchant)",
        security: MERCHANT,
        parameters: [STORE_PARAM, pathParam('orderId', "The platform's order id")],
        responses: { '200': { description: 'Feedback', content: jsonContent('OrderFeedback') }, ...merchantErrors },
      },
    },
    '/stores/{store}/orders/{orderId}/feedback-responses': {
      post: {
        operationId: 'respondToFeedback',
        summary: "Record the reply to a shopper's feedback and its outcome: shown on the order's tracking page timeline (merchant)",
        security: MERCHANT,
        parameters: [STORE_PARAM, pathParam('orderId', "The platform's order id")],
        requestBody: { required: true, content: jsonContent('FeedbackResponseRequest') },
        responses: { '201': { description: 'Recorded', content: { 'application/json': { schema: { type: 'object', properties: { orderId: { type: 'string' }, response: ref('FeedbackResponse') } } } } }, '400': apiError('Empty reply or unknown outcome'), '415': apiError('Not JSON'), ...merchantErrors },
      },
    },
  };
}

/** OpenAPI 3.1 document for both webhook endpoints, the console's JSON API and the review endpoints. */
export function buildOpenApiDocument(): JsonSchema {
  const statuses = Object.entries(shopifyShipmentStatuses)
    .map(([from, to]) => `\`${from}\` → \`${to}\``)
    .join(', ');
  return {
    openapi: '3.1.0',
    info: {
      title: 'postpurchase webhooks and console API',
      version: CONTRACT_VERSION,
      description:
        'Inbound webhooks that feed post-purchase notifications. Requests are checked in this order: size (413), media type (415: `application/json`, charset UTF-8 if given), authenticity (401), content (400). Retry 5xx and network errors, never 4xx. See docs/WEBHOOKS.md. The merchant console\'s JSON API (tag `console`) takes a Cognito access token of the console user pool as a bearer token (README, "The merchant console"). The review endpoints: public product reviews and feed, and the merchant review API (bearer ops token; README, "Reviews, rewards and referrals").',
    },
    paths: {
      ...consolePaths(),
      ...reviewPaths(),
      '/webhooks': {
        post: {
          operationId: 'receiveWebhook',
          summary: 'Receive a domain event signed per Standard Webhooks',
          description: `The body is one domain event. The signature is \`v1,\` + base64 HMAC-SHA256 of \`{webhook-id}.{webhook-timestamp}.{raw body}\`, keyed with the base64-decoded part of the store's \`whsec_\` secret. The store is read from the body to choose the secret. The eventId (default: webhook-id) dedupes.`,
          parameters: [
            // Header examples are the Standard Webhooks reference test vector, so they agree.
            header('webhook-id', 'Unique message id; the same id on a retry. Default eventId.', { type: 'string', minLength: 1, example: 'msg_p5jXN8AQM9LWM0D4loKWxJek' }),
            header('webhook-timestamp', `Unix seconds when the message was signed; refused (401) when more than ${TIMESTAMP_TOLERANCE_SECONDS} s from now, either way.`, {
              type: 'string',
              pattern: '^\\d+$',
              example: '1614265330',
            }),
            header('webhook-signature', 'Space-separated `v1,<base64>` signatures; any match passes (key rotation).', {
              type: 'string',
              example: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
            }),
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/WebhookEvent' },
                examples: genericExamples(),
              },
            },
          },
          responses: responses(['missing_signature', 'invalid_timestamp', 'stale_timestamp', 'unknown_store', 'invalid_signature'], ['invalid_json', 'invalid_payload', 'invalid_header'], {
            code: 'invalid_payload',
            message: 'data.order.lineItems.0.quantity: Too small: expected number to be >0',
            field: 'data.order.lineItems.0.quantity',
          }),
        },
      },
      '/webhooks/shopify': {
        post: {
          operationId: 'receiveShopifyWebhook',
          summary: 'Receive a Shopify webhook (JSON, REST payloads)',
          description: `Topics used: ${shopifyTopics.map((t) => `\`${t}\``).join(', ')}; any other topic is acknowledged with 200 and \`ignored\`. Shipment statuses: ${statuses}; \`delayed\` becomes order.delayed. A fulfillments/update with a null shipment status and tracking details becomes a shipment.updated without a status (tracking only).`,
          parameters: [
            header('X-Shopify-Hmac-Sha256', 'Base64 HMAC-SHA256 of the raw body keyed with the app or store webhook secret.'),
            header('X-Shopify-Shop-Domain', 'The shop, e.g. `acme.myshopify.com`: the store id.'),
            header('X-Shopify-Topic', 'Selects the payload schema and the mapping, e.g. `orders/create`.'),
            header('X-Shopify-Event-Id', 'Shared by every delivery of one merchant action; used as delivery id.', { type: 'string' }, false),
            header('X-Shopify-Webhook-Id', 'Per-delivery id; the delivery id when X-Shopify-Event-Id is absent.', { type: 'string' }, false),
            header('X-Shopify-Triggered-At', 'When Shopify triggered the delivery; event time only when the payload has none.', { type: 'string', format: 'date-time' }, false),
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  description: 'The REST resource of the topic. Only the fields below are read; all others are ignored.',
                  anyOf: [
                    { $ref: '#/components/schemas/ShopifyOrder' },
                    { $ref: '#/components/schemas/ShopifyCancelledOrder' },
                    { $ref: '#/components/schemas/ShopifyFulfillment' },
                    { $ref: '#/components/schemas/ShopifyRefund' },
                  ],
                },
              },
            },
          },
          responses: responses(['missing_signature', 'unknown_store', 'invalid_signature'], ['missing_header', 'invalid_json', 'invalid_payload'], {
            code: 'invalid_payload',
            message: 'line_items.0.quantity: Too small: expected number to be >0',
            field: 'line_items.0.quantity',
          }),
        },
      },
    },
    components: {
      securitySchemes: {
        consoleToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token of the console user pool (USER_PASSWORD_AUTH with the console client), verified by the JWT authorizer.' },
        opsToken: { type: 'http', scheme: 'bearer', description: 'The ops token (OPS_TOKEN locally; the OpsToken secret on AWS)' },
      },
      schemas: {
        ConsoleResendRequest: component(resendRequestSchema, 'input'),
        ConsoleReplyRequest: component(replyRequestSchema, 'input'),
        ConsoleModerationDecision: component(moderationDecisionSchema, 'input'),
        ConsoleError: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } } },
        WebhookEvent: component(genericWebhookSchema, 'input'),
        WebhookReceipt: component(webhookReceiptSchema, 'output'),
        WebhookErrorResponse: component(webhookErrorResponseSchema, 'output'),
        ShopifyOrder: { description: 'orders/create, orders/updated', ...component(shopifyOrderSchema, 'input') },
        ShopifyCancelledOrder: { description: 'orders/cancelled (a full Order; these fields are read)', ...component(shopifyCancelledOrderSchema, 'input') },
        ShopifyFulfillment: { description: 'fulfillments/create, fulfillments/update', ...component(shopifyFulfillmentSchema, 'input') },
        ShopifyRefund: { description: 'refunds/create', ...component(shopifyRefundSchema, 'input') },
        ProductReviews: component(productReviewsResponseSchema, 'output'),
        HeldReviews: component(heldReviewsResponseSchema, 'output'),
        ReviewResult: component(reviewResponseSchema, 'output'),
        RejectRequest: component(rejectRequestSchema, 'input'),
        ReviewReplyRequest: component(reviewReplyRequestSchema, 'input'),
        RewardCodesRequest: component(rewardCodesRequestSchema, 'input'),
        RewardCodesResult: component(rewardCodesResponseSchema, 'output'),
        RewardPool: component(rewardPoolResponseSchema, 'output'),
        OrderFeedback: component(orderFeedbackResponseSchema, 'output'),
        FeedbackResponseRequest: component(feedbackResponseRequestSchema, 'input'),
        FeedbackResponse: component(feedbackResponseSchema, 'output'),
        ApiError: component(apiErrorSchema, 'output'),
      },
    },
  };
}

/** The files this script owns, with their exact content. */
export function generatedDocs(): Record<string, string> {
  const render = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'docs/webhook-event.schema.json': render(buildWebhookEventJsonSchema()),
    'docs/openapi.json': render(buildOpenApiDocument()),
  };
}

function main(): void {
  for (const [path, content] of Object.entries(generatedDocs())) {
    writeFileSync(new URL(path, root), content);
    console.log(`wrote ${path}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
