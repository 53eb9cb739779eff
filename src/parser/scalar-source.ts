// Decodes a YAML scalar exactly as YAML does, keeping for every UTF-16 unit the file offset it came from.
import type { Scalar } from "yaml";

/** A decoded string and, per code unit, its offset in the file; `offsets[text.length]` is one past the end. */
export interface DecodedScalar {
  text: string;
  offsets: number[];
}

type Style = "plain" | "single" | "double";

class Out {
  chars: string[] = [];
  offsets: number[] = [];
  ends: number[] = [];
  /** true for whitespace copied literally (may be trimmed at a line break); false for escapes. */
  trimmable: boolean[] = [];

  push(text: string, offset: number, end: number, trimmable = false): void {
    for (const ch of text) {
      for (let k = 0; k < ch.length; k++) {
        this.chars.push(ch[k] as string);
        this.offsets.push(offset);
        this.ends.push(end);
        this.trimmable.push(trimmable);
      }
    }
  }

  trimTrailingWhitespace(): void {
    while (this.trimmable.length > 0 && this.trimmable[this.trimmable.length - 1]) {
      this.chars.pop();
      this.offsets.pop();
      this.ends.pop();
      this.trimmable.pop();
    }
  }

  result(emptyAt: number): DecodedScalar {
    const last = this.ends[this.ends.length - 1];
    return { text: this.chars.join(""), offsets: [...this.offsets, last ?? emptyAt] };
  }
}

const isBlank = (c: string | undefined): boolean => c === " " || c === "\t";

/** Length of the line break at `i` (\n or \r\n), or 0. */
function breakAt(text: string, i: number): number {
  if (text[i] === "\n") return 1;
  if (text[i] === "\r" && text[i + 1] === "\n") return 2;
  return 0;
}

const simpleEscapes: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};
const hexEscapes: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Whether a flow scalar's value is its source text as written: on one line (no line break, no carriage return to
 * be one), with no escape in "double" and no doubled quote in 'single'. Most scalars of a runbook are.
 */
function isVerbatim(text: string, start: number, end: number, style: Style): boolean {
  const special = style === "double" ? 92 /* \\ */ : style === "single" ? 39 /* ' */ : 10; /* \n */
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === special) return false;
  }
  return true;
}

/** A scalar whose value is `text[start, end)` unchanged: each unit at its own offset. */
function verbatim(text: string, start: number, end: number): DecodedScalar {
  const offsets = new Array<number>(end - start + 1);
  for (let i = start; i <= end; i++) offsets[i - start] = i;
  return { text: text.slice(start, end), offsets };
}

/**
 * Flow scalars (plain, 'single', "double") between `start` and `end` (quotes excluded): line folding
 * turns one break into a space and n empty lines into n newlines; whitespace around breaks is dropped.
 */
function decodeFlow(text: string, start: number, end: number, style: Style): DecodedScalar {
  if (isVerbatim(text, start, end, style)) return verbatim(text, start, end);
  const out = new Out();
  let i = start;
  while (i < end) {
    const c = text[i] as string;
    const br = breakAt(text, i);
    if (br > 0) {
      out.trimTrailingWhitespace();
      const firstBreak = i;
      i += br;
      const empties: number[] = [];
      for (;;) {
        while (i < end && isBlank(text[i])) i++;
        const b = breakAt(text, i);
        if (b === 0 || i >= end) break;
        empties.push(i);
        i += b;
      }
      if (empties.length === 0) out.push(" ", firstBreak, firstBreak + br, true);
      else for (const e of empties) out.push("\n", e, e + breakAt(text, e));
      continue;
    }
    if (style === "single" && c === "'" && text[i + 1] === "'") {
      out.push("'", i, i + 2);
      i += 2;
      continue;
    }
    if (style === "double" && c === "\\") {
      const n = text[i + 1] as string;
      const nb = breakAt(text, i + 1);
      if (nb > 0) {
        // An escaped line break joins the lines without a space.
        i += 1 + nb;
        while (i < end && isBlank(text[i])) i++;
        continue;
      }
      const simple = simpleEscapes[n];
      if (simple !== undefined) {
        out.push(simple, i, i + 2);
        i += 2;
        continue;
      }
      const digits = hexEscapes[n];
      if (digits !== undefined) {
        const code = Number.parseInt(text.slice(i + 2, i + 2 + digits), 16);
        out.push(Number.isNaN(code) ? "" : String.fromCodePoint(code), i, i + 2 + digits);
        i += 2 + digits;
        continue;
      }
      out.push(n ?? "", i, i + 2);
      i += 2;
      continue;
    }
    out.push(c, i, i + 1, isBlank(c));
    i++;
  }
  return out.result(end);
}

interface Line {
  start: number;
  text: string;
  /** Offset of the line's break, or undefined for a last line without one. */
  brk: number | undefined;
  brkLen: number;
}

