// The server's settings, from the editor's `initializationOptions`; every one has a default.

/** What an editor may set. */
export interface ServerOptions {
  /**
   * Edits closer together than this are a burst, linted once after its last edit; an edit after a quiet spell
   * this long is linted at once.
   */
  diagnosticsDelayMs: number;
  /** Base URL of the docs pages that diagnostics link to (ending in /); default: the docs shipped with rbx. */
  docsBaseUrl?: string;
  /** Documents larger than this are not analysed as you type (one diagnostic says so); `rbx lint` still works. */
  maxBytes: number;
}

export const DEFAULT_OPTIONS: ServerOptions = { diagnosticsDelayMs: 25, maxBytes: 4 * 1024 * 1024 };

const num = (v: unknown, min: number, max: number): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : undefined;

/** Read the options an editor sent; unknown keys and wrong types are ignored. */
export function readOptions(init: unknown): ServerOptions {
  const o = (init && typeof init === "object" ? init : {}) as Record<string, unknown>;
  const out: ServerOptions = { ...DEFAULT_OPTIONS };
  const delay = num(o.diagnosticsDelayMs, 0, 10_000);
  if (delay !== undefined) out.diagnosticsDelayMs = delay;
  const max = num(o.maxBytes, 1024, 1024 ** 3);
  if (max !== undefined) out.maxBytes = max;
  if (typeof o.docsBaseUrl === "string" && o.docsBaseUrl !== "")
    out.docsBaseUrl = o.docsBaseUrl.endsWith("/") ? o.docsBaseUrl : `${o.docsBaseUrl}/`;
  return out;
}
