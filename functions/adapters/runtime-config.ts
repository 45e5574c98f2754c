/**
 * Configuration shared by the entries, read once per cold start: stores, the clock, and the
 * secrets (from the environment when running locally, from Secrets Manager on AWS, cached).
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ENV, storesEnvSchema, type StoresEnv } from './env.js';
import { clockFromEnv } from './clock.js';
import type { StoreConfig } from '../domain/store-config.js';

export function storesFromEnv(env: NodeJS.ProcessEnv = process.env): StoresEnv {
  const raw = env[ENV.stores];
  if (!raw) throw new Error(`Invalid environment: ${ENV.stores} is required (JSON array of store configurations)`);
  const parsed = storesEnvSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`Invalid environment: ${ENV.stores}.${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}

export function storeLookup(stores: StoresEnv): (store: string) => StoreConfig | undefined {
  const byId = new Map(stores.map((s) => [s.storeId.toLowerCase(), s]));
  return (store) => byId.get(store.toLowerCase());
}

export const clock = clockFromEnv();

const SECRET_MAX_AGE_S = 300;

/** A secret's value: inline from the environment (local), or fetched by ARN/name and cached. */
export function secretValue(inlineEnv: string, arnEnv: string, env: NodeJS.ProcessEnv = process.env): () => Promise<string> {
  return async () => {
    const inline = env[inlineEnv];
    if (inline) return inline;
    const id = env[arnEnv];
    if (!id) throw new Error(`Invalid environment: set ${inlineEnv} or ${arnEnv}`);
    const value = await getSecret(id, { maxAge: SECRET_MAX_AGE_S });
    if (typeof value !== 'string' || !value) throw new Error(`Secret ${arnEnv} is empty`);
    return value;
  };
}

/** A store's webhook secrets; a JSON array allows two during a rotation. */
export function webhookSecrets(stores: StoresEnv, env: NodeJS.ProcessEnv = process.env): (storeId: string) => Promise<string[] | undefined> {
  const local = env[ENV.localWebhookSecrets] ? (JSON.parse(env[ENV.localWebhookSecrets]!) as Record<string, string | string[]>) : undefined;
  const lookup = storeLookup(stores);
  return async (storeId) => {
    if (local) {
      const v = local[storeId] ?? local[storeId.toLowerCase()];
      return v === undefined ? undefined : Array.isArray(v) ? v : [v];
    }
    const store = stores.find((s) => s.storeId === storeId) ?? lookup(storeId);
    const name = (store as { webhookSecretName?: string } | undefined)?.webhookSecretName;
    if (!name) return undefined;
    const value = await getSecret(name, { maxAge: SECRET_MAX_AGE_S });
    if (typeof value !== 'string') return undefined;
    try {
      const parsed = JSON.parse(value) as unknown;
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      /* a plain string secret */
    }
    return [value];
  };
}
