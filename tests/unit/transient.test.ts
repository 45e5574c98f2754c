import { describe, expect, it } from 'vitest';
import { asTaskError } from '../../functions/adapters/transient.js';

describe('task errors the state machine retries', () => {
  it('turns an SDK timeout, a reset connection and a DynamoDB 5xx into TransientFailure, keeping the cause', () => {
    const timeout = Object.assign(new Error('The operation was aborted.'), { name: 'TimeoutError' });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const dynamo = Object.assign(new Error('Internal server error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 }, $fault: 'server' });
    for (const e of [timeout, reset, dynamo]) {
      const t = asTaskError(e) as Error;
      expect(t.name).toBe('TransientFailure');
      expect(t.message).toContain(e.message);
      expect(t.cause).toBe(e);
    }
  });

  it('leaves the protocol’s own errors and plain bugs as they are', () => {
    const pending = Object.assign(new Error('waiting'), { name: 'ClaimPending' });
    const bug = new TypeError('x is undefined');
    expect(asTaskError(pending)).toBe(pending);
    expect(asTaskError(bug)).toBe(bug);
  });
});
