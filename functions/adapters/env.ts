/**
 * The Lambda environment, read once at cold start through zod so that a missing variable
 * fails with a message naming it. CDK constructs set these through their bind/grant methods;
 * the local runtime sets the same names before it imports a handler.
 */
import * as z from 'zod';
import { storeConfigFields, withPlatform } from '../domain/store-config.js';

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
      return z.NEVER;
    }
  }).pipe(schema);

/** Names of every variable the functions read, so constructs and the local runtime agree. */
export const ENV = {
  tableName: 'TABLE_NAME',
  queueUrl: 'QUEUE_URL',
  stateMachineArn: 'STATE_MACHINE_ARN',
  configurationSet: 'SES_CONFIGURATION_SET',
  sender: 'SENDER_ADDRESS',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  stores: 'STORES',
  linkSecretArn: 'LINK_SIGNING_SECRET_ARN',
  linkSecret: 'LINK_SIGNING_SECRET',
  localWebhookSecrets: 'LOCAL_WEBHOOK_SECRETS',
  retentionDays: 'RETENTION_DAYS',
  timeScale: 'TIME_SCALE',
  timeOrigin: 'TIME_ORIGIN',
  opsToken: 'OPS_TOKEN',
  opsTokenArn: 'OPS_TOKEN_SECRET_ARN',
  languages: 'LANGUAGES',
  /** `local` in the local runtime: unknown_store answers say how to add a store there. @default deployed */
  storeSetup: 'STORE_SETUP',
  /** S3 bucket of review photos; without it reviews take no photos. */
  photoBucket: 'PHOTO_BUCKET',
  /** Seconds after it was stored that an event still in the outbox is queued by the sweeper (at least ingest's timeout). */
  outboxGraceSeconds: 'OUTBOX_GRACE_SECONDS',
  /** The merchant console's Cognito user pool and app client (lib/console-auth.ts). */
  consoleUserPoolId: 'CONSOLE_USER_POOL_ID',
  consoleClientId: 'CONSOLE_CLIENT_ID',
  /** Issuer of a local user pool emulator (cognito-local); unset on AWS, where it follows from the pool id. */
  consoleIssuer: 'CONSOLE_ISSUER',
  /** The events queue's dead-letter queue, which the console lists and replays. */
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  deadLetterQueueArn: 'DEAD_LETTER_QUEUE_ARN',
} as const;

/** Per-store settings as the functions receive them: config plus the name of its webhook secret. */
export const storesEnvSchema = z.array(
  storeConfigFields
    .extend({
      /** Secrets Manager secret name or ARN holding this store's webhook secret(s). */
      webhookSecretName: z.string().optional(),
    })
    .transform(withPlatform),
);
export type StoresEnv = z.infer<typeof storesEnvSchema>;

export const baseEnvSchema = z.object({
  [ENV.tableName]: z.string().min(1),
  [ENV.stores]: json(storesEnvSchema),
  [ENV.retentionDays]: z.coerce.number().int().positive().default(400),
});

export function readEnv<T extends z.ZodObject>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${detail}`);
  }
  return parsed.data;
}
