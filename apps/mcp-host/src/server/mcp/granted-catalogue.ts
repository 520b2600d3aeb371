import type { CatalogueKind } from '@cortex-mcp/tool-registry';
import type { CatalogueSource } from '../types.js';

/** What every catalogue item carries that a grant is checked against: its connector's scopes. */
interface Scoped {
  readonly metadata: { readonly connectorId: string; readonly scopes: readonly string[] };
}

/**
 * Whether a client holding `held` may see and use an item of a connector with `required` scopes: a connector with
 * no scopes is open to every client the door let in; one with scopes to a client holding at least one of them.
 */
export function grantAllows(held: ReadonlySet<string>, required: readonly string[]): boolean {
  return required.length === 0 || required.some((scope) => held.has(scope));
}

// Views are shared by every session holding the same scopes: one filter per registry snapshot and grant.
const views = new WeakMap<readonly Scoped[], Map<string, readonly Scoped[]>>();
// Each connector's scopes, per snapshot of each kind (every item of a connector carries the connector's scopes).
const connectorScopes = new WeakMap<readonly Scoped[], Map<string, readonly string[]>>();

/**
 * The catalogue as one client may see it (issue 17): lists hold only the items of connectors its scopes grant, and
 * a look-up of anything else — a tool, a prompt, a resource URI or template — finds nothing, so a request for it is
 * answered exactly as for a name that does not exist (no existence leak). Wraps the shared catalogue per session;
 * views are cached per snapshot and grant, so sessions with the same scopes share them.
 */
export class GrantedCatalogue implements CatalogueSource {
  readonly #inner: CatalogueSource;
  readonly #held: ReadonlySet<string>;
  readonly #key: string;
  /** The digest of each kind's view this session was last told about (a list_changed is sent when it moves). */
  readonly #seen = new Map<CatalogueKind, string>();

  constructor(inner: CatalogueSource, scopes: readonly string[]) {
    this.#inner = inner;
    this.#held = new Set(scopes);
    this.#key = [...this.#held].sort().join(' ');
    for (const kind of ['tools', 'resources', 'resourceTemplates', 'prompts'] as const) {
      this.#seen.set(kind, this.#digest(kind));
    }
  }

  listTools = () => this.#view(this.#inner.listTools());
  listResources = () => this.#view(this.#inner.listResources());
  listResourceTemplates = () => this.#view(this.#inner.listResourceTemplates());
  listPrompts = () => this.#view(this.#inner.listPrompts());

  getTool: CatalogueSource['getTool'] = (name) => this.#ifAllowed(this.#inner.getTool(name));
  getPrompt: CatalogueSource['getPrompt'] = (name) => this.#ifAllowed(this.#inner.getPrompt(name));

  resolveResourceUri: CatalogueSource['resolveResourceUri'] = (uri) => {
    const target = this.#inner.resolveResourceUri(uri);
    return target && this.#connectorAllowed(target.connectorId) ? target : undefined;
  };

  resolveResourceTemplate: CatalogueSource['resolveResourceTemplate'] = (uri) => {
    const target = this.#inner.resolveResourceTemplate(uri);
    return target && this.#connectorAllowed(target.connectorId) ? target : undefined;
  };

  publicResourceUri: CatalogueSource['publicResourceUri'] = (connectorId, uri) =>
    this.#inner.publicResourceUri(connectorId, uri);

  onChange: CatalogueSource['onChange'] = (listener) => this.#inner.onChange(listener);

  /**
   * Whether this client's view of `kind` changed since it was last told (and remembers it as told). A change to
   * items it cannot see is no change for it.
   */
  viewChanged(kind: CatalogueKind): boolean {
    const digest = this.#digest(kind);
    if (this.#seen.get(kind) === digest) return false;
    this.#seen.set(kind, digest);
    return true;
  }

  #digest(kind: CatalogueKind): string {
    const lists: Record<CatalogueKind, () => readonly Scoped[]> = {
      tools: this.listTools,
      resources: this.listResources,
      resourceTemplates: this.listResourceTemplates,
      prompts: this.listPrompts,
    };
    return digestOf(lists[kind]());
  }

  #view<T extends Scoped>(snapshot: readonly T[]): T[] {
    let byGrant = views.get(snapshot);
    if (!byGrant) {
      byGrant = new Map();
      views.set(snapshot, byGrant);
    }
    let view = byGrant.get(this.#key);
    if (!view) {
      view = snapshot.filter((item) => grantAllows(this.#held, item.metadata.scopes));
      byGrant.set(this.#key, view);
    }
    return view as T[];
  }

  #ifAllowed<T extends Scoped>(item: T | undefined): T | undefined {
    return item && grantAllows(this.#held, item.metadata.scopes) ? item : undefined;
  }

  #connectorAllowed(connectorId: string): boolean {
    for (const list of [
      this.#inner.listResources(),
      this.#inner.listResourceTemplates(),
      this.#inner.listTools(),
    ]) {
      const scopes = scopesOf(list).get(connectorId);
      if (scopes) return grantAllows(this.#held, scopes);
    }
    return false;
  }
}

function scopesOf(snapshot: readonly Scoped[]): Map<string, readonly string[]> {
  let byConnector = connectorScopes.get(snapshot);
  if (!byConnector) {
    byConnector = new Map();
    for (const item of snapshot) byConnector.set(item.metadata.connectorId, item.metadata.scopes);
    connectorScopes.set(snapshot, byConnector);
  }
  return byConnector;
}

// One digest per view (a view array lives as long as its snapshot), so sessions with the same grant share it.
const digests = new WeakMap<readonly Scoped[], string>();

function digestOf(view: readonly Scoped[]): string {
  let digest = digests.get(view);
  if (digest === undefined) {
    digest = JSON.stringify(view, (key, value) =>
      key === 'metadata' || key === 'handler' ? undefined : value,
    );
    digests.set(view, digest);
  }
  return digest;
}
