import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, startServer } from '../../local/aws-json.js';
import { LocalStepFunctions } from '../../local/step-functions.js';
import { describeApp, type LocalApp } from '../../local/template.js';
import { synthFixtureTemplate } from '../../local/testing/fixture-stack.js';

interface Waiting {
  token: string;
  phase: string;
  wait: { seconds: number };
}

let app: LocalApp;
beforeAll(() => {
  app = describeApp(synthFixtureTemplate());
}, 60_000);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A Step Functions endpoint with scripted notify and await functions. */
async function harness(options: { timeScale?: number; recordFile?: string; notify?: (e: Record<string, unknown>) => unknown; waitSeconds?: number } = {}) {
  const sent: string[] = [];
  const notified: Array<Record<string, unknown>> = [];
  const waiting: Waiting[] = [];
  let onWaiting: (() => void) | undefined;
  const byId = Object.fromEntries(Object.values(app.functions).map((f) => [f.logicalId, f.entry]));
  const sf = new LocalStepFunctions({
    definition: app.stateMachine.definition,
    stateMachineArn: app.stateMachine.arn,
    tasks: app.tasks,
    timeScale: options.timeScale ?? 1,
    recordFile: options.recordFile,
    random: () => 1,
    invoke: async (id, payload) => {
      const event = payload as Record<string, unknown>;
      if (byId[id] === 'notify') {
        const custom = options.notify?.(event);
        sent.push(String(event.kind));
        notified.push(event);
        return custom ?? { order: event.order, steps: Number(event.steps) + 1, wait: { seconds: options.waitSeconds ?? 3600 } };
      }
      waiting.push({ token: String(event.taskToken), phase: String(event.phase), wait: event.wait as { seconds: number } });
      onWaiting?.();
      return null;
    },
  });
  const { server, url } = await startServer(sf.listener);
  const client = new SFNClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  cleanups.push(async () => {
    client.destroy();
    await sf.close();
    await closeServer(server);
  });
  const nextWait = (count: number) =>
    new Promise<Waiting>((resolve) => {
      const check = () => {
        if (waiting.length >= count) resolve(waiting[count - 1]!);
        else onWaiting = check;
      };
      check();
    });
  const start = (name: string, seconds = 3600) =>
    client.send(
      new StartExecutionCommand({
        stateMachineArn: app.stateMachine.arn,
        name,
        input: JSON.stringify({ Payload: { order: { store: 's', orderId: name }, steps: 0, wait: { seconds } } }),
      }),
    );
  return { sf, client, sent, notified, waiting, nextWait, start };
}

const payload = (seconds: number) => JSON.stringify({ Payload: { order: { store: 's', orderId: 'o' }, steps: 3, wait: { seconds } } });

