/** What the console's use cases need, built once per process by functions/console.ts (or a test). */
import type { ConsoleStore } from '../../adapters/console-store.js';
import type { DeadLetterQueue } from '../../adapters/dead-letters.js';
import type { Mailer } from '../../adapters/mailer.js';
import type { OrderStore } from '../../adapters/order-store.js';
import type { SignInService, VerifyAccessToken } from '../../adapters/console-auth.js';
import type { StoreConfig } from '../../domain/store-config.js';

export interface ConsoleLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

/** A review waiting for a decision, as the feedback inbox shows it. */
export interface PendingReview {
  id: string;
  orderId?: string;
  rating: number;
  title?: string;
  body: string;
  at: string;
}

/**
 * Where product reviews' moderation (issue 14) plugs into the feedback inbox: its pending
 * queue, approve or reject, and one public reply. The console checks the store, the session and
 * the CSRF token, and passes who decided; the implementation records it and keeps each
 * decision and reply once.
 */
export interface ModerationQueue {
  pending(store: string, limit: number): Promise<PendingReview[]>;
  decide(store: string, reviewId: string, decision: 'approve' | 'reject', by: string): Promise<'done' | 'already_decided' | 'not_found'>;
  reply(store: string, reviewId: string, text: string, by: string): Promise<'done' | 'already_replied' | 'not_found'>;
}

export interface ConsoleDeps {
  /** Review moderation, once reviews exist (issue 14). @default - none: the inbox says reviews are not collected */
  moderation?: ModerationQueue;
  /** Configured stores, canonical ids, in configuration order. */
  stores: readonly StoreConfig[];
  configFor: (store: string) => StoreConfig | undefined;
  verify: VerifyAccessToken;
  auth: SignInService;
  consoleStore: ConsoleStore;
  orders: OrderStore;
  mailer: Mailer;
  sender: string;
  /** Keys the forms' CSRF tokens. */
  secret: () => Promise<string>;
  deadLetters: DeadLetterQueue;
  /** Wakes the order's waiting state after a stop (so it ends now rather than at its deadline). */
  wake: (store: string, orderId: string) => Promise<unknown>;
  now: () => Date;
  logger: ConsoleLogger;
}

export interface ConsoleRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  cookies?: string[];
  body?: string;
  /** Claims API Gateway's JWT authorizer verified (the JSON API routes). */
  authorizerClaims?: Record<string, unknown>;
}

export interface ConsoleResponse {
  status: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: string;
  isBase64Encoded?: boolean;
}
