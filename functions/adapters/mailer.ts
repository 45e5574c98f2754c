/**
 * Sends one rendered email through SES v2 with the configuration set (so SES publishes its
 * send, delivery, bounce and complaint events) and tags that let those events find the ledger.
 * Errors are classified: throttling means "certainly not sent"; a rejection is permanent;
 * anything else is ambiguous (SES may have accepted it) and leaves the claim for SES's events.
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';

export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
  tags: Record<string, string>;
}

export type SendOutcome =
  | { status: 'sent'; messageId: string }
  | { status: 'not_sent'; reason: string }
  | { status: 'rejected'; reason: string }
  | { status: 'unknown'; reason: string };

const THROTTLED = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException', 'SendingPausedException']);
const REJECTED = new Set(['MessageRejected', 'BadRequestException', 'MailFromDomainNotVerifiedException', 'NotFoundException', 'AccountSuspendedException']);

export interface MailerOptions {
  /** Attempts when SES throttles (certainly not sent, so safe to repeat at once). @default 3 */
  throttleAttempts?: number;
  /** @default 100 ms, doubling, with full jitter */
  throttleBackoffMs?: number;
}

/**
 * The SES client given here must not retry on its own (`maxAttempts: 1`): the SDK's standard
 * retry repeats a SendEmail whose 5xx answer may hide an accepted message, which would send a
 * second copy. Only throttling, where SES certainly sent nothing, is retried here.
 */
export class Mailer {
  private readonly throttleAttempts: number;
  private readonly backoffMs: number;

  constructor(
    private readonly ses: SESv2Client,
    private readonly configurationSet: string | undefined,
    options: MailerOptions = {},
  ) {
    this.throttleAttempts = options.throttleAttempts ?? 3;
    this.backoffMs = options.throttleBackoffMs ?? 100;
  }

  async send(email: OutgoingEmail): Promise<SendOutcome> {
    let outcome: SendOutcome = { status: 'not_sent', reason: 'not attempted' };
    for (let attempt = 0; attempt < this.throttleAttempts; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * this.backoffMs * 2 ** attempt));
      outcome = await this.sendOnce(email);
      if (outcome.status !== 'not_sent') return outcome;
    }
    return outcome;
  }

  private async sendOnce(email: OutgoingEmail): Promise<SendOutcome> {
    try {
      const res = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: email.from,
          Destination: { ToAddresses: [email.to] },
          ReplyToAddresses: email.replyTo ? [email.replyTo] : undefined,
          ConfigurationSetName: this.configurationSet,
          EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })),
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
              Headers: email.headers.length ? email.headers.map((h) => ({ Name: h.name, Value: h.value })) : undefined,
            },
          },
        }),
      );
      if (!res.MessageId) return { status: 'unknown', reason: 'no message id in the response' };
      return { status: 'sent', messageId: res.MessageId };
    } catch (e) {
      const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
      const name = err.name ?? 'Error';
      if (THROTTLED.has(name) || err.$metadata?.httpStatusCode === 429) return { status: 'not_sent', reason: name };
      if (REJECTED.has(name)) return { status: 'rejected', reason: name };
      return { status: 'unknown', reason: name };
    }
  }
}

/** SES tag values allow only letters, digits, '_', '-' and '.': carry free-form ids base64url-encoded. */
export function ledgerTag(store: string, orderId: string, kind: string, ref: string): string {
  return Buffer.from(JSON.stringify([store, orderId, kind, ref])).toString('base64url');
}

export function parseLedgerTag(value: string): { store: string; orderId: string; kind: string; ref: string } | undefined {
  try {
    const [store, orderId, kind, ref] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as string[];
    if (store && orderId && kind && ref) return { store, orderId, kind, ref };
  } catch {
    /* not ours */
  }
  return undefined;
}