describe('local Step Functions endpoint', () => {
  it('answers a repeated StartExecution with the same name and input with the same execution', async () => {
    const h = await harness();
    const first = await h.start('order-1');
    const again = await h.start('order-1');

    expect(again.executionArn).toBe(first.executionArn);
    expect(first.startDate).toBeInstanceOf(Date);
    expect(h.sf.executions()).toHaveLength(1);
  });

  it('rejects the same name with a different input as ExecutionAlreadyExists', async () => {
    const h = await harness();
    await h.start('order-2');

    const error = await h
      .start('order-2', 60)
      .then(() => undefined)
      .catch((e: Error & { $metadata?: { httpStatusCode?: number } }) => e);

    expect(error?.name).toBe('ExecutionAlreadyExists');
    expect(error?.$metadata?.httpStatusCode).toBe(400);
  });

  it('moves on with the output given to SendTaskSuccess', async () => {
    const h = await harness();
    await h.start('order-3');
    const shipment = await h.nextWait(1);

    await h.client.send(new SendTaskSuccessCommand({ taskToken: shipment.token, output: payload(3600) }));
    const delivery = await h.nextWait(2);

    expect(shipment.phase).toBe('shipment');
    expect(delivery.phase).toBe('delivery');
    // The output handed to SendTaskSuccess became the state data of the next state.
    expect(h.notified[1]).toMatchObject({ kind: 'shipping_confirmation', steps: 3 });
    expect(h.sent).toEqual(['receipt', 'shipping_confirmation']);
    expect(delivery.token).not.toBe(shipment.token);
  });

  it('routes SendTaskFailure by its error name through the Catch clauses', async () => {
    const h = await harness();
    const { executionArn } = await h.start('order-4');
    const shipment = await h.nextWait(1);

    await h.client.send(new SendTaskFailureCommand({ taskToken: shipment.token, error: 'OrderCancelled', cause: 'refunded' }));
    const done = await h.sf.whenDone('order-4');
    const described = await h.client.send(new DescribeExecutionCommand({ executionArn }));

    expect(h.sent).toEqual(['receipt', 'cancellation']);
    expect(done.status).toBe('SUCCEEDED');
    expect(described.status).toBe('SUCCEEDED');
    expect(described.stopDate).toBeInstanceOf(Date);
    // SendReceipt, AwaitShipment, SendCancellation
    expect(done.stateTransitions).toBe(3);
  });

  it('times a wait out after wait.seconds divided by the time scale', async () => {
    const h = await harness({ timeScale: 36_000 }); // 3600 s of virtual time = 100 ms
    const startedAt = Date.now();
    await h.start('order-5');
    await h.nextWait(1);

    const second = await h.nextWait(2);
    const elapsed = Date.now() - startedAt;

    expect(h.sent).toEqual(['receipt', 'delay_notice']);
    expect(second.phase).toBe('shipment');
    // Not early; how late depends on the machine's load (unscaled, it would wait an hour and time out).
    expect(elapsed).toBeGreaterThanOrEqual(90);
  });

  it('keeps waiting on a deadline longer than Node timers allow (40 days at real time)', async () => {
    const h = await harness({ waitSeconds: 40 * 86_400 });
    await h.start('order-6', 40 * 86_400);
    const shipment = await h.nextWait(1);

    await new Promise((r) => setTimeout(r, 150));
    expect(h.waiting).toHaveLength(1);
    expect(h.sent).toEqual(['receipt']);
    await h.client.send(new SendTaskHeartbeatCommand({ taskToken: shipment.token }));
    await h.client.send(new SendTaskSuccessCommand({ taskToken: shipment.token, output: payload(3600) }));
    await h.nextWait(2);
    expect(h.sent).toEqual(['receipt', 'shipping_confirmation']);
  });

  it('answers a settled token with TaskTimedOut and a malformed one with InvalidToken', async () => {
    const h = await harness();
    await h.start('order-7');
    const shipment = await h.nextWait(1);
    await h.client.send(new SendTaskSuccessCommand({ taskToken: shipment.token, output: payload(3600) }));

    const settled = await h.client.send(new SendTaskSuccessCommand({ taskToken: shipment.token, output: '{}' })).catch((e: Error) => e);
    const malformed = await h.client.send(new SendTaskFailureCommand({ taskToken: 'nonsense', error: 'X' })).catch((e: Error) => e);
    const stale = await h.client
      .send(new SendTaskSuccessCommand({ taskToken: '0123456789ab.1.abcdef', output: '{}' }))
      .catch((e: Error) => e);

    expect((settled as Error).name).toBe('TaskTimedOut');
    expect((malformed as Error).name).toBe('InvalidToken');
    expect((stale as Error).name).toBe('TaskDoesNotExist');
  });

  it('retries a failed task with the backoff of the definition, scaled', async () => {
    let failures = 2;
    const h = await harness({
      timeScale: 1000, // TransientFailure: 5 s then 10 s → 5 ms then 10 ms
      notify: (e) => {
        if (e.kind === 'receipt' && failures-- > 0) throw Object.assign(new Error('SES throttled'), { name: 'TransientFailure' });
        return undefined;
      },
    });
    const startedAt = Date.now();
    await h.start('order-8');
    await h.nextWait(1);

    const record = h.sf.execution('order-8')!;
    expect(record.retries).toBe(2);
    expect(record.history.filter((e) => e.type === 'StateRetried')).toHaveLength(2);
    expect(record.history.find((e) => e.type === 'StateFailed')?.error).toBe('TransientFailure');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(15);
  });

  it('keeps the history of a failed execution once it has ended, with the error and its cause', async () => {
    const h = await harness({
      notify: () => {
        throw Object.assign(new Error('the table said no'), { name: 'ValidationException' });
      },
    });
    await h.start('order-f');
    const done = await h.sf.whenDone('order-f');

    expect(done.status).toBe('FAILED');
    const failedTask = h.sf.execution('order-f')!.history.find((e) => e.error === 'ValidationException');
    expect(failedTask).toMatchObject({ error: 'ValidationException', cause: expect.stringContaining('the table said no') });
  });

  it('lists executions with their status', async () => {
    const h = await harness();
    await h.start('order-9');
    await h.start('order-10');
    const w = await h.nextWait(2);
    await h.client.send(new SendTaskFailureCommand({ taskToken: w.token, error: 'OrderClosed' }));
    await h.sf.whenDone('order-10');

    const all = await h.client.send(new ListExecutionsCommand({ stateMachineArn: app.stateMachine.arn }));
    const running = await h.client.send(new ListExecutionsCommand({ stateMachineArn: app.stateMachine.arn, statusFilter: 'RUNNING' }));

    expect(all.executions?.map((e) => e.name).sort()).toEqual(['order-10', 'order-9']);
    expect(running.executions?.map((e) => e.name)).toEqual(['order-9']);
  });

  it('times the whole execution out after TimeoutSeconds, scaled', async () => {
    const h = await harness({ timeScale: 1e8 }); // 180 days → about 155 ms
    await h.start('order-11', 1e9);

    const done = await h.sf.whenDone('order-11');

    expect(done.status).toBe('TIMED_OUT');
    expect(done.stopDate! - done.startDate).toBeGreaterThanOrEqual(140);
  });

  it('restarts executions recorded as running when a new instance resumes them', async () => {
    const recordFile = join(mkdtempSync(join(tmpdir(), 'sfn-')), 'executions.jsonl');
    const first = await harness({ recordFile });
    await first.start('order-12');
    await first.nextWait(1);
    await first.sf.close();

    const second = await harness({ recordFile });
    const resumed = second.sf.resumeRunning();
    await second.nextWait(1);

    expect(resumed).toEqual(['order-12']);
    expect(second.sent).toEqual(['receipt']);
    expect(second.sf.execution('order-12')).toMatchObject({ status: 'RUNNING', runs: 2 });
    const repeat = await second.start('order-12');
    expect(repeat.executionArn).toContain(':execution:');
  });
});
