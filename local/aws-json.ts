/**
 * The AWS JSON 1.0 protocol, server side: `POST /` with `X-Amz-Target: <Service>.<Action>` and
 * a JSON body; errors as HTTP 4xx/5xx with `{"__type", "message"}`. Step Functions and SQS (SDK
 * v3) both speak it, so one small server shape serves both local endpoints.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/** An error the caller sees as an AWS service error of type `type`. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = type;
  }
}

export type AwsJsonActions = Record<string, (input: Record<string, unknown>) => unknown>;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** A request listener dispatching `<targetPrefix>.<Action>` to `actions[Action]`. */
export function awsJsonListener(targetPrefix: string, actions: AwsJsonActions): RequestListener {
  return (req, res) => {
    void (async () => {
      try {
        const target = String(req.headers['x-amz-target'] ?? '');
        const [prefix, action] = target.split('.', 2);
        if (req.method !== 'POST' || prefix !== targetPrefix || !action) {
          throw new AwsError('UnknownOperationException', `Expected X-Amz-Target ${targetPrefix}.<Action>, got "${target}"`);
        }
        const fn = Object.hasOwn(actions, action) ? actions[action] : undefined;
        if (!fn) throw new AwsError('UnknownOperationException', `${action} is not implemented by the local runtime`);
        const raw = (await readBody(req)).toString('utf8');
        let input: Record<string, unknown>;
        try {
          input = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        } catch {
          throw new AwsError('SerializationException', 'Request body is not JSON');
        }
        send(res, 200, (await fn(input)) ?? {});
      } catch (e) {
        if (e instanceof AwsError) send(res, e.status, { __type: e.type, message: e.message }, e.headers);
        else send(res, 500, { __type: 'InternalFailure', message: e instanceof Error ? e.message : String(e) });
      }
    })();
  };
}

/** Listens on 127.0.0.1 and returns the base URL. */
export function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve(`http://${host}:${address.port}`);
    });
  });
}

export function startServer(listener: RequestListener, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  // Handlers' SDK clients keep connections alive; do not let them hold up close().
  server.keepAliveTimeout = 1000;
  return listen(server, port).then((url) => ({ server, url }));
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
