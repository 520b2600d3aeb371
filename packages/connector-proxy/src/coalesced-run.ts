/**
 * Wraps `run` so that triggers never overlap: a trigger while a run is in flight asks for exactly one more run
 * after it. Ten `list_changed` notifications in a burst cost at most two re-listings.
 */
export function coalescedRun(run: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const loop = async () => {
    running = true;
    try {
      do {
        again = false;
        await run();
      } while (again);
    } finally {
      running = false;
    }
  };
  return () => {
    if (running) again = true;
    else void loop();
  };
}
