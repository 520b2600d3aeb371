// A user's module against @cortex-mcp/refresh-scheduler's published types; pack-check type-checks it in the scratch
// project under node16 (ESM and CJS) and bundler resolution. Never run: it only has to compile.
import {
  type RefreshContext,
  RefreshScheduler,
  RefreshSchedulerError,
  type RefreshSchedulerOptions,
} from '@cortex-mcp/refresh-scheduler';

const options: RefreshSchedulerOptions = {
  intervalMs: 60_000,
  jitterFactor: 0.2,
  onRefresh: (context: RefreshContext) => (context.reason === 'forced' ? context.signal.aborted : undefined),
};

export const scheduler = new RefreshScheduler(options);
export const running: boolean = scheduler.running;
export const stopping: () => Promise<void> = () => scheduler.stop();

export function wasStopped(error: unknown): boolean {
  return error instanceof RefreshSchedulerError && error.code === 'stopped';
}

export function withoutInterval(): RefreshScheduler {
  // @ts-expect-error intervalMs is required; fails to compile if the types degrade to `any`.
  return new RefreshScheduler({ onRefresh: () => undefined });
}
