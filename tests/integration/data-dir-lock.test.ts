/**
 * One runtime per data directory: a second `npm start` on a directory in use says which
 * process holds it (instead of dying in dynalite with "Database is closed"), and a lock left
 * by a killed runtime is taken over.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirInUseError, LOCK_FILE } from '../../local/data-dir-lock.js';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'postpurchase-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A pid that certainly belongs to no running process: one that just exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `npm start -- --data-dir <dir> --port 0`, as a user runs it (tsx on the CLI). */
function startCli(dataDir: string) {
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['local/cli.ts', '--data-dir', dataDir, '--port', '0', '--time-scale', '1'], {
    env: { ...process.env, PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: tsx runs the runtime in a child process, and a crash kills both.
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = async (pattern: RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`runtime did not print ${pattern}; output:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exited, output: () => out, printed };
}

describe('the data directory lock', () => {
  it('refuses a directory held by a live process, naming the directory and the process', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, startedAt: '2026-12-01T10:00:00.000Z', url: 'http://127.0.0.1:3000' }));

    let error: unknown;
    try {
      acquireDataDirLock(dir);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(DataDirInUseError);
    expect((error as Error).message).toBe(
      `The data directory ${dir} is in use by another postpurchase runtime: process ${process.ppid} at http://127.0.0.1:3000, started 2026-12-01T10:00:00.000Z. ` +
        'Stop that process, or start this one with another --data-dir or with --in-memory.',
    );
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.ppid);
  });

  it('takes over a stale lock whose process is gone, or one it cannot read, and releases only its own', () => {
    const dir = tempDir();
    const file = join(dir, LOCK_FILE);
    writeFileSync(file, JSON.stringify({ pid: deadPid(), startedAt: '2026-12-01T10:00:00.000Z' }));

    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(file)).toBe(false);

    writeFileSync(file, 'not json');
    const again = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    writeFileSync(file, JSON.stringify({ pid: process.ppid, startedAt: 'now' }));
    again.release();
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.ppid);
  });

  it('makes a second `npm start` on a directory in use exit with that message, leaving the first runtime running', async () => {
    const dir = tempDir();
    let rt: LocalRuntime | undefined;
    let second: ReturnType<typeof startCli> | undefined;
    try {
      rt = await startLocal({ port: 0, dataDir: dir, log: () => {} });
      second = startCli(dir);
      const code = await Promise.race([second.exited, new Promise((r) => setTimeout(() => r('still running'), 60_000))]);

      expect(code).toBe(1);
      expect(second.output()).toContain(`The data directory ${dir} is in use by another postpurchase runtime: process ${process.pid} at ${rt.url}`);
      expect(second.output()).not.toMatch(/Database is closed/);
      expect((await fetch(`${rt.url}/_local/health`)).status).toBe(200);
    } finally {
      if (second && second.child.exitCode === null) process.kill(-second.child.pid!, 'SIGKILL');
      await rt?.stop();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  }, 120_000);

  it('starts on a directory whose runtime was killed with SIGKILL, taking over its lock', async () => {
    const dir = tempDir();
    const first = startCli(dir);
    await first.printed(/postpurchase local runtime {2}http/, 90_000);
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(owner.pid).not.toBe(process.pid);
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.exited;
    await waitUntil(() => !isAlive(owner.pid));

    const rt = await startLocal({ port: 0, dataDir: dir, log: () => {} });
    try {
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, url: rt.url });
      expect((await fetch(`${rt.url}/_local/health`)).status).toBe(200);
    } finally {
      await rt.stop();
    }
  }, 120_000);
});
