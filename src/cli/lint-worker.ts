// The entry of a `rbx lint` worker thread: Node's compile cache first, as bin/rbx.js turns it on for the main
// thread (a worker starts without it; NODE_DISABLE_COMPILE_CACHE=1 turns it off), then the linter loads.
try {
  process.getBuiltinModule("node:module").enableCompileCache?.();
} catch {
  // no cache: a slower start, the same lint
}
await import("./lint-worker-loop.js");
