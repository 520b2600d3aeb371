// Child process for process-exit.test.ts. Imports the BUILT package, runs a scheduler with a one-hour interval,
// stops it, and then simply returns: the process must exit on its own.
// Modes: "keep-alive" (keepAlive: true: a referenced timer is armed, so only stop() can let the process exit;
//        then start() again and stop() while a forced run is in flight),
//        "default-failing" (default options and default logger, a run that fails).
import { RefreshScheduler } from '../dist/index.js';

const mode = process.argv[2];
const events = [];
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

if (mode === 'keep-alive') {
  const scheduler = new RefreshScheduler({
    intervalMs: 3_600_000,
    keepAlive: true,
    onRefresh: async ({ reason, signal }) => {
      events.push(`run-started:${reason}`);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      events.push(`run-aborted:${signal.reason.code}`);
      await nextTurn();
      events.push('run-finished');
    },
  });
  scheduler.start();
  events.push(`timer-armed:${scheduler.nextRunAtMs !== undefined}`);
  await scheduler.stop();
  scheduler.start();
  const forced = scheduler.forceRefresh();
  await nextTurn();
  events.push('stopping');
  await scheduler.stop();
  await forced;
  events.push(`stopped:inFlight=${scheduler.inFlight}:nextRunAtMs=${scheduler.nextRunAtMs}`);
} else if (mode === 'default-failing') {
  const scheduler = new RefreshScheduler({
    intervalMs: 3_600_000,
    runOnStart: true,
    onRefresh: () => {
      events.push('run-started');
      throw Object.assign(new Error('map endpoint unreachable'), { code: 'ECONNREFUSED' });
    },
  });
  scheduler.start();
  await nextTurn();
  events.push(`after-run:running=${scheduler.running}:timerArmed=${scheduler.nextRunAtMs !== undefined}`);
  await scheduler.stop();
  events.push('stopped');
} else {
  throw new Error(`unknown mode ${mode}`);
}

process.stdout.write(`${JSON.stringify(events)}\n`);
