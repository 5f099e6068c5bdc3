// Worker entry (plain JS so it starts under any runner): load the TypeScript
// sources through tsx, then run the job. A failure to start is reported like a
// failed job, and the main thread then extracts that share itself.
import { workerData } from 'node:worker_threads';

const done = new Int32Array(workerData.done);
try {
  const { register } = await import('tsx/esm/api');
  register();
  const { runExtractJob } = await import('./extract-worker.ts');
  runExtractJob(workerData);
} catch (err) {
  workerData.port.postMessage({ error: String(err?.stack ?? err) });
  Atomics.store(done, 0, 2);
  Atomics.notify(done, 0);
  workerData.port.close();
}
