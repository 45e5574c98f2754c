/**
 * AWS SDK and network failures inside a state machine task are transient by nature (a timeout, a
 * reset connection, a 5xx or throttle from DynamoDB), yet Step Functions retries only the error
 * names its Retry lists. Without this, a DynamoDB timeout in notify under load failed the whole
 * execution, and every email still due for that order with it.
 */
const NETWORK = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'NetworkingError']);

/** The error a task should fail with: SDK and network failures become `TransientFailure`. */
export function asTaskError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const err = e as Error & { $metadata?: unknown; code?: string; $fault?: string };
  if (err.name === 'ClaimPending' || err.name === 'TransientFailure') return e;
  const sdk = err.$metadata !== undefined || err.$fault !== undefined;
  if (sdk || NETWORK.has(err.name) || (err.code !== undefined && NETWORK.has(err.code))) {
    const t = new Error(`${err.name}: ${err.message}`, { cause: e });
    t.name = 'TransientFailure';
    return t;
  }
  return e;
}
