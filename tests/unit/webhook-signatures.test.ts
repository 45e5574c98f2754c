import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  signShopify,
  signStandardWebhook,
  verifyShopify,
  verifyStandardWebhook,
} from '../../functions/domain/webhooks/signatures.js';

describe('Shopify HMAC', () => {
  const body = '{"id":820982911946154508,"name":"#9999","note":"Zoë"}';

  it('is the base64 HMAC-SHA256 of the UTF-8 body bytes keyed with the raw secret', () => {
    const expected = createHmac('sha256', 'shpss_secret').update(Buffer.from(body, 'utf8')).digest('base64');
    expect(signShopify('shpss_secret', body)).toBe(expected);
  });

  it('accepts a header made with any of the store secrets', () => {
    const header = signShopify('new-secret', body);
    expect(verifyShopify(['old-secret', 'new-secret'], body, header)).toBe(true);
  });

  it('rejects a header made with another secret, for another body, or truncated', () => {
    expect(verifyShopify(['secret'], body, signShopify('other', body))).toBe(false);
    expect(verifyShopify(['secret'], body, signShopify('secret', `${body} `))).toBe(false);
    expect(verifyShopify(['secret'], body, signShopify('secret', body).slice(0, -2))).toBe(false);
  });

  it('never matches with an empty secret list or an empty secret', () => {
    expect(verifyShopify([], body, signShopify('', body))).toBe(false);
    expect(verifyShopify([''], body, signShopify('', body))).toBe(false);
  });
});

describe('Standard Webhooks signature', () => {
  // The published test vector of the Standard Webhooks reference libraries.
  const vector = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const message = { id: vector.id, timestamp: String(vector.timestamp), body: vector.body };

  it('reproduces the reference test vector', () => {
    expect(signStandardWebhook(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
  });

  it('agrees with the standardwebhooks package on a non-ASCII body', () => {
    const secret = `whsec_${Buffer.from('a 32 byte secret for the test!!').toString('base64')}`;
    const body = '{"store":"東京","name":"Zoë Müller"}';
    const ours = signStandardWebhook(secret, 'msg_1', 1700000000, body);
    expect(ours).toBe(new Webhook(secret).sign('msg_1', new Date(1700000000 * 1000), body));
  });

  it('treats a secret without the whsec_ prefix as the same base64 key', () => {
    expect(signStandardWebhook(vector.secret.slice('whsec_'.length), vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
  });

  it('verifies the vector, and fails it when the body, id or timestamp changes', () => {
    expect(verifyStandardWebhook([vector.secret], message, vector.signature)).toBe(true);
    expect(verifyStandardWebhook([vector.secret], { ...message, body: '{"test": 2432232315}' }, vector.signature)).toBe(false);
    expect(verifyStandardWebhook([vector.secret], { ...message, id: 'msg_other' }, vector.signature)).toBe(false);
    expect(verifyStandardWebhook([vector.secret], { ...message, timestamp: '1614265331' }, vector.signature)).toBe(false);
  });

  it('passes when the second secret of a rotation matches', () => {
    const retired = `whsec_${Buffer.from('retired secret, still configured').toString('base64')}`;
    expect(verifyStandardWebhook([retired, vector.secret], message, vector.signature)).toBe(true);
  });

  it('passes when any of several signatures in the header matches', () => {
    const other = signStandardWebhook(`whsec_${Buffer.from('the sender has a new key').toString('base64')}`, vector.id, vector.timestamp, vector.body);
    expect(verifyStandardWebhook([vector.secret], message, `${other} ${vector.signature}`)).toBe(true);
  });

  it('ignores entries that are not version v1', () => {
    const sig = vector.signature.slice('v1,'.length);
    expect(verifyStandardWebhook([vector.secret], message, `v2,${sig}`)).toBe(false);
    expect(verifyStandardWebhook([vector.secret], message, `v1a,${sig}`)).toBe(false);
    expect(verifyStandardWebhook([vector.secret], message, sig)).toBe(false);
    expect(verifyStandardWebhook([vector.secret], message, `v2,${sig} ${vector.signature}`)).toBe(true);
  });
});

describe('signature edge cases', () => {
  const body = '{"id":820982911946154508}';
  const key = `whsec_${Buffer.from('a 32 byte secret for the test!!').toString('base64')}`;
  const message = { id: 'msg_1', timestamp: '1700000000', body };

  it('accepts a Shopify header with whitespace around it, as a proxy may pass it on', () => {
    expect(verifyShopify(['secret'], body, ` ${signShopify('secret', body)}\r\n`)).toBe(true);
  });

  it('refuses to sign with an empty Standard Webhooks secret rather than sign with an empty key', () => {
    expect(() => signStandardWebhook('whsec_', 'msg_1', 1700000000, body)).toThrow('Standard Webhooks secret is empty');
    expect(() => signStandardWebhook('', 'msg_1', 1700000000, body)).toThrow('Standard Webhooks secret is empty');
  });

  it('skips an empty secret in the configured list, still matching with the others', () => {
    const signature = signStandardWebhook(key, message.id, message.timestamp, body);

    expect(verifyStandardWebhook(['whsec_', '', key], message, signature)).toBe(true);
    expect(verifyStandardWebhook(['whsec_', ''], message, signature)).toBe(false);
  });
});
