// The one colour decision of the CLI (NO_COLOR, FORCE_COLOR, a terminal) and the ANSI styles every printer uses.

/** Styles the printers use; each is the identity when colour is off. */
export interface Paint {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const id = (text: string) => text;

/** Colour on, or every style the identity; the caller decides with `useColor`. */
export function paint(enabled: boolean): Paint {
  if (!enabled) return { green: id, red: id, yellow: id, blue: id, cyan: id, magenta: id, dim: id, bold: id };
  return {
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    blue: wrap(34, 39),
    cyan: wrap(36, 39),
    magenta: wrap(35, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/**
 * Whether to colour what goes to `stream`: never when NO_COLOR is set to anything non-empty (no-color.org);
 * always when FORCE_COLOR is set to anything but "", "0" or "false" (force-color.org), so CI logs that render
 * ANSI can have it; otherwise only on a terminal that is not `TERM=dumb`. NO_COLOR wins over FORCE_COLOR.
 */
export function useColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force.toLowerCase() !== "false";
  return stream.isTTY === true && env.TERM !== "dumb";
}
