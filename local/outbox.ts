/**
 * Every email SES accepted during local runs, oldest first, kept as JSON lines in the data
 * directory so it survives restarts. The SES proxy fills it; `/_local/outbox` shows it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Email {
  messageId: string;
  /** Recipients, comma-separated when there are several. */
  to: string;
  from: string;
  subject: string;
  html?: string;
  text?: string;
  /** Headers the sender set (SendEmail's Content.Simple.Headers). */
  headers: Record<string, string>;
  /** EmailTags as sent. */
  tags: Record<string, string>;
  kind?: string;
  orderId?: string;
  store?: string;
  configurationSet?: string;
  /** When SES accepted it (ISO 8601). */
  at: string;
}

export class Outbox {
  private emails: Email[] = [];
  private readonly byId = new Map<string, Email>();

  /** @param file JSON-lines file to persist to; in memory when absent. */
  constructor(private readonly file?: string) {
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      if (existsSync(file)) {
        for (const line of readFileSync(file, 'utf8').split('\n')) {
          if (!line.trim()) continue;
          try {
            this.remember(JSON.parse(line) as Email);
          } catch {
            // a line cut short by a crash
          }
        }
      }
    }
  }

  add(email: Email): void {
    this.remember(email);
    if (this.file) appendFileSync(this.file, JSON.stringify(email) + '\n');
  }

  list(): Email[] {
    return [...this.emails];
  }

  get(messageId: string): Email | undefined {
    return this.byId.get(messageId);
  }

  clear(): void {
    this.emails = [];
    this.byId.clear();
    if (this.file) writeFileSync(this.file, '');
  }

  get size(): number {
    return this.emails.length;
  }

  private remember(email: Email): void {
    this.emails.push(email);
    this.byId.set(email.messageId, email);
  }
}
