// Asking the operator on the terminal (approvals, in-doubt steps), giving up on timeout or interruption.
import type { Ask } from "../run/interpreter/approvals.js";

/** A terminal prompt on the given streams (node:readline loaded only when a prompt is shown). */
export function terminalAsk(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Ask {
  return async (question, signal, timeoutMs) => {
    const { createInterface } = await import("node:readline/promises");
    const rl = createInterface({ input, output, terminal: true });
    const timeout = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
    const combined = timeout ? AbortSignal.any([signal, timeout]) : signal;
    try {
      return await rl.question(question, { signal: combined });
    } catch {
      return undefined;
    } finally {
      rl.close();
    }
  };
}