function splitLines(text: string, start: number, end: number): Line[] {
  const lines: Line[] = [];
  let s = start;
  while (s < end) {
    let e = s;
    while (e < end && text[e] !== "\n") e++;
    const hasBreak = e < end;
    const cr = e > s && text[e - 1] === "\r" && hasBreak;
    lines.push({
      start: s,
      text: text.slice(s, cr ? e - 1 : e),
      brk: hasBreak ? (cr ? e - 1 : e) : undefined,
      brkLen: cr ? 2 : 1,
    });
    s = e + 1;
  }
  return lines;
}

/** Block scalars (| and >) with chomping (+ -) and indentation indicators; `parentIndent` is the CST token's. */
function decodeBlock(
  text: string,
  headerStart: number,
  bodyStart: number,
  end: number,
  parentIndent: number,
): DecodedScalar {
  const header = text
    .slice(headerStart, bodyStart)
    .replace(/\s#.*$/s, "")
    .trim();
  const folded = header.startsWith(">");
  const chomp = header.includes("-") ? "strip" : header.includes("+") ? "keep" : "clip";
  const digit = /[1-9]/.exec(header);
  const lines = splitLines(text, bodyStart, end);
  let indent: number;
  if (digit) indent = parentIndent + Number(digit[0]);
  else {
    const first = lines.find((l) => l.text.trim() !== "");
    indent = first ? first.text.length - first.text.trimStart().length : 0;
  }
  const isEmpty = (l: Line): boolean => l.text.length <= indent && l.text.trim() === "";
  let lastContent = -1;
  for (let k = lines.length - 1; k >= 0; k--) {
    if (!isEmpty(lines[k] as Line)) {
      lastContent = k;
      break;
    }
  }
  const out = new Out();
  const newline = (l: Line): void => {
    if (l.brk !== undefined) out.push("\n", l.brk, l.brk + l.brkLen);
  };
  const content = (l: Line): void => {
    for (let k = indent; k < l.text.length; k++) out.push(l.text[k] as string, l.start + k, l.start + k + 1);
  };
  const moreIndented = (l: Line): boolean => isBlank(l.text[indent]);
  let prev: Line | undefined;
  let empties: Line[] = [];
  for (let k = 0; k <= lastContent; k++) {
    const l = lines[k] as Line;
    if (isEmpty(l)) {
      empties.push(l);
      continue;
    }
    if (!prev) for (const e of empties) newline(e);
    else if (!folded) {
      newline(prev);
      for (const e of empties) newline(e);
    } else if (!moreIndented(prev) && !moreIndented(l)) {
      if (empties.length === 0 && prev.brk !== undefined) out.push(" ", prev.brk, prev.brk + prev.brkLen);
      for (const e of empties) newline(e);
    } else {
      newline(prev);
      for (const e of empties) newline(e);
    }
    content(l);
    prev = l;
    empties = [];
  }
  if (chomp !== "strip") {
    if (prev) newline(prev);
    if (chomp === "keep") for (const l of lines.slice(lastContent + 1)) newline(l);
  }
  return out.result(bodyStart);
}

/** Align a decoded string to its raw source when no exact decoder applies: each unit maps to the next equal character. */
export function alignOffsets(text: string, decoded: string, start: number, end: number): DecodedScalar {
  const offsets: number[] = [];
  let p = start;
  for (const ch of decoded) {
    let q = p;
    while (q < end && text[q] !== ch) q++;
    const at = q < end ? q : Math.min(p, Math.max(start, end - 1));
    offsets.push(at);
    if (ch.length === 2) offsets.push(at);
    if (q < end) p = q + 1;
  }
  offsets.push(Math.max(p, start));
  return { text: decoded, offsets };
}

/** The style-specific decoding alone, without the safety net (exported so tests can hold it to YAML's). */
export function decodeScalarStyle(node: Scalar, text: string): DecodedScalar {
  const [start, end] = node.range ?? [0, 0];
  let decoded: DecodedScalar;
  switch (node.type) {
    case "QUOTE_SINGLE":
      decoded = decodeFlow(text, start + 1, end - 1, "single");
      break;
    case "QUOTE_DOUBLE":
      decoded = decodeFlow(text, start + 1, end - 1, "double");
      break;
    case "BLOCK_FOLDED":
    case "BLOCK_LITERAL": {
      const token = node.srcToken as { source?: string; indent?: number } | undefined;
      const body = token?.source ?? "";
      const bodyStart = end - body.length;
      decoded = decodeBlock(text, start, bodyStart, end, token?.indent ?? 0);
      break;
    }
    default:
      decoded = decodeFlow(text, start, end, "plain");
  }
  return decoded;
}

/** The decoded value of a scalar with its offsets map; non-string scalars keep their source text. */
export function decodeScalar(node: Scalar, text: string): DecodedScalar {
  const decoded = decodeScalarStyle(node, text);
  if (typeof node.value !== "string" || decoded.text === node.value) return decoded;
  const [start, end] = node.range ?? [0, 0];
  return alignOffsets(text, node.value, start, end);
}
