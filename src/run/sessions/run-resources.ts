// A per-run registry of shared resources (pg pools) that the session disposes once when the run ends.
import type { RunResources } from "../../contract/action.js";

/** RunResources plus `disposeAll`, which the owner of the run calls in a finally block. */
export interface DisposableRunResources extends RunResources {
  /** Dispose every resource created so far, newest first; errors are collected, not thrown early. */
  disposeAll(): Promise<Error[]>;
}

/** A fresh registry for one run. */
export function createRunResources(): DisposableRunResources {
  const entries = new Map<string, { value: Promise<unknown>; dispose: (v: unknown) => Promise<void> }>();
  return {
    get<T>(key: string, create: () => Promise<T>, dispose: (value: T) => Promise<void>): Promise<T> {
      const existing = entries.get(key);
      if (existing) return existing.value as Promise<T>;
      const value = create();
      entries.set(key, { value, dispose: dispose as (v: unknown) => Promise<void> });
      value.catch(() => entries.delete(key));
      return value;
    },
    async disposeAll() {
      const errors: Error[] = [];
      for (const [key, entry] of [...entries].reverse()) {
        entries.delete(key);
        try {
          await entry.dispose(await entry.value);
        } catch (error) {
          errors.push(error instanceof Error ? error : new Error(String(error)));
        }
      }
      return errors;
    },
  };
}
