/**
 * Rewards, points and referral credits under duplicates, as a property against a real DynamoDB
 * API (dynalite): whatever is delivered twice or at the same time (a reloaded thank-you page, a
 * retried workflow step, two concurrent clicks), each order gets at most one code, no code goes to
 * two orders, each credit counts once, each email is sent once, and no balance is negative.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingEmail, SendOutcome } from '../../functions/adapters/mailer.js';
import { ParticipationLedger, ReviewStore } from '../../functions/adapters/review-store.js';
import { orderSchema, type Order } from '../../functions/domain/order.js';
import { pointsAccount, referralCodeFor } from '../../functions/domain/reviews/referrals.js';
import { storeConfigSchema } from '../../functions/domain/store-config.js';
import { creditReferral, rewardReview, type ParticipationDeps } from '../../functions/services/participation.js';

const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs?: number }) => Server;
const TABLE = 'participation-property';
const SECRET = 'property-test-link-secret-0123456789';
const AT = new Date('2026-11-25T12:00:00Z');

let server: Server;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
  doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        { IndexName: 'gsi1', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
      ],
    }),
  );
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let run = 0;

function order(store: string, id: string, email: string, discountCode?: string): Order {
  return orderSchema.parse({
    orderId: id,
    orderName: `#${id}`,
    placedAt: AT.toISOString(),
    currency: 'EUR',
    customer: { email },
    lineItems: [{ id: 'li-1', title: 'Mug', productId: 'P-1', quantity: 1, unitPrice: '10.00', total: '10.00' }],
    subtotal: '10.00',
    total: '10.00',
    ...(discountCode ? { discounts: [{ code: discountCode, amount: '1.00' }] } : {}),
  });
}

/**
 * One step: a group of deliveries (an order's review reward, a referred order's delivery; the
 * same one may appear several times), run at once or one after another.
 */
const stepArb = fc.record({
  group: fc.array(fc.record({ kind: fc.constantFrom('review', 'referral'), order: fc.nat({ max: 4 }) }), { minLength: 1, maxLength: 4 }),
  concurrent: fc.boolean(),
});

describe('rewards and credits under duplicates', () => {
  it('give each order at most one code and one email, each credit once, and never a negative balance', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), fc.array(stepArb, { minLength: 1, maxLength: 10 }), async (poolSize, steps) => {
        const storeId = `prop-${++run}`;
        const config = storeConfigSchema.parse({
          storeId,
          branding: { name: 'Prop', supportEmail: 'help@example.com', postalAddress: '1 Street' },
          participation: { pointsPerReview: 50, pointsPerReferral: 200, lowPoolThreshold: 1 },
        });
        const sent: OutgoingEmail[] = [];
        let n = 0;
        const deps: ParticipationDeps = {
          reviews: new ReviewStore(doc, TABLE),
          ledger: new ParticipationLedger(doc, TABLE),
          mailer: { send: async (e: OutgoingEmail): Promise<SendOutcome> => (sent.push(e), { status: 'sent', messageId: `m-${++n}` }) },
          sender: 'orders@example.com',
          publicBaseUrl: 'https://pages.example.com',
          linkSecret: SECRET,
          now: () => AT,
          settleWindowMs: 60_000,
        };
        const reviewer = 'ann@example.com';
        const codes = Array.from({ length: poolSize }, (_, i) => `CODE-${i}`);
        await deps.reviews.addCodes(storeId, codes, AT);
        // The reviewer's code is known once one of their orders has shown it.
        await deps.reviews.registerReferral(storeId, referralCodeFor(SECRET, storeId, reviewer), { email: reviewer, orderId: 'A-0' }, AT);
        const refCode = referralCodeFor(SECRET, storeId, reviewer);

        for (const step of steps) {
          const acts = step.group.map((a) =>
            a.kind === 'review'
              ? () => rewardReview(deps, config, order(storeId, `A-${a.order}`, reviewer))
              : () => creditReferral(deps, config, order(storeId, `F-${a.order}`, `friend${a.order}@example.com`, refCode)),
          );
          if (step.concurrent) await Promise.all(acts.map((act) => act()));
          else for (const act of acts) await act();
        }

        const all = steps.flatMap((s) => s.group);
        const reviewed = new Set(all.filter((s) => s.kind === 'review').map((s) => `A-${s.order}`));
        const referred = new Set(all.filter((s) => s.kind === 'referral').map((s) => `F-${s.order}`));
        const given = new Map<string, string>();
        for (const id of reviewed) {
          const code = await deps.reviews.rewardOf(storeId, id);
          if (code) given.set(id, code);
        }
        // Codes: one per order while they last, none twice, the rest still in the pool.
        expect(new Set(given.values()).size).toBe(given.size);
        expect(given.size).toBe(Math.min(poolSize, reviewed.size));
        expect(await deps.reviews.codesLeft(storeId)).toBe(poolSize - given.size);
        // Emails: one reward per order that got a code, one referral reward per referred order.
        const rewardMails = sent.filter((e) => e.tags.kind === 'review_reward');
        expect(rewardMails).toHaveLength(given.size);
        expect(new Set(rewardMails.map((e) => e.tags.ledger)).size).toBe(given.size);
        expect(sent.filter((e) => e.tags.kind === 'referral_reward')).toHaveLength(referred.size);
        // Points: each credit once; the balance their sum, never negative.
        const account = pointsAccount(await deps.reviews.credits(storeId, reviewer));
        expect(account.balance).toBe(50 * reviewed.size + 200 * referred.size);
        expect(account.history).toHaveLength(reviewed.size + referred.size);
        expect(account.history.every((c) => c.points > 0)).toBe(true);
        // The low-pool alert: at most one per upload.
        expect(sent.filter((e) => e.tags.kind === 'reward_pool_low').length).toBeLessThanOrEqual(1);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 25), ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  }, 120_000);
});
