/**
 * The deployment configuration: one JSON file per environment (config/*.json), named on the
 * command line with `-c config=config/production.json` and validated here at synth, so a typo
 * fails `cdk synth` with a message naming the field instead of failing at run time.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { storesEnvSchema } from '../functions/adapters/env.js';
import { LANGUAGES, type Language } from '../functions/domain/i18n/locale.js';
import { LAMBDA_ENV_LIMIT_BYTES } from './handler-function.js';

/** CloudWatch Logs retention periods, in days, that CloudFormation accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Room left in a function's 4 KB environment for everything but STORES (ARNs, URLs, Powertools settings). */
export const ENV_RESERVE_BYTES = 1024;
/** Longest an order workflow runs (OrderWorkflow's default execution timeout), in days. */
const WORKFLOW_MAX_DAYS = 180;

const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lower-case domain name such as "mail.example.com"');

const placeholderDomain = /(^|\.)example\.(com|org|net)$/;

export const senderSchema = z.strictObject({
  /** The From address of every email, e.g. "orders@mail.acme.com". */
  address: z.email('must be an email address such as "orders@mail.acme.com"'),
  /**
   * The SES identity that authorises the address: a verified domain (the address's domain or a
   * parent of it). Without one, the address itself must be a verified email identity.
   */
  domain: hostname.optional(),
  /**
   * Create the domain identity in this stack (Easy DKIM; the DKIM records appear as outputs).
   * Leave false when the identity is already verified in the account and region.
   */
  createIdentity: z.boolean().default(false),
});

export const apiSchema = z.strictObject({
  /** Steady-state requests per second across all routes of the HTTP API. */
  rateLimit: z.number().int().min(1).max(10_000).default(50),
  /** Burst capacity on top of the rate. */
  burstLimit: z.number().int().min(1).max(5_000).default(100),
});

