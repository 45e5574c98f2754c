/**
 * S3 stand-in for review photos: s3rver (an S3-compatible server on npm), one bucket, on disk in
 * the data directory (or a temporary directory for in-memory runs, removed on close).
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

export async function startLocalS3(options: { dataDir?: string; port?: number; accessKeyId: string; secretAccessKey: string }): Promise<LocalS3> {
  // s3rver verifies SigV4 signatures against the keys it knows: teach it the handlers' dummy key.
  if (!keyRegistered) DUMMY_ACCOUNT.createKeyPair(options.accessKeyId, options.secretAccessKey);
  keyRegistered = true;
  const temporary = options.dataDir === undefined;
  const directory = options.dataDir ?? mkdtempSync(join(tmpdir(), 'postpurchase-s3-'));
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: options.port ?? 0, silent: true, directory, configureBuckets: [{ name: LOCAL_PHOTO_BUCKET, configs: [] }] });
  const address = await server.run();
  return {
    url: `http://127.0.0.1:${address.port}`,
    bucket: LOCAL_PHOTO_BUCKET,
    close: async () => {
      await server.close();
      if (temporary) rmSync(directory, { recursive: true, force: true });
    },
  };
}
