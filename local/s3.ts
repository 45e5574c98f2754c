/**
 * S3 stand-in for review photos: s3rver (an S3-compatible server on npm), one bucket, on disk in
 * the data directory (or a temporary directory for in-memory runs, removed on close).
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import { join } from 'node:path';
import S3rver from 's3rver';
import { DUMMY_ACCOUNT } from 's3rver/lib/models/account.js';

export const LOCAL_PHOTO_BUCKET = 'review-photos';

export interface LocalS3 {
  url: string;
  bucket: string;
  close(): Promise<void>;
}

let keyRegistered = false;

/**
 * s3rver's own listen hands `server.listen` a callback that it expects an error in, but Node
 * reports a failed bind as an 'error' event, and with no listener for it an address in use
 * killed the whole runtime (a restart wanting the port of its previous run, which another
 * process had taken meanwhile: the fault-injection suite's SIGKILL restarts, 3 December). This
 * listens the same way and rejects instead, so the caller can take any free port.
 */
class LocalS3rver extends S3rver {
  override listen(...args: unknown[]): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = super.listen(...args, () => {
        server.off('error', reject);
        resolve(server);
      }) as Server;
      server.once('error', reject);
    });
  }
}

export async function startLocalS3(options: { dataDir?: string; port?: number; accessKeyId: string; secretAccessKey: string }): Promise<LocalS3> {
  // s3rver verifies SigV4 signatures against the keys it knows: teach it the handlers' dummy key.
  if (!keyRegistered) DUMMY_ACCOUNT.createKeyPair(options.accessKeyId, options.secretAccessKey);
  keyRegistered = true;
  const temporary = options.dataDir === undefined;
  const directory = options.dataDir ?? mkdtempSync(join(tmpdir(), 'postpurchase-s3-'));
  mkdirSync(directory, { recursive: true });
  const on = (port: number) => new LocalS3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: LOCAL_PHOTO_BUCKET, configs: [] }] });
  let server = on(options.port ?? 0);
  let address: { port: number };
  try {
    address = await server.run();
  } catch (e) {
    // The port of the previous run is taken: any free one, as the other stand-ins do.
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !options.port) throw e;
    server = on(0);
    address = await server.run();
  }
  return {
    url: `http://127.0.0.1:${address.port}`,
    bucket: LOCAL_PHOTO_BUCKET,
    close: async () => {
      await server.close();
      if (temporary) rmSync(directory, { recursive: true, force: true });
    },
  };
}
