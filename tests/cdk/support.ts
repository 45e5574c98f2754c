/**
 * Shared helpers for the CDK tests: one in-process synth (bundling skipped) and small readers
 * over the template, so each test states intent instead of digging through logical ids.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BuildAppOptions, type BuiltApp } from '../../lib/build-app.js';
import { ENTRY_METADATA_KEY, type EntryName } from '../../lib/handler-function.js';

/** A fixed account and region keep ARNs in the template deterministic. */
export const TEST_ENV = { account: '111111111111', region: 'eu-west-1' } as const;

export interface Synthesized extends BuiltApp {
  readonly template: Template;
  readonly json: CfnTemplate;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

export interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Synthesizes the app the way `cdk synth` does (cdk.json context, config/dev.json by default), without bundling. */
export function synth(options: Omit<BuildAppOptions, 'skipBundling'> = {}): Synthesized {
  const built = buildApp({ env: TEST_ENV, ...options, skipBundling: true });
  const template = Template.fromStack(built.stack);
  return { ...built, template, json: template.toJSON() as CfnTemplate };
}

export function resourcesOfType(json: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(json.Resources).filter(([, r]) => r.Type === type);
}

/** The Lambda function built from `functions/<entry>.ts`, found by its entry metadata. */
export function functionFor(json: CfnTemplate, entry: EntryName): [string, CfnResource] {
  const found = resourcesOfType(json, 'AWS::Lambda::Function').filter(([, r]) => r.Metadata?.[ENTRY_METADATA_KEY] === entry);
  if (found.length !== 1) throw new Error(`expected one function for entry "${entry}", found ${found.length}`);
  return found[0]!;
}

export function envOf(json: CfnTemplate, entry: EntryName): Record<string, unknown> {
  return functionFor(json, entry)[1].Properties?.Environment?.Variables ?? {};
}

/** Every statement of every IAM policy attached to the role of the function built from `entry`. */
export function statementsOf(json: CfnTemplate, entry: EntryName): PolicyStatement[] {
  const [, fn] = functionFor(json, entry);
  const roleId = (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return resourcesOfType(json, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties!.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
    .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as PolicyStatement[]);
}

export const actionsOf = (s: PolicyStatement): string[] => ([] as string[]).concat(s.Action);
export const resourcesOf = (s: PolicyStatement): unknown[] => ([] as unknown[]).concat(s.Resource);

/** Statements granting `action` (exact match). */
export function grantsOf(statements: PolicyStatement[], action: string): PolicyStatement[] {
  return statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action));
}

/** The logical id of the only resource of a type. */
export function onlyIdOf(json: CfnTemplate, type: string): string {
  const found = resourcesOfType(json, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]![0];
}

/**
 * Turns a CloudFormation `Fn::Join` of strings and intrinsics into plain text, with each
 * intrinsic replaced by a placeholder: enough to parse a state machine definition.
 */
export function joinToText(value: unknown, placeholder = 'TOKEN'): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => (typeof part === 'string' ? part : placeholder)).join(join[0]);
  return placeholder;
}

/** Resource-to-resource references (Ref, GetAtt, Sub, DependsOn) form no cycle, which CloudFormation would reject. */
export function findDependencyCycle(json: CfnTemplate): string[] | undefined {
  const ids = new Set(Object.keys(json.Resources));
  const edges = new Map<string, Set<string>>();
  const collect = (node: unknown, into: Set<string>): void => {
    if (Array.isArray(node)) return node.forEach((n) => collect(n, into));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string' && ids.has(value)) into.add(value);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(value) ? String(value[0]) : String(value).split('.')[0]!);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(value) ? String(value[0]) : String(value);
        for (const m of text.matchAll(/\$\{([^}.!]+)/g)) if (ids.has(m[1]!)) into.add(m[1]!);
        collect(value, into);
      } else collect(value, into);
    }
  };
  for (const [id, resource] of Object.entries(json.Resources)) {
    const into = new Set<string>();
    collect(resource.Properties, into);
    for (const d of ([] as string[]).concat(resource.DependsOn ?? [])) into.add(d);
    edges.set(id, into);
  }
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    if (!state.has(id)) {
      const cycle = visit(id);
      if (cycle) return cycle;
    }
  }
  return undefined;
}
