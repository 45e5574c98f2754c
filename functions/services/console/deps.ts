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

export interface ConsoleDeps {
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
