/**
 * Configuration shared by the entries, read once per cold start: stores, the clock, and the
 * secrets (from the environment when running locally, from Secrets Manager on AWS, cached).
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ENV, storesEnvSchema, type StoresEnv } from './env.js';
import { clockFromEnv } from './clock.js';
import type { StoreConfig } from '../domain/store-config.js';
import { canonicalStoreId, StoreDirectory, type Platform } from '../domain/store-id.js';

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

/** A store's configuration by id, in any case: what every entry uses to find a store. */
export function storeLookup(stores: StoresEnv): (store: string) => StoreConfig | undefined {
  const directory = new StoreDirectory(stores);
  return (store) => directory.get(store);
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

/**
 * A store's webhook secrets, only for a configured store of that platform (each endpoint accepts
 * only its own kind of store); a JSON array allows two during a rotation. Locally the secrets
 * come inline (LOCAL_WEBHOOK_SECRETS), keyed by store id; on AWS from Secrets Manager.
 */
export function webhookSecrets(
  stores: StoresEnv,
  env: NodeJS.ProcessEnv = process.env,
): (storeId: string, platform: Platform) => Promise<string[] | undefined> {
  const local = env[ENV.localWebhookSecrets] ? localSecrets(env[ENV.localWebhookSecrets]!) : undefined;
  const directory = new StoreDirectory(stores);
  return async (storeId, platform) => {
    const store = directory.get(storeId, platform);
    if (!store) return undefined;
    if (local) return local.get(store.storeId);
    const name = store.webhookSecretName;
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

/** LOCAL_WEBHOOK_SECRETS (`{ "<store id>": "secret" | ["secret", …] }`) as a Map by canonical id. */
function localSecrets(json: string): Map<string, string[]> {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const byStore = new Map<string, string[]>();
  for (const [id, value] of Object.entries(parsed)) {
    const store = canonicalStoreId(id);
    const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v.length > 0);
    if (store !== undefined && list.length > 0) byStore.set(store, list);
  }
  return byStore;
}