export const stackConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    $comment: z.string().optional(),
    /** "production" adds safety checks: an alarm email, no example.com placeholders. */
    stage: z.enum(['dev', 'production']).default('dev'),
    /** CloudFormation stack name; also the prefix of the secret names. */
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,100}$/, 'must start with a letter and contain only letters, digits and hyphens')
      .default('Postpurchase'),
    sender: senderSchema,
    /** Languages the emails and pages are offered in; each store's default locale must be one of them. */
    languages: z
      .array(z.enum(LANGUAGES as readonly [Language, ...Language[]]))
      .min(1)
      .default([...LANGUAGES]),
    stores: storesEnvSchema.min(1, 'configure at least one store'),
    /** Where alarm notifications go (an SNS email subscription; confirm the email AWS sends). */
    alarmEmail: z.email().optional(),
    /** Every item in the table expires (DynamoDB TTL) this many days after it is written. */
    retentionDays: z
      .number()
      .int()
      .min(WORKFLOW_MAX_DAYS + 10, `must be at least ${WORKFLOW_MAX_DAYS + 10}: an order's workflow runs up to ${WORKFLOW_MAX_DAYS} days and its items must outlive it`)
      .max(3650)
      .default(400),
    /** Retention of every log group (functions, state machine, API access logs). */
    logRetentionDays: z
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(90),
    api: apiSchema.default(apiSchema.parse({})),
    /**
     * Base URL of the pages and webhooks when served through a custom domain (its API mapping
     * is managed outside this stack). No trailing slash is kept.
     */
    publicBaseUrl: z
      .url({ protocol: /^https$/, error: 'must be an https URL such as "https://orders.acme.com"' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  })
  .superRefine((config, ctx) => {
    const address = config.sender.address.toLowerCase();
    const addressDomain = address.slice(address.lastIndexOf('@') + 1);
    const { domain } = config.sender;
    if (domain && addressDomain !== domain && !addressDomain.endsWith(`.${domain}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sender', 'domain'],
        message: `the sender address "${config.sender.address}" is not in the domain "${domain}" (or a subdomain of it), so SES would not let the identity authorise it`,
      });
    }
    if (config.sender.createIdentity && !domain) {
      ctx.addIssue({ code: 'custom', path: ['sender', 'createIdentity'], message: 'set sender.domain to create a domain identity' });
    }

    const seen = new Set<string>();
    config.stores.forEach((store, i) => {
      if (seen.has(store.storeId)) {
        ctx.addIssue({ code: 'custom', path: ['stores', i, 'storeId'], message: `duplicate storeId "${store.storeId}"` });
      }
      seen.add(store.storeId);
      const language = store.defaultLocale.split(/[-_]/)[0]?.toLowerCase();
      if (!config.languages.includes(language as Language)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stores', i, 'defaultLocale'],
          message: `"${store.defaultLocale}" is not in the enabled languages (${config.languages.join(', ')})`,
        });
      }
    });

    if (config.stage === 'production') {
      if (!config.alarmEmail) {
        ctx.addIssue({ code: 'custom', path: ['alarmEmail'], message: 'a production deployment needs an alarm email' });
      }
      const placeholders: Array<[PropertyKey[], string | undefined]> = [
        [['sender', 'address'], addressDomain],
        [['sender', 'domain'], domain],
        [['alarmEmail'], config.alarmEmail?.slice(config.alarmEmail.lastIndexOf('@') + 1)],
      ];
      for (const [path, value] of placeholders) {
        if (value && placeholderDomain.test(value)) {
          ctx.addIssue({ code: 'custom', path, message: `"${value}" is a placeholder: replace it with your own domain before deploying` });
        }
      }
    }

    const storesSize = Buffer.byteLength(storesEnvJson(config));
    if (storesSize > LAMBDA_ENV_LIMIT_BYTES - ENV_RESERVE_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['stores'],
        message:
          `the STORES environment variable would be ${storesSize} bytes; Lambda allows ${LAMBDA_ENV_LIMIT_BYTES} bytes for all variables ` +
          `together and the others need about ${ENV_RESERVE_BYTES}, so STORES must stay under ${LAMBDA_ENV_LIMIT_BYTES - ENV_RESERVE_BYTES}. ` +
          'Split the stores across deployments (one stackName each) or shorten branding texts and holiday lists.',
      });
    }
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type StackConfigInput = z.input<typeof stackConfigSchema>;
export type StoreSettings = StackConfig['stores'][number];

/** A store's webhook secret: the configured existing one, or one this stack creates. */
export interface ResolvedWebhookSecret {
  readonly storeId: string;
  readonly secretName: string;
  /** True when the stack creates (and owns) the secret. */
  readonly create: boolean;
}

/** Name of the secret this stack creates for a store's webhook signing key(s). */
export function webhookSecretNameFor(stackName: string, storeId: string): string {
  // Secrets Manager names allow letters, digits and /_+=.@-
  return `${stackName}/webhook/${storeId.replace(/[^A-Za-z0-9/_+=.@-]/g, '-')}`;
}

export function resolveWebhookSecrets(config: Pick<StackConfig, 'stackName' | 'stores'>): ResolvedWebhookSecret[] {
  return config.stores.map((store) => ({
    storeId: store.storeId,
    secretName: store.webhookSecretName ?? webhookSecretNameFor(config.stackName, store.storeId),
    create: store.webhookSecretName === undefined,
  }));
}

/** The STORES environment variable: every store's settings with the name of its webhook secret. */
export function storesEnvJson(config: Pick<StackConfig, 'stackName' | 'stores'>): string {
  const secrets = resolveWebhookSecrets(config);
  return JSON.stringify(config.stores.map((store, i) => ({ ...store, webhookSecretName: secrets[i]!.secretName })));
}

/** Validates a configuration object; the error lists every problem with its path. */
export function parseStackConfig(input: unknown, source = 'configuration'): StackConfig {
  const parsed = stackConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid postpurchase ${source}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Reads and validates a config file; relative paths are taken from the working directory. */
export function loadStackConfig(file: string, cwd = process.cwd()): StackConfig {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read the postpurchase config file ${path} (from -c config=${file}): ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`The postpurchase config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseStackConfig(json, `config file ${file}`);
}
