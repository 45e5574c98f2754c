/**
 * The answer to a webhook from a store that is not configured: how to add one, where the
 * service runs (the local runtime, or a deployed stack). It is one fixed text per endpoint and
 * place, never naming the store asked about nor any configured store, so it reveals nothing
 * about which stores exist; it is the first thing a new user sees when pointing a shop at it.
 */
import * as z from 'zod';

/** Where the service runs, which decides how a store is added. */
export const storeSetupSchema = z.enum(['deployed', 'local']);
export type StoreSetup = z.infer<typeof storeSetupSchema>;

const messages: Record<'shopify' | 'generic', Record<StoreSetup, string>> = {
  shopify: {
    local:
      'shop is not configured. Running locally: restart with `npm start -- --shop <shop>.myshopify.com` (one --shop per shop, or ' +
      'SHOPIFY_SHOP=<shop>.myshopify.com,…); such shops are verified with SHOPIFY_WEBHOOK_SECRET.',
    deployed:
      'shop is not configured. Add it to stores[] in the deployment configuration (storeId: its <shop>.myshopify.com domain) and ' +
      'deploy, then put its webhook signing secret in the Secrets Manager secret <stackName>/webhook/<storeId> (or the one its ' +
      'webhookSecretName names).',
  },
  generic: {
    local:
      'store is not configured. Running locally: add it to stores[] in config/dev.json (storeId, branding) and restart npm start; ' +
      'its webhooks are verified with WEBHOOK_SECRET.',
    deployed:
      'store is not configured. Add it to stores[] in the deployment configuration (storeId: the id its webhooks carry in "store") ' +
      'and deploy, then put its Standard Webhooks secret (whsec_…) in the Secrets Manager secret <stackName>/webhook/<storeId> (or ' +
      'the one its webhookSecretName names).',
  },
};

/** The unknown_store message for an endpoint; identical for every store that is not configured. */
export function unknownStoreMessage(source: 'shopify' | 'generic', setup: StoreSetup = 'deployed'): string {
  return messages[source][setup];
}
