/**
 * The DynamoDB stand-in: dynalite, on a worker thread of its own, so that it runs beside the
 * handlers (as DynamoDB runs beside Lambda) instead of between them. Handlers still reach it
 * only through its endpoint (AWS_ENDPOINT_URL_DYNAMODB).
 */
import { Worker } from 'node:worker_threads';

export interface LocalDynamoDb {
  url: string;
  close(): Promise<void>;
}

/** Starts dynalite with `options` on its own thread, on `port` if free (else any free port). */
export async function startDynamoDb(options: { path?: string; createTableMs?: number }, port?: number): Promise<LocalDynamoDb> {
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), { workerData: { options, port } });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`dynalite's thread exited (${code}) before listening`)));
    worker.once('message', (m: { url: string }) => resolve(m.url));
  });
  worker.removeAllListeners('error').removeAllListeners('exit');
  let closed: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        // The LevelDB is closed with the server; a thread that does not answer is ended anyway.
        const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 5000);
        worker.once('message', () => {
          clearTimeout(timer);
          void worker.terminate().then(() => resolve());
        });
        worker.postMessage('close');
      })),
  };
}
