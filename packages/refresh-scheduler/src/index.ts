export { RefreshSchedulerError, type RefreshSchedulerErrorCode } from './errors.js';
export type { RefreshSchedulerLogger } from './logger.js';
export type {
  RefreshContext,
  RefreshReason,
  RefreshSchedulerOptions,
  RefreshSchedulerTimers,
} from './options.js';
export { RefreshScheduler } from './refresh-scheduler.js';
