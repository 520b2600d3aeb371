import type { CatalogueState } from './catalogue-state.js';
import type {
  RegisteredResource,
  RegisteredResourceTemplate,
  ResolvedResourceTemplate,
  ResolvedResourceUri,
} from './catalogue-types.js';
import { prefixedUri, splitPrefixedUri } from './resource-uri.js';

/**
 * Where a public resource URI is served (see docs/naming.md):
 * (a) a listed public URI → its connector and upstream URI;
 * (b) `<prefix>+<rest>` whose prefix (any case) a current connector owns → that connector and `rest`;
 * (c) a bare URI, from the connectors that hand out bare URIs (all in `conditional` and `never`, those with
 *     namespace `''` in `always`): the one connector listing it, else the one with a matching template
 *     (MCP SDK `UriTemplate`), else the one using its scheme.
 * Anything else, including two candidates at any step, is undefined: the registry never guesses.
 */
export function resolveResourceUri(
  state: CatalogueState,
  publicUri: string,
): ResolvedResourceUri | undefined {
  if (typeof publicUri !== 'string') return undefined;
  const listed = state.kinds.resources.get(publicUri) as RegisteredResource | undefined;
  if (listed !== undefined) return resolved(listed.metadata.connectorId, listed.metadata.originalUri);
  const split = splitPrefixedUri(publicUri);
  const owner = split === undefined ? undefined : state.prefixOwner(split.prefix);
  if (split !== undefined && owner !== undefined) return resolved(owner, split.rest);
  const eligible = state.mode === 'always' ? (id: string) => state.record(id)?.namespace === '' : () => true;
  const bareOwner = state.uris.bareOwner(publicUri, eligible);
  return bareOwner === undefined ? undefined : resolved(bareOwner, publicUri);
}

/**
 * The URI the host hands out for `upstreamUri` from `connectorId`. A connector without a URI prefix
 * (namespace `''`, or a prefix another connector holds) gets it bare; `always` prefixes it; `conditional`
 * and `never` hand it out bare exactly when {@link resolveResourceUri} reads the bare form back to this
 * connector and URI, and prefixed otherwise (for `never` that is the one case it prefixes: a bare URI
 * another connector also lists, or that two connectors could serve). So every URI handed out for a
 * connector that owns a prefix reads back to where it came from.
 */
export function publicResourceUri(state: CatalogueState, connectorId: string, upstreamUri: string): string {
  const prefix = state.record(connectorId)?.prefix;
  if (prefix === undefined) return upstreamUri;
  if (state.mode === 'always') return prefixedUri(prefix, upstreamUri);
  const bare = resolveResourceUri(state, upstreamUri);
  return bare?.connectorId === connectorId && bare.uri === upstreamUri
    ? upstreamUri
    : prefixedUri(prefix, upstreamUri);
}

/** Where a public resource template is served: a listed one, or a prefixed form of a current connector. */
export function resolveResourceTemplate(
  state: CatalogueState,
  publicUriTemplate: string,
): ResolvedResourceTemplate | undefined {
  if (typeof publicUriTemplate !== 'string') return undefined;
  const listed = state.kinds.resourceTemplates.get(publicUriTemplate) as
    | RegisteredResourceTemplate
    | undefined;
  if (listed !== undefined) {
    return Object.freeze({
      connectorId: listed.metadata.connectorId,
      uriTemplate: listed.metadata.originalUriTemplate,
    });
  }
  const split = splitPrefixedUri(publicUriTemplate);
  const owner = split === undefined ? undefined : state.prefixOwner(split.prefix);
  return split === undefined || owner === undefined
    ? undefined
    : Object.freeze({ connectorId: owner, uriTemplate: split.rest });
}

function resolved(connectorId: string, uri: string): ResolvedResourceUri {
  return Object.freeze({ connectorId, uri });
}
