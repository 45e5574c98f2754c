// dynalite on a thread of its own (see local/dynamodb.ts). Plain JavaScript, so that the thread
// needs no TypeScript loader. workerData: { options, port }; posts { url } once listening; on
// 'close' closes the server (and with it the LevelDB) and posts 'closed'.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const server = dynalite(workerData.options);
const listen = (port) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });

let port;
try {
  port = await listen(workerData.port ?? 0);
} catch {
  port = await listen(0);
}
parentPort.postMessage({ url: `http://127.0.0.1:${port}` });
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  server.close(() => parentPort.postMessage('closed'));
  server.closeAllConnections?.();
});
