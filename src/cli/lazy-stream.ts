// process.stdout and process.stderr made on first need: building one costs ~2.5 ms of every start (a pipe's
// stream loads net and stream modules), and `rbx --help`, `--version` or a quiet `validate` write a few lines.
import { writeSync } from "node:fs";

/**
 * A stand-in for `process.stdout` (fd 1) or `process.stderr` (fd 2): a string written before anything else asks
 * for the stream goes straight to the file descriptor; any other use (isTTY, events, pipes, a callback) makes the
 * real stream once and hands it over, so output order and behaviour stay as they were.
 */
export function lazyStream(fd: 1 | 2, make: () => NodeJS.WriteStream): NodeJS.WriteStream {
  let stream: NodeJS.WriteStream | undefined;
  const real = (): NodeJS.WriteStream => {
    stream ??= make();
    return stream;
  };
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (stream === undefined && typeof chunk === "string" && rest.length === 0) {
      const bytes = Buffer.from(chunk, "utf8");
      let off = 0;
      try {
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
        return true;
      } catch {
        // A non-blocking descriptor that is full, a closed pipe: the stream takes the rest and behaves as it
        // always did (queues it, or reports the error its way).
        return real().write(bytes.subarray(off));
      }
    }
    return (real().write as (...a: unknown[]) => boolean)(chunk, ...rest);
  };
  return new Proxy({} as NodeJS.WriteStream, {
    get(_target, prop) {
      if (prop === "write") return write;
      const s = real();
      const value = Reflect.get(s, prop, s) as unknown;
      return typeof value === "function" ? value.bind(s) : value;
    },
    set(_target, prop, value) {
      return Reflect.set(real(), prop, value);
    },
    has(_target, prop) {
      return prop in real();
    },
  });
}
