/**
 * The Powertools logger, one per process. Logs carry ids (store, order id, kind), never
 * addresses, names or secrets. Metrics live in ./metrics.ts, so the entries that count
 * nothing (pages, console) do not bundle Powertools Metrics (about 13 KB).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'postpurchase' });
