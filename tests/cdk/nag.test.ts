import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { synth, type Synthesized } from './support.js';

let s: Synthesized;
beforeAll(() => {
  s = synth({ config: 'config/dev.json' });
});

/** Every acknowledgement recorded in the construct tree: rule id and reason. */
function acknowledgements(): Array<{ path: string; id: string; reason: string }> {
  return s.stack.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason })),
      ),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('report no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(s.stack);
    const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });

  it('acknowledge each wildcard finding by its exact resource, never the whole rule', () => {
    const iam5 = acknowledgements().filter((a) => a.id.startsWith('AwsSolutions-IAM5'));
    expect(iam5.length).toBeGreaterThan(0);
    for (const a of iam5) expect(a.id, a.path).toMatch(/^AwsSolutions-IAM5\[(Resource|Action)::.+\]$/);
  });

  it('give every acknowledgement a specific reason', () => {
    for (const a of acknowledgements()) {
      expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(60);
    }
  });
});
