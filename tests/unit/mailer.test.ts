import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { Mailer, ledgerTag, parseLedgerTag } from '../../functions/adapters/mailer.js';

const ses = mockClient(SESv2Client);
const email = { from: 'Shop <orders@shop.example>', to: 'a@example.com', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi', headers: [], tags: { kind: 'receipt' } };
const error = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const mailer = () => new Mailer(new SESv2Client({ region: 'us-east-1', maxAttempts: 1 }), 'cs', { throttleBackoffMs: 1 });

describe('mailer', () => {
  beforeEach(() => ses.reset());

  it('retries a throttled send, which SES certainly did not accept', async () => {
    ses.on(SendEmailCommand).rejectsOnce(error('TooManyRequestsException', 429)).rejectsOnce(error('TooManyRequestsException', 429)).resolves({ MessageId: 'm-1' });
    expect(await mailer().send(email)).toEqual({ status: 'sent', messageId: 'm-1' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
  });

  it('never repeats a send whose answer was a server error: SES may have accepted it', async () => {
    ses.on(SendEmailCommand).rejectsOnce(error('InternalFailure', 500)).resolves({ MessageId: 'm-2' });
    expect(await mailer().send(email)).toEqual({ status: 'unknown', reason: 'InternalFailure' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('reports a rejection as permanent', async () => {
    ses.on(SendEmailCommand).rejects(error('MessageRejected', 400));
    expect(await mailer().send(email)).toEqual({ status: 'rejected', reason: 'MessageRejected' });
  });

  it('encodes ledger keys into a tag value SES accepts, and back', () => {
    const tag = ledgerTag('acme.myshopify.com', '#1001/ä', 'delay_notice', 'ship:2026-11-25T16:00:00.000Z');
    expect(tag).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(parseLedgerTag(tag)).toEqual({ store: 'acme.myshopify.com', orderId: '#1001/ä', kind: 'delay_notice', ref: 'ship:2026-11-25T16:00:00.000Z' });
    expect(parseLedgerTag('not-ours')).toBeUndefined();
  });
});
