// A store that records the names of the methods called on it, in order: tests of what a command reads first.

/** `store` with every method call's name pushed to `calls` before it runs. */
export function recordingStore<T extends object>(store: T, calls: string[]): T {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        return value.apply(target, args);
      };
    },
  });
}
