/**
 * The local Lambda invoker gives the HTTP API precedence (local/lambda.ts yieldToFrontDoor): while
 * webhooks are being answered, background work runs a few invocations at a time instead of all
 * at once, and none of it is lost, reordered within its source or answered differently.
 */
import { describe, expect, it } from 'vitest';
import { LambdaInvoker, type HandlerModule } from '../../local/lambda.js';
import type { LocalFunction } from '../../local/template.js';

const fn = (entry: string): LocalFunction => ({ logicalId: entry, entry, name: entry, arn: `arn:aws:lambda:us-east-1:000000000000:function:${entry}`, timeoutSeconds: 30, memoryMb: 128, env: {} });

/** A handler whose invocations finish only when the test says so, recording who runs when. */
function gatedModule(log: string[]) {
  const gates = new Map<string, () => void>();
  const module: HandlerModule = {
    handler: async (event) => {
      const id = (event as { id: string }).id;
      log.push(`start ${id}`);
      await new Promise<void>((resolve) => gates.set(id, resolve));
      log.push(`end ${id}`);
      return { id };
    },
  };
  const release = async (id: string) => {
    for (let i = 0; i < 50 && !gates.has(id); i++) await new Promise((r) => setImmediate(r));
    gates.get(id)!();
    await new Promise((r) => setImmediate(r));
  };
  return { module, release };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** Lets real timers run (the invoker's slot and wait bounds) until `entry` is logged, for 2 s at most. */
const untilLogged = async (log: string[], entry: string) => {
  for (let i = 0; i < 2000 && !log.includes(entry); i++) await new Promise((r) => setTimeout(r, 1));
};

function invokerWith(backgroundWhileBusy: number | undefined, log: string[], backgroundSlotMs = 60_000, backgroundMaxWaitMs = 60_000) {
  const ingest = gatedModule(log);
  const router = gatedModule(log);
  const invoker = new LambdaInvoker({
    functions: { Ingest: fn('ingest'), Router: fn('router') },
    modules: { ingest: ingest.module, router: router.module },
    backgroundWhileBusy,
    backgroundSlotMs,
    backgroundMaxWaitMs,
  });
  return { invoker, ingest, router };
}

describe('the local Lambda invoker while the HTTP API answers', () => {
  it('runs one background invocation at a time until the webhook is answered, then the rest at once', async () => {
    const log: string[] = [];
    const { invoker, ingest, router } = invokerWith(1, log);

    const webhook = invoker.invoke('Ingest', { id: 'w' }, 'http');
    await settle();
    const batches = ['b1', 'b2', 'b3'].map((id) => invoker.invoke('Router', { id }, 'sqs'));
    await settle();
    expect(log).toEqual(['start w', 'start b1']);
    // Waiting invocations are work in progress: an idle check must not miss them.
    expect(invoker.active).toBe(4);

    await router.release('b1');
    await settle();
    expect(log).toEqual(['start w', 'start b1', 'end b1', 'start b2']);

    await ingest.release('w');
    await settle();
    expect(log.slice(4)).toEqual(['end w', 'start b3']);

    await router.release('b2');
    await router.release('b3');
    expect(await webhook).toEqual({ id: 'w' });
    expect(await Promise.all(batches)).toEqual([{ id: 'b1' }, { id: 'b2' }, { id: 'b3' }]);
    expect(invoker.active).toBe(0);
    expect(invoker.stats().frontDoor.deferred).toBe(2);
  });

  it('runs background invocations all at once when no webhook is being answered', async () => {
    const log: string[] = [];
    const { invoker, router } = invokerWith(1, log);

    const batches = ['b1', 'b2'].map((id) => invoker.invoke('Router', { id }, 'states'));
    await settle();
    expect(log).toEqual(['start b1', 'start b2']);

    await router.release('b1');
    await router.release('b2');
    await Promise.all(batches);
    expect(invoker.stats().frontDoor.deferred).toBe(0);
  });

  it('without a limit (time-scaled and manual-clock runs) never holds background work back', async () => {
    const log: string[] = [];
    const { invoker, ingest, router } = invokerWith(undefined, log);

    const webhook = invoker.invoke('Ingest', { id: 'w' }, 'http');
    await settle();
    const batches = ['b1', 'b2'].map((id) => invoker.invoke('Router', { id }, 'sqs'));
    await settle();
    expect(log).toEqual(['start w', 'start b1', 'start b2']);

    await Promise.all([ingest.release('w'), router.release('b1'), router.release('b2')]);
    await Promise.all([webhook, ...batches]);
    expect(invoker.stats().frontDoor.deferred).toBe(0);
  });

  it('lets the next background invocation start once the one holding the slot has run its time, though it still runs', async () => {
    const log: string[] = [];
    // A slot time of 0: the holder gives its slot back on the next turn of the event loop.
    const { invoker, ingest, router } = invokerWith(1, log, 0);

    const webhook = invoker.invoke('Ingest', { id: 'w' }, 'http');
    await settle();
    const first = invoker.invoke('Router', { id: 'b1' }, 'sqs');
    const second = invoker.invoke('Router', { id: 'b2' }, 'sqs');
    for (let i = 0; i < 50 && !log.includes('start b2'); i++) await new Promise((r) => setTimeout(r, 0));
    expect(log).toEqual(['start w', 'start b1', 'start b2']);

    await Promise.all([ingest.release('w'), router.release('b1'), router.release('b2')]);
    await Promise.all([webhook, first, second]);
    expect(invoker.stats().frontDoor.deferred).toBe(1);
  });

  it('with no slot (the real-time default) holds all background work until the webhook is answered', async () => {
    const log: string[] = [];
    const { invoker, ingest, router } = invokerWith(0, log);

    const webhook = invoker.invoke('Ingest', { id: 'w' }, 'http');
    await settle();
    const batches = ['b1', 'b2'].map((id) => invoker.invoke('Router', { id }, 'states'));
    await settle();
    expect(log).toEqual(['start w']);
    expect(invoker.active).toBe(3);

    await ingest.release('w');
    await settle();
    expect(log).toEqual(['start w', 'end w', 'start b1', 'start b2']);

    await router.release('b1');
    await router.release('b2');
    expect(await Promise.all([webhook, ...batches])).toEqual([{ id: 'w' }, { id: 'b1' }, { id: 'b2' }]);
    expect(invoker.stats().frontDoor.deferred).toBe(2);
  });

  it('lets background work wait at most backgroundMaxWaitMs, however long the webhooks go on, and runs each of it once', async () => {
    const log: string[] = [];
    const { invoker, ingest, router } = invokerWith(0, log, 60_000, 100);

    const webhook = invoker.invoke('Ingest', { id: 'w' }, 'http');
    await settle();
    const batch = invoker.invoke('Router', { id: 'b1' }, 'sqs');
    await settle();
    expect(log).toEqual(['start w']);
    // The webhook is still being answered when the bound lets the batch go.
    await untilLogged(log, 'start b1');
    expect(log).toEqual(['start w', 'start b1']);

    // The webhook's end admits what still waits: the batch let go by its bound is not started again.
    await ingest.release('w');
    await settle();
    await router.release('b1');
    expect(await Promise.all([webhook, batch])).toEqual([{ id: 'w' }, { id: 'b1' }]);
    expect(log).toEqual(['start w', 'start b1', 'end w', 'end b1']);
    expect(invoker.active).toBe(0);
  });

  it('counts a batch let go by its bound as holding a slot: the next one still waits for it', async () => {
    const log: string[] = [];
    const { invoker, ingest, router } = invokerWith(1, log, 60_000, 100);

    const webhook = invoker.invoke('Ingest', { id: 'w' }, 'http');
    await settle();
    const first = invoker.invoke('Router', { id: 'b1' }, 'sqs');
    const second = invoker.invoke('Router', { id: 'b2' }, 'sqs');
    await untilLogged(log, 'start b2');
    // b1 took the one slot; b2 was let go by its bound, past the slot.
    expect(log).toEqual(['start w', 'start b1', 'start b2']);
    await router.release('b1');
    const third = invoker.invoke('Router', { id: 'b3' }, 'sqs');
    await settle();
    // b1's end gave its slot back, but b2 holds one too, so b3 waits rather than starting at once.
    expect(log).toEqual(['start w', 'start b1', 'start b2', 'end b1']);

    await router.release('b2');
    await settle();
    expect(log).toEqual(['start w', 'start b1', 'start b2', 'end b1', 'end b2', 'start b3']);
    await Promise.all([ingest.release('w'), router.release('b3')]);
    expect(await Promise.all([webhook, first, second, third])).toEqual([{ id: 'w' }, { id: 'b1' }, { id: 'b2' }, { id: 'b3' }]);
    expect(invoker.stats().frontDoor.deferred).toBe(2);
  });
});
