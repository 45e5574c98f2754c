/**
 * Powertools logger and metrics, one per process. Logs carry ids (store, order id, kind),
 * never addresses, names or secrets.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'postpurchase' });
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'postpurchase', serviceName: 'postpurchase' });

/** Counts an email sent, per kind (the dashboard's "emails sent per kind"). */
export function countEmail(kind: string): void {
  const m = metrics.singleMetric();
  m.addDimension('kind', kind);
  m.addMetric('EmailsSent', MetricUnit.Count, 1);
}

export { MetricUnit };
