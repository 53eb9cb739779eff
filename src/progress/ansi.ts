// Colour and cursor control for the live view; colour is a decision made once (TTY and no NO_COLOR).

/** Styles the renderers use; each is the identity when colour is off. */
export interface Paint {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

/** Colour on, or every style the identity; the caller decides with `useColor`. */
export function paint(enabled: boolean): Paint {
  const id = (t: string) => t;
  if (!enabled) return { green: id, red: id, yellow: id, cyan: id, magenta: id, dim: id, bold: id };
  return {
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    magenta: wrap(35, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org). */
export function useColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** Move the cursor up `n` lines to the start of the line, then clear to the end of the screen. */
export function rewind(n: number): string {
  return n > 0 ? `\u001b[${n}F\u001b[0J` : "\r\u001b[0J";
}

/** Visible width of a string once escape sequences are removed (for truncating to the terminal). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point.
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}
