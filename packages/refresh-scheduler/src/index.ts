export { RefreshSchedulerError, type RefreshSchedulerErrorCode } from './errors.js';
export type {
  RefreshContext,
  RefreshReason,
  RefreshSchedulerLogger,
  RefreshSchedulerOptions,
  RefreshSchedulerTimers,
} from './options.js';
export { RefreshScheduler } from './refresh-scheduler.js';
