// Taint-based redaction: it knows every secret value and every string derived from one, and masks them.

import type { Redactor } from "../../contract/action.js";
import type { JsonValue } from "../../contract/json.js";

/** What a masked secret is shown as. */
export const MASK = "***";

/**
 * The shortest value masked wherever it occurs. A shorter one masked inside other words gives itself away
 * (`registry.e***ample` shows the secret is `x`), so secret params and env vars shorter than this are
 * refused before a run starts, and shorter values an action registers are masked only as whole words.
 */
export const MIN_SECRET_LENGTH = 8;

/** Shorter derived values (a length, a flag, `true`) carry no secret and would mask unrelated text. */
const MIN_DERIVED = 6;

/** A value of fewer than MIN_SECRET_LENGTH characters is masked only where no letter or digit touches it. */
const wordEdge = { before: "(?<![\\p{L}\\p{N}])", after: "(?![\\p{L}\\p{N}])" };

/**
 * The run's redactor. Secrets are registered by value (secret params, secret env, connection fields
 * built from them, values an action registers); strings derived from a secret are registered too, so
 * masking never depends on a field being named "password". A value of MIN_SECRET_LENGTH characters or
 * more is masked wherever it occurs; a shorter one (an action's, never a param's) only as a whole word,
 * never as a fragment of another word.
 */
export class TaintRedactor implements Redactor {
  private readonly secrets = new Set<string>();
  private readonly words = new Set<string>();
  private pattern: RegExp | undefined;

  /** Register a secret value, with the encodings it commonly travels in (URL, base64). */
  addSecret(value: string): void {
    if (value.length === 0 || this.secrets.has(value) || this.words.has(value)) return;
    const into = value.length >= MIN_SECRET_LENGTH ? this.secrets : this.words;
    for (const v of [value, encodeURIComponent(value), Buffer.from(value).toString("base64")]) {
      if (v.length > 0) into.add(v);
    }
    this.compile();
  }

  /**
   * Register a value computed from tainted inputs. A string that contains a known secret keeps its
   * readable parts (the secret substring is masked wherever it appears); one that does not (a secret
   * transformed, e.g. upper-cased or hashed) is registered whole.
   */
  addDerived(value: unknown): void {
    walkStrings(value, (s) => {
      if (s.length < MIN_DERIVED || this.containsSecret(s)) return;
      this.addSecret(s);
    });
  }

  /** True when the text contains any registered secret. */
  containsSecret(text: string): boolean {
    if (!this.pattern) return false;
    this.pattern.lastIndex = 0;
    return this.pattern.test(text);
  }

  /** Mask every registered secret in the text. */
  redact(text: string): string {
    if (!this.pattern) return text;
    return text.replace(this.pattern, MASK);
  }

  /** Mask every string inside a JSON value (keys included); the value itself when it holds no secret. */
  redactJson<T extends JsonValue>(value: T): T {
    if (!this.pattern) return value;
    return mapJson(value, (s) => this.redact(s)) as T;
  }

  /** How many distinct secret strings are known (for tests and diagnostics). */
  get size(): number {
    return this.secrets.size + this.words.size;
  }

  // One pattern, longest value first, so overlapping secrets leave nothing behind.
  private compile(): void {
    const all = [
      ...[...this.secrets].map((v) => ({ v, re: escapeRegExp(v) })),
      ...[...this.words].map((v) => ({ v, re: `${wordEdge.before}${escapeRegExp(v)}${wordEdge.after}` })),
    ].sort((a, b) => b.v.length - a.v.length);
    this.pattern = new RegExp(all.map((a) => a.re).join("|"), "gu");
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function walkStrings(value: unknown, fn: (s: string) => void): void {
  if (typeof value === "string") fn(value);
  else if (Array.isArray(value)) for (const v of value) walkStrings(v, fn);
  else if (value && typeof value === "object") for (const v of Object.values(value)) walkStrings(v, fn);
}

/** `value` with `fn` applied to every string (keys included); the same object where nothing changed. */
function mapJson(value: JsonValue, fn: (s: string) => string): JsonValue {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) {
    let out: JsonValue[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as JsonValue;
      const m = mapJson(v, fn);
      if (m !== v) out ??= value.slice(0, i);
      out?.push(m);
    }
    return out ?? value;
  }
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    let out: { [key: string]: JsonValue } | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const v = value[k] as JsonValue;
      const mk = fn(k);
      const mv = mapJson(v, fn);
      if (!out && (mk !== k || mv !== v)) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j] as string] = value[keys[j] as string] as JsonValue;
      }
      if (out) out[mk] = mv;
    }
    return out ?? value;
  }
  return value;
}
