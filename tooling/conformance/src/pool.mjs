// Bounded parallelism with deterministic output: the suite's runs are mostly process start-up, so two or three at
// once cut the wall time, while results are still reported in list order.

/**
 * Runs `worker(item, index)` for each item, at most `concurrency` at a time, and resolves with the results in
 * item order. `onResult(result, index)` is called in item order too: as soon as an item and every item before it
 * are done.
 */
export async function mapInOrder(items, worker, { concurrency, onResult = () => {} }) {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const results = new Array(items.length);
  const done = new Array(items.length).fill(false);
  let nextToStart = 0;
  let nextToReport = 0;
  const reportReady = () => {
    while (nextToReport < items.length && done[nextToReport]) {
      onResult(results[nextToReport], nextToReport);
      nextToReport += 1;
    }
  };
  const lane = async () => {
    while (nextToStart < items.length) {
      const index = nextToStart++;
      results[index] = await worker(items[index], index);
      done[index] = true;
      reportReady();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
