#!/usr/bin/env node
/**
 * The CDK app (`npx cdk synth|deploy`). The configuration file comes from the `config` context
 * value (cdk.json points at config/dev.json; deploys pass `-c config=config/production.json`);
 * `-c nag=true` also runs the cdk-nag AwsSolutions checks during synth.
 */
import { buildApp } from '../lib/build-app.js';

try {
  buildApp().app.synth();
} catch (err) {
  // A config error is the common case: print its message without a stack trace.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
