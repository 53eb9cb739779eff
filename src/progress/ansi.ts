// Cursor control for the live view; its colours are the CLI's one decision (diagnostics/color.ts), re-exported.

export { type Paint, paint } from "../diagnostics/color.js";

/** Move the cursor up `n` lines to the start of the line, then clear to the end of the screen. */
export function rewind(n: number): string {
  return n > 0 ? `\u001b[${n}F\u001b[0J` : "\r\u001b[0J";
}

/** Visible width of a string once escape sequences are removed (for truncating to the terminal). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point.
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}
