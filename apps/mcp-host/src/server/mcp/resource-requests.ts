import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpError, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { listedResources, listedResourceTemplates } from './catalogue-listing.js';
import {
  type CatalogueRouting,
  forwardToConnector,
  publicUriOf,
  RESOURCE_NOT_FOUND,
  requiredString,
} from './forwarded.js';
import type { Extra } from './tool-call.js';
import { rewriteReadResult } from './uri-rewriting.js';

/** `resources/list`: every connector's resources, under their public URIs. One page. */
export function listResources(routing: CatalogueRouting) {
  return { resources: listedResources(routing.catalogue.listResources()) };
}

/** `resources/templates/list`: every connector's resource templates, under their public URI templates. One page. */
export function listResourceTemplates(routing: CatalogueRouting) {
  return { resourceTemplates: listedResourceTemplates(routing.catalogue.listResourceTemplates()) };
}

/** The connector and upstream URI of a public URI, or the spec's "resource not found" error. */
function resolve(routing: CatalogueRouting, uri: string) {
  const target = routing.catalogue.resolveResourceUri(uri);
  if (target) return target;
  throw new McpError(
    RESOURCE_NOT_FOUND,
    `Resource not found: no connector of this host serves "${uri}". Call resources/list or resources/templates/list for what it serves.`,
    { uri },
  );
}

/**
 * `resources/read`: forwarded to the owning connector under its own URI; the contents come back under the URI the
 * client asked with (other URIs rewritten to the host's form).
 */
export async function readResource(
  routing: CatalogueRouting,
  params: unknown,
  extra: Extra,
): Promise<ReadResourceResult> {
  const uri = requiredString(params, 'uri', 'resources/read');
  const target = resolve(routing, uri);
  const result = await forwardToConnector(
    routing,
    extra,
    { connectorId: target.connectorId, method: 'resources/read', name: uri },
    (context) => routing.upstream.readResource(target.connectorId, target.uri, context),
  );
  const toPublic = publicUriOf(routing.catalogue, target.connectorId);
  return rewriteReadResult(result, (upstreamUri) =>
    upstreamUri === target.uri ? uri : toPublic(upstreamUri),
  );
}

/** `resources/subscribe`: one upstream subscription per resource, shared by every session that asks. */
export async function subscribeResource(
  routing: CatalogueRouting,
  session: Server,
  params: unknown,
  extra: Extra,
): Promise<Record<string, never>> {
  const uri = requiredString(params, 'uri', 'resources/subscribe');
  const target = resolve(routing, uri);
  await forwardToConnector(
    routing,
    extra,
    { connectorId: target.connectorId, method: 'resources/subscribe', name: uri },
    (context) => routing.subscriptions.subscribe(session, target, uri, context),
  );
  return {};
}

/** `resources/unsubscribe`: ends this session's subscription (upstream too when it was the last). */
export function unsubscribeResource(
  routing: CatalogueRouting,
  session: Server,
  params: unknown,
): Record<string, never> {
  const uri = requiredString(params, 'uri', 'resources/unsubscribe');
  const target = routing.catalogue.resolveResourceUri(uri);
  if (target) routing.subscriptions.unsubscribe(session, target);
  return {};
}
