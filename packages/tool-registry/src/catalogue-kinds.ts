import type { CatalogueKind } from './catalogue-kind.js';
import type { RegisteredPrompt, RegisteredResource, RegisteredResourceTemplate } from './catalogue-types.js';
import { freezeClone, stableEqual } from './frozen-data.js';
import { type ItemProblem, promptProblem, resourceProblem, resourceTemplateProblem } from './item-shape.js';
import { pickDescription, sameVisibleTool, toEntry, toolProblem } from './tool-entry.js';
import type { LimitedFields, ToolLimits } from './tool-limits.js';
import type { ConnectorToolDefinition, RegisteredTool } from './types.js';

/** Any item the registry serves. */
export type CatalogueEntry =
  | RegisteredTool
  | RegisteredResource
  | RegisteredResourceTemplate
  | RegisteredPrompt;

/** An upstream entry that passed screening: a plain object of its kind's shape. */
export type CatalogueItem = Readonly<Record<string, unknown>>;

/**
 * What differs between the four kinds; everything else (screening, naming, diffing, snapshots) is shared.
 * `name` kinds get sanitised, namespaced names (`ns.name`); `uri` kinds get prefixed URIs (`ns+uri`).
 */
export interface KindSpec {
  readonly kind: CatalogueKind;
  /** How messages name one entry: `Tool`, `Resource`, ... */
  readonly label: string;
  readonly naming: 'name' | 'uri';
  /** The member holding the public (and, in the input, the upstream) name or URI. */
  readonly keyField: 'name' | 'uri' | 'uriTemplate';
  /** The metadata member holding the upstream name or URI. */
  readonly originalField: 'originalName' | 'originalUri' | 'originalUriTemplate';
  readonly countLimit: keyof ToolLimits;
  readonly invalidCode: 'invalid_tool' | 'invalid_item';
  readonly tooManyCode: 'too_many_tools' | 'too_many_items';
  /** Members held to the text and JSON limits. */
  readonly limited: LimitedFields;
  /** What is wrong with an upstream entry, or undefined; never recurses. */
  problem(item: unknown): ItemProblem | undefined;
  /**
   * The frozen entry for `item` under public `key`: `previous` itself when clients would see no
   * difference (so snapshots keep their identity), a deep frozen copy otherwise.
   */
  entry(
    item: CatalogueItem,
    key: string,
    metadata: CatalogueEntry['metadata'],
    previous: CatalogueEntry | undefined,
  ): CatalogueEntry;
  /** True when clients would see no difference between two entries of this kind. */
  sameVisible(left: CatalogueEntry, right: CatalogueEntry): boolean;
}

const RESOURCE_TEXT = ['name', 'title', 'description', 'mimeType'];

/** The key of `entry` in its kind: public name, URI or URI template. */
export function entryKey(spec: KindSpec, entry: CatalogueEntry): string {
  return (entry as unknown as Record<string, string>)[spec.keyField] as string;
}

/** The upstream name or URI of a screened item. */
export function itemKey(spec: KindSpec, item: CatalogueItem): string {
  return item[spec.keyField] as string;
}

function plainKind(
  kind: CatalogueKind,
  label: string,
  keyField: KindSpec['keyField'],
  originalField: KindSpec['originalField'],
  countLimit: keyof ToolLimits,
  visible: readonly string[],
  limited: LimitedFields,
  problem: (item: unknown) => ItemProblem | undefined,
): KindSpec {
  const sameVisible = (left: CatalogueEntry, right: CatalogueEntry) => {
    const a = left as unknown as Record<string, unknown>;
    const b = right as unknown as Record<string, unknown>;
    return (
      a[keyField] === b[keyField] &&
      visible.every((field) => stableEqual(a[field], b[field])) &&
      stableEqual(a.metadata, b.metadata)
    );
  };
  return {
    kind,
    label,
    naming: keyField === 'name' ? 'name' : 'uri',
    keyField,
    originalField,
    countLimit,
    invalidCode: 'invalid_item',
    tooManyCode: 'too_many_items',
    limited,
    problem,
    sameVisible,
    entry(item, key, metadata, previous) {
      const picked: Record<string, unknown> = {};
      for (const field of visible) if (item[field] !== undefined) picked[field] = item[field];
      const candidate = { ...picked, [keyField]: key, metadata } as unknown as CatalogueEntry;
      if (previous !== undefined && sameVisible(candidate, previous)) return previous;
      return Object.freeze({
        ...freezeClone(picked),
        [keyField]: key,
        metadata: freezeClone(metadata),
      }) as never;
    },
  };
}

const TOOLS: KindSpec = {
  kind: 'tools',
  label: 'Tool',
  naming: 'name',
  keyField: 'name',
  originalField: 'originalName',
  countLimit: 'maxToolsPerConnector',
  invalidCode: 'invalid_tool',
  tooManyCode: 'too_many_tools',
  limited: {
    json: ['inputSchema', 'outputSchema', 'annotations', 'icons', 'execution', '_meta'],
    text: ['description', 'title'],
  },
  problem(item) {
    const problem =
      toolProblem(item) ??
      (typeof (item as { name?: unknown }).name === 'string' ? undefined : 'has no string name');
    return problem === undefined ? undefined : { text: problem };
  },
  entry(item, key, metadata, previous) {
    const tool = item as unknown as ConnectorToolDefinition;
    const candidate = { ...pickDescription(tool), name: key, handler: tool.handler, metadata };
    return toEntry(candidate as RegisteredTool, previous as RegisteredTool | undefined);
  },
  sameVisible: (left, right) => sameVisibleTool(left as RegisteredTool, right as RegisteredTool),
};

/** The four kinds, by name. */
export const KIND_SPECS: Readonly<Record<CatalogueKind, KindSpec>> = Object.freeze({
  tools: TOOLS,
  resources: plainKind(
    'resources',
    'Resource',
    'uri',
    'originalUri',
    'maxResourcesPerConnector',
    [...RESOURCE_TEXT, 'size', 'annotations', 'icons', '_meta'],
    { json: ['annotations', 'icons', '_meta'], text: RESOURCE_TEXT },
    resourceProblem,
  ),
  resourceTemplates: plainKind(
    'resourceTemplates',
    'Resource template',
    'uriTemplate',
    'originalUriTemplate',
    'maxResourceTemplatesPerConnector',
    [...RESOURCE_TEXT, 'annotations', 'icons', '_meta'],
    { json: ['annotations', 'icons', '_meta'], text: RESOURCE_TEXT },
    resourceTemplateProblem,
  ),
  prompts: plainKind(
    'prompts',
    'Prompt',
    'name',
    'originalName',
    'maxPromptsPerConnector',
    ['title', 'description', 'arguments', 'icons', '_meta'],
    { json: ['arguments', 'icons', '_meta'], text: ['description', 'title'] },
    promptProblem,
  ),
});
