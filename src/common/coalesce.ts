/**
 * `task` made single-flight: a call while it runs asks for one more run after it (any number of such calls share
 * that run). The promise of every call settles once a run that began after the call has ended.
 */
export function coalesce(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const run = (): Promise<void> => {
    if (!running) {
      running = task().finally(() => {
        running = undefined;
      });
      return running;
    }
    next ??= running.then(
      () => {
        next = undefined;
        return run();
      },
      () => {
        next = undefined;
        return run();
      },
    );
    return next;
  };
  return run;
}
