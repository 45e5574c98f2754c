/** Development defaults of the local runtime's secrets, printed at start; never valid anywhere else. */
export const DEV_SECRETS = {
  shopify: 'local-shopify-webhook-secret',
  webhook: `whsec_${Buffer.from('postpurchase-local-development!!').toString('base64')}`,
  linkSigning: 'local-link-signing-secret-not-for-production',
  opsToken: 'local-ops-token-for-development',
} as const;
