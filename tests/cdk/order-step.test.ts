import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { EXPRESS_MAX, OrderStepWorkflow } from '../../lib/order-workflow.js';
import { joinToText } from './support.js';

interface Asl {
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<
    string,
    {
      Type: string;
      Next?: string;
      Default?: string;
      TimeoutSeconds?: number;
      Parameters?: { Payload?: Record<string, unknown> };
      Choices?: Array<{ Next: string }>;
      Retry?: Array<{ ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number; MaxDelaySeconds?: number }>;
      Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
    }
  >;
}

function synthStep(): { template: Template; asl: Asl } {
  const stack = new Stack(new App(), 'T', { env: { account: '111111111111', region: 'eu-west-1' } });
  const fn = new lambda.Function(stack, 'Step', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
  new OrderStepWorkflow(stack, 'Steps', { stepFunction: fn });
  const template = Template.fromStack(stack);
  const [sm] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  return { template, asl: JSON.parse(joinToText(sm!.Properties.DefinitionString)) as Asl };
}

describe('the order step machine (issue 15)', () => {
  const { template, asl } = synthStep();

  it('is an Express machine that ends within what Express allows', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'EXPRESS' });
    expect(asl.TimeoutSeconds).toBe(EXPRESS_MAX.toSeconds());
  });

  it('steps again while the step says it sent and there is more, and otherwise rests', () => {
    expect(asl.StartAt).toBe('Step');
    expect(asl.States.Step!.Next).toBe('More');
    expect(asl.States.More!.Choices!.map((c) => c.Next)).toEqual(['Step']);
    expect(asl.States[asl.States.More!.Default!]!.Type).toBe('Succeed');
  });

  it('leases the order when a step fails past its retries, then fails the execution', () => {
    expect(asl.States.Step!.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Lease' })]);
    expect(asl.States.Lease!.Parameters!.Payload).toEqual({ 'order.$': '$.order', 'cause.$': '$.cause', lease: true });
    expect(asl.States.Lease!.Next).toBe('Failed');
    expect(asl.States.Lease!.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Failed' })]);
    expect(asl.States.Failed!.Type).toBe('Fail');
  });

  // A step that times out on every attempt, then a lease that does too: the lease must still be
  // tried before Express ends the execution (it would end it without a Catch).
  it('tries every step attempt and every lease attempt, each to its timeout, within what Express allows', () => {
    const worst = (state: string, errors: string) => {
      const s = asl.States[state]!;
      const r = s.Retry!.find((x) => x.ErrorEquals.includes(errors))!;
      let pauses = 0;
      for (let a = 0; a < r.MaxAttempts; a++) pauses += Math.min(r.IntervalSeconds * r.BackoffRate ** a, r.MaxDelaySeconds ?? Infinity);
      return (r.MaxAttempts + 1) * s.TimeoutSeconds! + pauses;
    };
    expect(worst('Step', 'States.Timeout') + worst('Lease', 'States.ALL')).toBeLessThan(EXPRESS_MAX.toSeconds());
  });
});
