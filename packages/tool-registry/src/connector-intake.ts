import type { CatalogueItem, KindSpec } from './catalogue-kinds.js';
import { ToolRegistryError } from './errors.js';
import { applyItemLimits, describeLimitFinding, type LimitFinding, type ToolLimits } from './tool-limits.js';
import { utf8Length } from './utf8-text.js';
import type { ToolRegistryWarning } from './warning-types.js';

/** How one replace call treats one kind of its input. */
export interface IntakeRules {
  readonly connectorId: string;
  readonly limits: ToolLimits;
  readonly onInvalidTool: 'throw' | 'skip';
  /** The public name (or URI) an upstream one would get, before collision handling; for warnings. */
  readonly wouldBe: (original: string) => string;
}

/** The `onInvalidTool` option, defaulted. @throws {ToolRegistryError} `invalid_options` for other values. */
export function resolveOnInvalidTool(value: unknown): 'throw' | 'skip' {
  if (value === undefined) return 'throw';
  if (value === 'throw' || value === 'skip') return value;
  throw new ToolRegistryError(
    'invalid_options',
    `Option onInvalidTool is ${JSON.stringify(value)}; pass 'throw' or 'skip' (or leave it out for 'throw').`,
  );
}

/** The entries that may go on to naming (in the order given), and what was left out or cut on the way. */
export interface Intake {
  readonly items: readonly CatalogueItem[];
  readonly warnings: readonly ToolRegistryWarning[];
}

/**
 * Screens a connector's raw list of one kind before naming: keeps the first `max…PerConnector` entries,
 * checks each one's shape (throwing, or skipping it, per `onInvalidTool`), leaves out URIs over
 * `maxUriBytes`, then holds it to the size limits (cutting long text, leaving out oversized or over-deep
 * JSON). Every entry left out or cut gets a warning naming it; the rest always go through. Nothing here
 * recurses, so hostile input cannot overflow the stack before the limits have been checked.
 *
 * @throws {ToolRegistryError} `invalid_tool` / `invalid_item` for a malformed entry when `onInvalidTool`
 *   is `'throw'`.
 */
export function screenConnectorItems(rules: IntakeRules, spec: KindSpec, items: readonly unknown[]): Intake {
  const warnings: ToolRegistryWarning[] = [];
  const max = rules.limits[spec.countLimit];
  if (items.length > max) warnings.push(tooMany(rules, spec, items[max], items.length));
  const admitted: CatalogueItem[] = [];
  items.slice(0, max).forEach((item, index) => {
    const label = itemLabel(spec, rules.connectorId, item, index);
    const problem = spec.problem(item);
    if (problem !== undefined) {
      if (rules.onInvalidTool === 'throw') {
        throw new ToolRegistryError(spec.invalidCode, `${label} ${problem.text}; nothing was registered.`);
      }
      warnings.push({
        ...about(rules, spec, item, index),
        code: problem.uri === true ? 'invalid_uri' : spec.invalidCode,
        message: `${label} ${problem.text}; it was left out and the connector's other ${others(spec)} are registered. Fix the upstream ${spec.label.toLowerCase()}.`,
      });
      return;
    }
    const uriBytes = spec.naming === 'uri' ? utf8Length(keyOf(spec, item) ?? '') : 0;
    if (uriBytes > rules.limits.maxUriBytes) {
      warnings.push(uriTooLong(rules, spec, item, index, uriBytes));
      return;
    }
    const outcome = applyItemLimits(item as CatalogueItem, rules.limits, spec.limited);
    if (outcome.rejected !== undefined) {
      warnings.push(limitWarning(rules, spec, item, index, outcome.rejected, 'it was left out'));
      return;
    }
    for (const finding of outcome.truncated) {
      warnings.push(limitWarning(rules, spec, item, index, finding, 'it was published cut to fit'));
    }
    admitted.push(outcome.tool);
  });
  return { items: admitted, warnings };
}

/** Longest upstream name quoted in a message; the warning's `originalName` member has it whole. */
const QUOTED_NAME_MAX_LENGTH = 128;

/** `Tool #2 ("search") of connector "c"`: the position always, the name (or URI) when there is one. */
function itemLabel(spec: KindSpec, connectorId: string, item: unknown, index: number): string {
  const name = keyOf(spec, item);
  const quoted =
    name === undefined || name.length <= QUOTED_NAME_MAX_LENGTH
      ? name
      : `${name.slice(0, QUOTED_NAME_MAX_LENGTH)}…`;
  return `${spec.label} #${index}${quoted === undefined ? '' : ` (${JSON.stringify(quoted)})`} of connector "${connectorId}"`;
}

function keyOf(spec: KindSpec, item: unknown): string | undefined {
  const key =
    typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[spec.keyField] : undefined;
  return typeof key === 'string' ? key : undefined;
}

/** The members every intake warning shares. */
function about(rules: IntakeRules, spec: KindSpec, item: unknown, index: number) {
  const original = keyOf(spec, item);
  return {
    kind: spec.kind,
    connectorId: rules.connectorId,
    originalName: original ?? '',
    name: original === undefined ? '' : rules.wouldBe(original),
    index,
  };
}

/** `tools`, `resources`, `resource templates`, `prompts`: how messages name a kind's list. */
function others(spec: KindSpec): string {
  return spec.kind === 'resourceTemplates' ? 'resource templates' : spec.kind;
}

function tooMany(
  rules: IntakeRules,
  spec: KindSpec,
  firstLeftOut: unknown,
  count: number,
): ToolRegistryWarning {
  const limit = rules.limits[spec.countLimit];
  const what = others(spec);
  return {
    ...about(rules, spec, firstLeftOut, limit),
    code: spec.tooManyCode,
    message: `Connector "${rules.connectorId}" listed ${count} ${what}, over ${spec.countLimit} (${limit}); only the first ${limit} are registered. Reduce the upstream server's ${what} or raise the limit.`,
    limit,
    actual: count,
  };
}

function uriTooLong(
  rules: IntakeRules,
  spec: KindSpec,
  item: unknown,
  index: number,
  bytes: number,
): ToolRegistryWarning {
  const limit = rules.limits.maxUriBytes;
  return {
    ...about(rules, spec, item, index),
    code: 'uri_too_long',
    message: `${itemLabel(spec, rules.connectorId, item, index)}: its ${spec.keyField} is ${bytes} UTF-8 bytes, over maxUriBytes (${limit}); it was left out, the connector's other ${others(spec)} are registered. Shorten it upstream or raise the limit.`,
    field: spec.keyField,
    limit,
    actual: bytes,
  };
}

function limitWarning(
  rules: IntakeRules,
  spec: KindSpec,
  item: unknown,
  index: number,
  finding: LimitFinding,
  outcome: string,
): ToolRegistryWarning {
  return {
    ...about(rules, spec, item, index),
    ...finding,
    message: `${itemLabel(spec, rules.connectorId, item, index)}: ${describeLimitFinding(finding)}; ${outcome}, the connector's other ${others(spec)} are registered. Fix the upstream ${spec.label.toLowerCase()} or raise the limit.`,
  };
}
