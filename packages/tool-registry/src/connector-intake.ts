import { ToolRegistryError } from './errors.js';
import { invalidTool, toolProblem } from './tool-entry.js';
import { applyToolLimits, describeLimitFinding, type LimitFinding, type ToolLimits } from './tool-limits.js';
import { publicNameParts } from './tool-name.js';
import type { ConnectorToolDefinition, ToolRegistryWarning } from './types.js';

/** How one `replaceConnectorTools()` call treats its input. */
export interface IntakeRules {
  readonly connectorId: string;
  readonly namespace: string;
  readonly limits: ToolLimits;
  readonly onInvalidTool: 'throw' | 'skip';
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
  readonly tools: readonly ConnectorToolDefinition[];
  readonly warnings: readonly ToolRegistryWarning[];
}

/**
 * Screens a connector's raw list before naming: keeps the first `maxToolsPerConnector` entries, checks
 * each one's shape (throwing, or skipping it, per `onInvalidTool`), then holds it to the size limits
 * (cutting long text, leaving out oversized or over-deep JSON). Every entry left out or cut gets a
 * warning naming it; the rest always go through. Nothing here recurses, so hostile input cannot
 * overflow the stack before the limits have been checked.
 *
 * @throws {ToolRegistryError} `invalid_tool` for a malformed entry when `onInvalidTool` is `'throw'`.
 */
export function screenConnectorTools(rules: IntakeRules, tools: readonly unknown[]): Intake {
  const warnings: ToolRegistryWarning[] = [];
  const { maxToolsPerConnector } = rules.limits;
  if (tools.length > maxToolsPerConnector) {
    warnings.push(tooManyTools(rules, tools[maxToolsPerConnector], tools.length));
  }
  const admitted: ConnectorToolDefinition[] = [];
  tools.slice(0, maxToolsPerConnector).forEach((tool, index) => {
    const label = toolLabel(rules.connectorId, tool, index);
    const problem = toolProblem(tool) ?? (nameOf(tool) === undefined ? 'has no string name' : undefined);
    if (problem !== undefined) {
      if (rules.onInvalidTool === 'throw') throw invalidTool(label, problem);
      warnings.push({
        ...about(rules, tool, index),
        code: 'invalid_tool',
        message: `${label} ${problem}; it was left out and the connector's other tools are registered. Fix the upstream tool.`,
      });
      return;
    }
    const outcome = applyToolLimits(tool as ConnectorToolDefinition, rules.limits);
    if (outcome.rejected !== undefined) {
      warnings.push(limitWarning(rules, tool, index, outcome.rejected, 'it was left out'));
      return;
    }
    for (const finding of outcome.truncated) {
      warnings.push(limitWarning(rules, tool, index, finding, 'it was published cut to fit'));
    }
    admitted.push(outcome.tool);
  });
  return { tools: admitted, warnings };
}

/** Longest upstream name quoted in a message; the warning's `originalName` member has it whole. */
const QUOTED_NAME_MAX_LENGTH = 128;

/** `Tool #2 ("search") of connector "c"`: the position always, the name when there is one. */
function toolLabel(connectorId: string, tool: unknown, index: number): string {
  const name = nameOf(tool);
  const quoted =
    name === undefined || name.length <= QUOTED_NAME_MAX_LENGTH
      ? name
      : `${name.slice(0, QUOTED_NAME_MAX_LENGTH)}…`;
  return `Tool #${index}${quoted === undefined ? '' : ` (${JSON.stringify(quoted)})`} of connector "${connectorId}"`;
}

function nameOf(tool: unknown): string | undefined {
  const name = typeof tool === 'object' && tool !== null ? (tool as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** The members every intake warning shares. */
function about(rules: IntakeRules, tool: unknown, index: number) {
  const name = nameOf(tool);
  return {
    connectorId: rules.connectorId,
    originalName: name ?? '',
    name: name === undefined ? '' : publicNameParts(rules.namespace, name).name,
    index,
  };
}

function tooManyTools(rules: IntakeRules, firstLeftOut: unknown, count: number): ToolRegistryWarning {
  const limit = rules.limits.maxToolsPerConnector;
  return {
    ...about(rules, firstLeftOut, limit),
    code: 'too_many_tools',
    message: `Connector "${rules.connectorId}" listed ${count} tools, over maxToolsPerConnector (${limit}); only the first ${limit} are registered. Reduce the upstream server's tools or raise the limit.`,
    limit,
    actual: count,
  };
}

function limitWarning(
  rules: IntakeRules,
  tool: unknown,
  index: number,
  finding: LimitFinding,
  outcome: string,
): ToolRegistryWarning {
  return {
    ...about(rules, tool, index),
    ...finding,
    message: `${toolLabel(rules.connectorId, tool, index)}: ${describeLimitFinding(finding)}; ${outcome}, the connector's other tools are registered. Fix the upstream tool or raise the limit.`,
  };
}
