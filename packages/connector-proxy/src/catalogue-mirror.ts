import { CATALOGUE_KINDS, type CatalogueKind, type UpstreamCatalogue } from './catalogue-kinds.js';
import { coalescedRun } from './coalesced-run.js';
import { describeError } from './errors.js';
import { listsDiffer } from './paged-listing.js';
import type { Session } from './session.js';
import type { ListChangeKind } from './session-watch.js';

/** What a {@link CatalogueMirror} works with. */
export interface CatalogueMirrorHooks {
  /** The live session, or undefined while not up. */
  liveSession(): Session | undefined;
  /** Lists one kind on `session` (as `listAdvertisedKind` with the proxy's context). */
  list<K extends CatalogueKind>(session: Session, kind: K): Promise<UpstreamCatalogue[K]>;
  /** A re-listing found a list that differs from the last one seen. */
  changed(kind: CatalogueKind, items: unknown[]): void;
  warn(fields: object, message: string): void;
}

/** Which lists one upstream `list_changed` notification makes stale. */
const STALE_AFTER: Record<ListChangeKind, readonly CatalogueKind[]> = {
  tools: ['tools'],
  resources: ['resources', 'resourceTemplates'],
  prompts: ['prompts'],
};

/**
 * The proxy's copy of the upstream's lists. Re-lists a kind when the upstream says it changed, coalescing bursts
 * per notification kind, and reports a list only when it differs from the last one seen. Only the live session's
 * answers are kept.
 */
export class CatalogueMirror {
  readonly #hooks: CatalogueMirrorHooks;
  readonly #lists: Partial<UpstreamCatalogue> = {};
  readonly #relists: Record<ListChangeKind, () => void>;

  /** Nothing is listed until {@link relist} or {@link store} is called. */
  constructor(hooks: CatalogueMirrorHooks) {
    this.#hooks = hooks;
    this.#relists = {
      tools: coalescedRun(() => this.#relistOnce(STALE_AFTER.tools)),
      resources: coalescedRun(() => this.#relistOnce(STALE_AFTER.resources)),
      prompts: coalescedRun(() => this.#relistOnce(STALE_AFTER.prompts)),
    };
  }

  /** The last list of `kind` seen, or undefined. */
  get<K extends CatalogueKind>(kind: K): UpstreamCatalogue[K] | undefined {
    return this.#lists[kind] as UpstreamCatalogue[K] | undefined;
  }

  /** Every last list, or undefined until each kind has been listed at least once. */
  get catalogue(): UpstreamCatalogue | undefined {
    const { tools, resources, resourceTemplates, prompts } = this.#lists;
    if (!tools || !resources || !resourceTemplates || !prompts) return undefined;
    return { tools, resources, resourceTemplates, prompts };
  }

  /** Keeps `items` as the last list of `kind`, if `session` is still the live one. Reports nothing. */
  store<K extends CatalogueKind>(session: Session, kind: K, items: UpstreamCatalogue[K]): void {
    if (session === this.#hooks.liveSession()) this.#lists[kind] = items;
  }

  /** The upstream said the lists behind `kind` changed: re-list them (coalesced). */
  relist(kind: ListChangeKind): void {
    this.#relists[kind]();
  }

  /** Re-lists every kind, as after a reconnect. */
  relistAll(): void {
    for (const run of Object.values(this.#relists)) run();
  }

  /** Forgets every list. */
  clear(): void {
    for (const kind of CATALOGUE_KINDS) delete this.#lists[kind];
  }

  async #relistOnce(kinds: readonly CatalogueKind[]): Promise<void> {
    const session = this.#hooks.liveSession();
    if (!session) return;
    await Promise.all(kinds.map((kind) => this.#relistKind(session, kind)));
  }

  async #relistKind<K extends CatalogueKind>(session: Session, kind: K): Promise<void> {
    try {
      const items = await this.#hooks.list(session, kind);
      if (session !== this.#hooks.liveSession() || !listsDiffer(this.#lists[kind], items)) return;
      this.#lists[kind] = items;
      this.#hooks.changed(kind, items);
    } catch (error) {
      this.#hooks.warn({ kind, err: describeError(error) }, `could not re-list the upstream ${kind}`);
    }
  }
}
