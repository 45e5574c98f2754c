/**
 * One runtime per data directory. dynalite keeps the table in a LevelDB directory that only one
 * process may open; a second `npm start` on the same directory used to die with LevelDB's
 * "Database is closed". The runtime now takes `runtime.lock` in the data directory first: the
 * file is created exclusively (`wx`) and names the owning process, so a second start fails at
 * once and says which process holds the directory. A lock whose process is gone (the runtime
 * was killed) is stale and taken over.
 */
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'runtime.lock';

export interface LockOwner {
  pid: number;
  startedAt: string;
  /** The runtime's main URL, when it got that far. */
  url?: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `The data directory ${dataDir} is in use by another postpurchase runtime: ${owner.pid > 0 ? `process ${owner.pid}` : 'another process'}` +
        `${owner.url ? ` at ${owner.url}` : ''}, started ${owner.startedAt}. ` +
        'Stop that process, or start this one with another --data-dir or with --in-memory.',
    );
    this.name = 'DataDirInUseError';
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0
      ? { pid: parsed.pid, startedAt: String(parsed.startedAt ?? 'at an unknown time'), ...(parsed.url ? { url: String(parsed.url) } : {}) }
      : undefined;
  } catch {
    return undefined;
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Records the runtime's URL in the lock, for the message a second start prints. */
  setUrl(url: string): void;
  /** Removes the lock if this process still owns it. */
  release(): void;
}

/**
 * Takes the data directory's lock for this process, or throws DataDirInUseError naming the
 * live process that holds it. A lock left by a dead process, by this very process (a start
 * that failed half-way) or that cannot be read is taken over.
 */
export function acquireDataDirLock(dataDir: string, now: () => Date = () => new Date()): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, startedAt: now().toISOString() };
  const write = (fd: number) => {
    writeSync(fd, JSON.stringify(owner));
    closeSync(fd);
  };
  // Two tries: the second follows removing a stale lock, and `wx` still lets only one of two
  // racing starters win it.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      write(openSync(file, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readOwner(file);
      if (holder && holder.pid !== process.pid && alive(holder.pid)) throw new DataDirInUseError(dataDir, holder);
      if (attempt === 1) throw new DataDirInUseError(dataDir, holder ?? { pid: 0, startedAt: 'just now' });
      try {
        unlinkSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
  return {
    file,
    setUrl(url) {
      if (readOwner(file)?.pid !== process.pid) return;
      owner.url = url;
      write(openSync(file, 'w'));
    },
    release() {
      if (readOwner(file)?.pid !== process.pid) return;
      try {
        unlinkSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    },
  };
}
