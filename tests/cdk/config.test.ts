import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV_RESERVE_BYTES, loadStackConfig, parseStackConfig, storesEnvJson, type StackConfigInput } from '../../lib/config.js';
import { LAMBDA_ENV_LIMIT_BYTES } from '../../lib/handler-function.js';
import { envOf, grantsOf, onlyIdOf, resourcesOf, statementsOf, synth, type Synthesized } from './support.js';

const devConfig = JSON.parse(readFileSync(new URL('../../config/dev.json', import.meta.url), 'utf8')) as StackConfigInput;
const withChanges = (changes: Partial<StackConfigInput>): StackConfigInput => ({ ...devConfig, ...changes });
const store = (storeId: string, extra: Record<string, unknown> = {}) => ({
  storeId,
  branding: { name: 'Shop', supportEmail: 'help@shop.test', postalAddress: '1 Road, Town' },
  ...extra,
});

describe('stack configuration', () => {
  it('accepts the shipped dev config and fills the defaults', () => {
    const config = loadStackConfig('config/dev.json');
    expect(config.retentionDays).toBe(400);
    expect(config.stores[0]!.lifecycle.feedbackDelayDays).toBe(7);
  });

  it('refuses the production template until its placeholders are replaced, naming each field', () => {
    expect(() => loadStackConfig('config/production.json')).toThrow(/sender\.address: "mail\.example\.com" is a placeholder/);
    expect(() => loadStackConfig('config/production.json')).toThrow(/alarmEmail: "example\.com" is a placeholder/);
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadStackConfig('config/missing.json')).toThrow(/Cannot read the postpurchase config file .*missing\.json/);
  });

  it('rejects a sender address outside the sender domain', () => {
    expect(() => parseStackConfig(withChanges({ sender: { address: 'orders@other.test', domain: 'mail.shop.test' } }))).toThrow(
      /sender\.domain: the sender address "orders@other\.test" is not in the domain "mail\.shop\.test"/,
    );
  });

  it('rejects misspelt keys instead of ignoring them', () => {
    expect(() => parseStackConfig({ ...devConfig, alarmEmial: 'ops@shop.test' })).toThrow(/alarmEmial/);
  });

  it("rejects misspelt keys in a store's settings, naming the path, and says where a retired one went", () => {
    expect(() => parseStackConfig(withChanges({ stores: [store('a', { lifecycle: { feedbackDelayDay: 3 } })] as StackConfigInput['stores'] }))).toThrow(
      /stores\.0\.lifecycle: .*feedbackDelayDay/,
    );
    expect(() => parseStackConfig(withChanges({ stores: [store('a', { lifecycle: { deliveryFallbackDays: 14 } })] as StackConfigInput['stores'] }))).toThrow(
      /stores\.0\.lifecycle: deliveryFallbackDays was replaced by policy\.assumeDeliveredDaysAfterEstimate/,
    );
    expect(() => parseStackConfig(withChanges({ stores: [store('a', { policy: { quietHour: { start: '22:00', end: '07:00' } } })] as StackConfigInput['stores'] }))).toThrow(
      /stores\.0\.policy: .*quietHour/,
    );
  });

  it('rejects duplicate store ids and default locales outside the enabled languages', () => {
    const error = (() => {
      try {
        parseStackConfig(withChanges({ languages: ['en'], stores: [store('a'), store('a', { defaultLocale: 'fr-CA' })] }));
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toMatch(/stores\.1\.storeId: duplicate storeId "a"/);
    expect(error).toMatch(/stores\.1\.defaultLocale: "fr-CA" is not in the enabled languages \(en\)/);
  });

  describe('store ids', () => {
    const errorOf = (stores: unknown[]) => {
      try {
        parseStackConfig(withChanges({ stores: stores as StackConfigInput['stores'] }));
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };

    it('keeps each store id in its canonical form (trimmed, lower-case) and settles its platform', () => {
      const config = parseStackConfig(withChanges({ stores: [store(' ACME-Dev.MyShopify.com '), store('Generic-Dev'), store('outlet', { platform: 'generic' })] }));
      expect(config.stores.map((s) => [s.storeId, s.platform])).toEqual([
        ['acme-dev.myshopify.com', 'shopify'],
        ['generic-dev', 'generic'],
        ['outlet', 'generic'],
      ]);
      const env = JSON.parse(storesEnvJson(config)) as Array<{ storeId: string; platform: string; webhookSecretName: string }>;
      expect(env.map((s) => [s.storeId, s.platform, s.webhookSecretName])).toEqual([
        ['acme-dev.myshopify.com', 'shopify', 'PostpurchaseDev/webhook/acme-dev.myshopify.com'],
        ['generic-dev', 'generic', 'PostpurchaseDev/webhook/generic-dev'],
        ['outlet', 'generic', 'PostpurchaseDev/webhook/outlet'],
      ]);
    });

    it('rejects two spellings of one store id as a duplicate', () => {
      expect(errorOf([store('generic-dev'), store('Generic-Dev')])).toMatch(/stores\.1\.storeId: duplicate storeId "generic-dev"/);
    });

    it('rejects characters that cannot be part of a store id, naming the rule', () => {
      expect(errorOf([store('acme#outlet')])).toMatch(/stores\.0\.storeId: must be 1-200 letters, digits, "\.", "_" or "-"/);
      expect(errorOf([store('acme outlet')])).toMatch(/stores\.0\.storeId: must be/);
    });

    it('rejects a Shopify store whose id is not its myshopify.com domain', () => {
      expect(errorOf([store('acme.com', { platform: 'shopify' })])).toMatch(/stores\.0\.storeId: a Shopify store's id is its shop domain/);
      expect(errorOf([store('acme', { platform: 'magento' })])).toMatch(/stores\.0\.platform/);
    });
  });

  it('keeps data at least as long as an order workflow can run', () => {
    expect(() => parseStackConfig(withChanges({ retentionDays: 30 }))).toThrow(/retentionDays: must be at least 190/);
  });

  it('only accepts log retentions CloudWatch offers', () => {
    expect(() => parseStackConfig(withChanges({ logRetentionDays: 45 }))).toThrow(/logRetentionDays: must be one of 1, 3, 5/);
  });

  it('fails with the size when STORES would not fit in a Lambda environment', () => {
    const holidays = Array.from({ length: 60 }, (_, i) => `2027-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`);
    const stores = Array.from({ length: 6 }, (_, i) => store(`store-${i}.myshopify.com`, { promises: { holidays } }));
    const config = withChanges({ stores });
    expect(() => parseStackConfig(config)).toThrow(
      new RegExp(`stores: the STORES environment variable would be \\d+ bytes; Lambda allows ${LAMBDA_ENV_LIMIT_BYTES} bytes`),
    );
  });

  it('leaves room for the other variables within the 4 KB limit for the dev config', () => {
    const size = Buffer.byteLength(storesEnvJson(loadStackConfig('config/dev.json')));
    expect(size).toBeLessThan(LAMBDA_ENV_LIMIT_BYTES - ENV_RESERVE_BYTES);
  });
});

describe('a production-like configuration', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth({
      config: {
        stage: 'production',
        stackName: 'PostpurchaseProd',
        sender: { address: 'orders@mail.shop.test', domain: 'shop.test', createIdentity: true },
        languages: ['en', 'de'],
        stores: [store('shop.myshopify.com', { webhookSecretName: 'shared/shopify-app-secret' }), store('outlet')],
        alarmEmail: 'ops@shop.test',
        publicBaseUrl: 'https://orders.shop.test/',
        api: { rateLimit: 200, burstLimit: 400 },
      },
    });
  });

  it('creates the domain identity with Easy DKIM and outputs the DNS records', () => {
    s.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'shop.test' });
    s.template.hasOutput('DkimRecord1', { Value: Match.anyValue() });
    const [send] = grantsOf(statementsOf(s.json, 'notify'), 'ses:SendEmail');
    const identityId = onlyIdOf(s.json, 'AWS::SES::EmailIdentity');
    expect(resourcesOf(send!)).toContainEqual({ 'Fn::Join': ['', expect.arrayContaining([{ Ref: identityId }])] });
  });

  it('uses an existing webhook secret when one is named, and creates the others', () => {
    const stores = JSON.parse(envOf(s.json, 'ingest').STORES as string) as Array<{ storeId: string; webhookSecretName: string }>;
    expect(stores.map((x) => x.webhookSecretName)).toEqual(['shared/shopify-app-secret', 'PostpurchaseProd/webhook/outlet']);
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 3); // outlet's webhook secret, link signing, ops token
    const reads = grantsOf(statementsOf(s.json, 'ingest'), 'secretsmanager:GetSecretValue').flatMap(resourcesOf);
    expect(JSON.stringify(reads)).toContain(':secret:shared/shopify-app-secret-??????');
  });

  it('builds links and webhook URLs on the custom base URL, without a trailing slash', () => {
    expect(envOf(s.json, 'notify').PUBLIC_BASE_URL).toBe('https://orders.shop.test');
    s.template.hasOutput('ShopifyWebhookUrl', { Value: 'https://orders.shop.test/webhooks/shopify' });
  });

  it('applies the configured throttling', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
    });
  });

  it('still passes the cdk-nag AwsSolutions checks', () => {
    expect(new AwsSolutionsChecks().validateScope(s.stack).violations.map((v) => v.ruleName)).toEqual([]);
  });
});
