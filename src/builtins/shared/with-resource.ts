// Using the run's shared resource (a pg pool per connection), or a private one outside a run.
import type { ActionContext } from "../../contract/action.js";

/**
 * Run `use` with the run's shared resource, or — when the context has no registry — with a private one
 * that is disposed as soon as `use` returns.
 */
export async function withResource<T, R>(
  ctx: ActionContext,
  key: string,
  create: () => Promise<T>,
  dispose: (value: T) => Promise<void>,
  use: (value: T) => Promise<R>,
): Promise<R> {
  if (ctx.resources) return use(await ctx.resources.get(key, create, dispose));
  const value = await create();
  try {
    return await use(value);
  } finally {
    await dispose(value);
  }
}
