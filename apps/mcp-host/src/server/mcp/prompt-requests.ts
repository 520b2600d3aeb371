import {
  type CompleteRequest,
  type CompleteResult,
  ErrorCode,
  type GetPromptResult,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { errorCode } from '../../errors.js';
import { listedPrompts } from './catalogue-listing.js';
import { type CatalogueRouting, forwardToConnector, publicUriOf, requiredString } from './forwarded.js';
import type { Extra } from './tool-call.js';
import { rewritePromptResult } from './uri-rewriting.js';

/** `prompts/list`: every connector's prompts, under their public names. One page. */
export function listPrompts(routing: CatalogueRouting) {
  return { prompts: listedPrompts(routing.catalogue.listPrompts()) };
}

function unknownPrompt(name: string): McpError {
  return new McpError(
    ErrorCode.InvalidParams,
    `Unknown prompt "${name}": this host serves no prompt by that name. Call prompts/list for the current prompts.`,
  );
}

/** `prompts/get`: forwarded under the prompt's upstream name; URIs in its messages come back in the host's form. */
export async function getPrompt(
  routing: CatalogueRouting,
  params: unknown,
  extra: Extra,
): Promise<GetPromptResult> {
  const name = requiredString(params, 'name', 'prompts/get');
  const prompt = routing.catalogue.getPrompt(name);
  if (!prompt) throw unknownPrompt(name);
  const args = (params as { arguments?: Record<string, string> }).arguments;
  const { connectorId, originalName } = prompt.metadata;
  const result = await forwardToConnector(
    routing,
    extra,
    { connectorId, method: 'prompts/get', name },
    (context) => routing.upstream.getPrompt(connectorId, originalName, args, context),
  );
  return rewritePromptResult(result, publicUriOf(routing.catalogue, connectorId));
}

const NO_COMPLETION: CompleteResult = { completion: { values: [], total: 0, hasMore: false } };

/** The owning connector and the reference in its own names, for a `completion/complete` reference. */
function resolveReference(routing: CatalogueRouting, ref: unknown) {
  const reference = (ref ?? {}) as { type?: unknown; name?: unknown; uri?: unknown };
  if (reference.type === 'ref/prompt' && typeof reference.name === 'string') {
    const prompt = routing.catalogue.getPrompt(reference.name);
    if (!prompt) throw unknownPrompt(reference.name);
    const { connectorId, originalName } = prompt.metadata;
    return { connectorId, ref: { ...reference, name: originalName } };
  }
  if (reference.type === 'ref/resource' && typeof reference.uri === 'string') {
    const { catalogue } = routing;
    const target = catalogue.resolveResourceTemplate(reference.uri);
    const resolved = target
      ? { connectorId: target.connectorId, uri: target.uriTemplate }
      : catalogue.resolveResourceUri(reference.uri);
    if (!resolved) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown resource reference "${reference.uri}": no connector of this host serves it. Call resources/templates/list for the current templates.`,
      );
    }
    return { connectorId: resolved.connectorId, ref: { ...reference, uri: resolved.uri } };
  }
  throw new McpError(
    ErrorCode.InvalidParams,
    'completion/complete needs params.ref: { type: "ref/prompt", name } or { type: "ref/resource", uri }.',
  );
}

/**
 * `completion/complete`: routed by its reference to the connector that owns the prompt or template, with the
 * reference in the upstream's names. A connector that offers no completion answers with no values (not an error).
 */
export async function complete(
  routing: CatalogueRouting,
  params: unknown,
  extra: Extra,
): Promise<CompleteResult> {
  const { connectorId, ref } = resolveReference(routing, (params as { ref?: unknown } | undefined)?.ref);
  const upstreamParams = { ...(params as CompleteRequest['params']), ref } as CompleteRequest['params'];
  return forwardToConnector(routing, extra, { connectorId, method: 'completion/complete' }, (context) =>
    routing.upstream.complete(connectorId, upstreamParams, context).catch((error: unknown) => {
      if (offersNoCompletion(error)) return NO_COMPLETION;
      throw error;
    }),
  );
}

/** The upstream does not offer completion: it said so in its capabilities, or answered "method not found". */
function offersNoCompletion(error: unknown): boolean {
  const { rpcCode } = (error ?? {}) as { rpcCode?: unknown };
  return errorCode(error) === 'unsupported' || rpcCode === ErrorCode.MethodNotFound;
}
