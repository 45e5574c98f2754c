/**
 * Log lines that CloudWatch metric filters count (lib/monitoring.ts): a metric from a log line
 * costs no library in the bundle (Powertools Metrics for notify's one counter was 11.8 KB).
 */

/** notify, once per email handed to SES, with its `kind`: the EmailsSent metric per kind. */
export const EMAIL_SENT_LOG = 'email sent';
