/**
 * The S3 stand-in (local/s3.ts, s3rver) starts on the port it is asked for, and on any free one
 * when that port is taken: a restarted runtime asks for its previous run's port (ports.json),
 * which another process may hold by then. s3rver on its own crashed the process there.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startLocalS3, type LocalS3 } from '../../local/s3.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const open: Array<LocalS3 | Server> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await ('bucket' in x ? x.close() : new Promise<void>((r) => x.close(() => r())));
});

/** Holds a port, as another process would. */
async function holdPort(): Promise<number> {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
  open.push(holder);
  return (holder.address() as { port: number }).port;
}

async function roundTrip(s3: LocalS3): Promise<string> {
  const client = new S3Client({ endpoint: s3.url, region: 'us-east-1', forcePathStyle: true, credentials });
  await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'photo.txt', Body: 'a photo' }));
  const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'photo.txt' }));
  client.destroy();
  return got.Body!.transformToString();
}

describe('the local S3 stand-in', () => {
  it('starts on any free port, and serves, when the port it wants is taken', async () => {
    const taken = await holdPort();
    const s3 = await startLocalS3({ port: taken, ...credentials });
    open.push(s3);

    expect(new URL(s3.url).port).not.toBe(String(taken));
    expect(await roundTrip(s3)).toBe('a photo');
  });

  it('starts on the port it wants when that port is free', async () => {
    const first = await startLocalS3(credentials);
    const port = Number(new URL(first.url).port);
    await first.close();

    const again = await startLocalS3({ port, ...credentials });
    open.push(again);
    expect(again.url).toBe(first.url);
    expect(await roundTrip(again)).toBe('a photo');
  });
});
