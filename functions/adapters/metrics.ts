/** Powertools metrics, one per process, for the entries that count (ingest, notify). */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'postpurchase', serviceName: 'postpurchase' });

/** Counts an email sent, per kind (the dashboard's "emails sent per kind"). */
export function countEmail(kind: string): void {
  const m = metrics.singleMetric();
  m.addDimension('kind', kind);
  m.addMetric('EmailsSent', MetricUnit.Count, 1);
}

export { MetricUnit };
