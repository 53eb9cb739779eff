// Ctrl-C and SIGTERM during a run: the first aborts the running action and is journaled, a second exits at once.

/** SIGINT/SIGTERM abort the running action and the run records "interrupted"; a second signal exits at once. */
export function interruptOnSignals(): { signal: AbortSignal; name: () => string; dispose: () => void } {
  const controller = new AbortController();
  let name = "SIGINT";
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    name = sig;
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    name: () => name,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
