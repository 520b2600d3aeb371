import type { ServiceMapPayload } from '@cortex-mcp/service-map-loader';
import type { MapStatus } from '../status/index.js';

/** The verified map as the host holds it. */
export interface HeldMap {
  readonly payload: ServiceMapPayload;
  /** The signed text exactly as received (persisted and re-verified on restart). */
  readonly text: string;
  readonly etag: string | undefined;
  readonly generatedAtMs: number;
  readonly expiresAtMs: number;
}

/** Where a verified map came from: this run's load, the warm-start file, or another host through Redis. */
export type MapOrigin = Exclude<MapStatus['source'], 'none'>;
