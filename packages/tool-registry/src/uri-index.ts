import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { CatalogueEntry } from './catalogue-kinds.js';
import type { RegisteredResource, RegisteredResourceTemplate } from './catalogue-types.js';
import { uriScheme } from './resource-uri.js';

/**
 * Indexes over the listed resources and templates by their UPSTREAM form, for reading back a bare URI
 * (`resolveResourceUri` rule (c)): which connectors list a URI, which templates could expand to it, and
 * which connectors use a scheme. Kept up to date entry by entry as kinds change, so a lookup never scans
 * the whole catalogue (templates are matched only within the URI's scheme).
 */
export class UriIndex {
  readonly #resourceOwners = new Map<string, Set<string>>();
  readonly #templatesByScheme = new Map<string, Set<RegisteredResourceTemplate>>();
  readonly #schemeUsers = new Map<string, Map<string, number>>();
  readonly #compiled = new WeakMap<RegisteredResourceTemplate, UriTemplate | null>();

  /** Follows one install of the resources or templates kind. */
  update(
    kind: 'resources' | 'resourceTemplates',
    dropped: readonly CatalogueEntry[],
    placed: readonly CatalogueEntry[],
  ): void {
    for (const entry of dropped) this.#index(kind, entry, -1);
    for (const entry of placed) this.#index(kind, entry, 1);
  }

  /**
   * The one connector a bare upstream URI belongs to, among those `eligible`: the connector listing it,
   * else the one whose template matches it, else the one using its scheme. Each step that finds two or
   * more candidates answers undefined at once: the registry never guesses.
   */
  bareOwner(uri: string, eligible: (connectorId: string) => boolean): string | undefined {
    const listing = [...(this.#resourceOwners.get(uri) ?? [])].filter(eligible);
    if (listing.length > 0) return listing.length === 1 ? listing[0] : undefined;
    const scheme = uriScheme(uri);
    if (scheme === undefined) return undefined;
    const matching = new Set<string>();
    for (const template of this.#templatesByScheme.get(scheme) ?? []) {
      const connectorId = template.metadata.connectorId;
      if (matching.has(connectorId) || !eligible(connectorId) || !this.#matches(template, uri)) continue;
      matching.add(connectorId);
      if (matching.size > 1) return undefined;
    }
    if (matching.size === 1) return [...matching][0];
    const users = [...(this.#schemeUsers.get(scheme)?.keys() ?? [])].filter(eligible);
    return users.length === 1 ? users[0] : undefined;
  }

  #index(kind: 'resources' | 'resourceTemplates', entry: CatalogueEntry, delta: 1 | -1): void {
    const connectorId = entry.metadata.connectorId;
    const upstream =
      kind === 'resources'
        ? (entry as RegisteredResource).metadata.originalUri
        : (entry as RegisteredResourceTemplate).metadata.originalUriTemplate;
    const scheme = uriScheme(upstream) ?? '';
    if (kind === 'resources') adjustSet(this.#resourceOwners, upstream, connectorId, delta);
    else adjustSet(this.#templatesByScheme, scheme, entry as RegisteredResourceTemplate, delta);
    let users = this.#schemeUsers.get(scheme);
    if (users === undefined) {
      users = new Map();
      this.#schemeUsers.set(scheme, users);
    }
    const count = (users.get(connectorId) ?? 0) + delta;
    if (count > 0) users.set(connectorId, count);
    else users.delete(connectorId);
    if (users.size === 0) this.#schemeUsers.delete(scheme);
  }

  #matches(template: RegisteredResourceTemplate, uri: string): boolean {
    let compiled = this.#compiled.get(template);
    if (compiled === undefined) {
      try {
        compiled = new UriTemplate(template.metadata.originalUriTemplate);
      } catch {
        compiled = null;
      }
      this.#compiled.set(template, compiled);
    }
    try {
      return compiled?.match(uri) != null;
    } catch {
      // The SDK throws on inputs over its own length limits: such a URI matches nothing.
      return false;
    }
  }
}

function adjustSet<Key, Value>(map: Map<Key, Set<Value>>, key: Key, value: Value, delta: 1 | -1): void {
  let set = map.get(key);
  if (delta > 0) {
    if (set === undefined) {
      set = new Set();
      map.set(key, set);
    }
    set.add(value);
    return;
  }
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
}
