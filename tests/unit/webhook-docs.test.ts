import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { genericWebhookSchema } from '../../functions/domain/platforms/generic.js';
import { eventTypes } from '../../functions/domain/events.js';
import { buildOpenApiDocument, generatedDocs } from '../../scripts/generate-schemas.js';

const root = new URL('../../', import.meta.url);

describe('published webhook docs', () => {
  it.each(Object.entries(generatedDocs()))('%s is what scripts/generate-schemas.ts generates (run it after changing a schema)', (path, expected) => {
    expect(readFileSync(new URL(path, root), 'utf8')).toBe(expected);
  });

  it('documents every status the webhook endpoints answer with, on both endpoints', () => {
    const paths = buildOpenApiDocument().paths as Record<string, { post: { responses: Record<string, unknown> } }>;
    for (const path of ['/webhooks', '/webhooks/shopify']) {
      expect(Object.keys(paths[path]?.post.responses ?? {}).sort()).toEqual(['200', '202', '400', '401', '413', '415', '503']);
    }
  });

  it('uses request examples that the contract accepts', () => {
    const paths = buildOpenApiDocument().paths as any;
    const examples = paths['/webhooks'].post.requestBody.content['application/json'].examples as Record<string, { value: unknown }>;
    expect(Object.keys(examples)).toHaveLength(eventTypes.length);
    for (const { value } of Object.values(examples)) expect(genericWebhookSchema.safeParse(value).success).toBe(true);
  });

  it('ships a JSON Schema with one alternative per event type', () => {
    const schema = JSON.parse(readFileSync(new URL('docs/webhook-event.schema.json', root), 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.oneOf.map((o: any) => o.properties.type.const)).toEqual(genericWebhookSchema.options.map((o) => o.shape.type.value));
    expect(schema).toEqual(z.toJSONSchema(genericWebhookSchema, { io: 'input', target: 'draft-2020-12' }));
  });
});
