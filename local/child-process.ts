/**
 * The local runtime as its own process (tests and benchmarks), started the way `npm start` starts it (`tsx
 * local/cli.ts`), in its own process group so that a test can SIGKILL all of it at once and start
 * it again on the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Email } from './outbox.js';
import type { CrashPlan } from './faults.js';

const ROOT = join(import.meta.dirname, '..');

export interface ChildRuntime {
  url: string;
  pid: number;
  /** stdout and stderr so far, for a failure message. */
  output(): string;
  /** Resolves when the process has exited (killed or stopped). */
  exited: Promise<number | null>;
  /** SIGKILL to the whole process group: nothing gets to flush or clean up. */
  kill(): Promise<void>;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<void>;
  outbox(): Promise<Email[]>;
  /** As LocalRuntime.whenIdle; `outbox`: also until no stored event (left by an earlier version) waits for the outbox sweeper. */
  idle(timeoutMs?: number, options?: { outbox?: boolean }): Promise<void>;
  advance(days: number): Promise<void>;
  post(event: Record<string, unknown>): Promise<Response>;
}

export interface ChildOptions {
  dataDir: string;
  timeScale?: number;
  manualClock?: boolean;
  crashPlans?: CrashPlan[];
  /** How long to wait for the banner. @default 90 s */
  startTimeoutMs?: number;
}

/**
 * Waits until the process holding the data directory's lock is gone. After a SIGKILL of the
 * group, the runtime's own node process (tsx's child) can outlive tsx by a moment, and a runtime
 * started then would rightly refuse the directory as in use.
 */
async function lockReleased(dataDir: string, timeoutMs = 10_000): Promise<void> {
  const file = join(dataDir, 'runtime.lock');
  const deadline = Date.now() + timeoutMs;
  while (existsSync(file) && Date.now() < deadline) {
    let pid = 0;
    try {
      pid = Number((JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }).pid ?? 0);
      if (pid > 0) process.kill(pid, 0);
      else return;
    } catch {
      return; // no such process (or an unreadable lock): the runtime takes it over
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startChild(options: ChildOptions): Promise<ChildRuntime> {
  await lockReleased(options.dataDir);
  const args = ['local/cli.ts', '--port', '0', '--data-dir', options.dataDir, '--time-scale', String(options.timeScale ?? 86_400), '--no-captures'];
  if (options.manualClock) args.push('--manual-clock');
  const env: NodeJS.ProcessEnv = { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN' };
  delete env.PORT;
  if (options.crashPlans?.length) env.LOCAL_CRASH_PLANS = JSON.stringify(options.crashPlans);
  else delete env.LOCAL_CRASH_PLANS;
  const child: ChildProcess = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runtime did not start within ${options.startTimeoutMs ?? 90_000} ms:\n${out}`)), options.startTimeoutMs ?? 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /postpurchase local runtime\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`runtime exited (${code}) before it started:\n${out}`));
    });
  });
  const pid = child.pid!;
  const json = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${url}${path}`, init);
    if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    url,
    pid,
    output: () => out,
    exited,
    async kill() {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone (e.g. it killed itself at a crash point)
      }
      await exited;
    },
    async stop() {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        return;
      }
      await exited;
    },
    outbox: async () => (await json<{ emails: Email[] }>('/_local/outbox')).emails,
    idle: async (timeoutMs = 60_000, { outbox = false } = {}) => void (await json(`/_local/idle?timeoutMs=${timeoutMs}${outbox ? '&outbox=1' : ''}`)),
    advance: async (days) => void (await json('/_local/clock/advance', { method: 'POST', body: JSON.stringify({ days }) })),
    post: (event) => fetch(`${url}/_local/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) }),
  };
}
