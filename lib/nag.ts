/**
 * Helpers for acknowledging cdk-nag findings (cdk-nag 3 reads CDK's native
 * `Validations.of(scope).acknowledge()`; the v2 `NagSuppressions` API is gone). A wildcard
 * finding's id embeds the flattened resource (`Resource::<Table1234.Arn>/index/*`), so it is
 * computed here from the same token the grant used rather than copied by hand.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** cdk-nag's rendering of a CloudFormation value: Ref → `<Id>`, GetAtt → `<Id.Attr>`, Join concatenated. */
export function flattenCfnValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenCfnValue).join(delimiter);
  }
  if (node['Fn::Sub']) return flattenCfnValue(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenCfnValue(resource)}.${flattenCfnValue(attribute)}>`;
  }
  if (node['Fn::ImportValue']) return flattenCfnValue(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenCfnValue(node.Ref)}>`;
  return JSON.stringify(value);
}

/** The AwsSolutions-IAM5 finding id for a wildcard resource such as `${table.tableArn}/index/*`. */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnValue(Stack.of(scope).resolve(resource))}]`;
}

/** Acknowledges one finding on a construct (and everything below it) with the reason it is acceptable. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}
