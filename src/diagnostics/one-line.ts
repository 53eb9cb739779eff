// Text from the world (an HTTP body, a tool's stderr) as one bounded line: logs stay one event per line.

/** The most characters `oneLine` keeps by default. */
export const ONE_LINE_MAX = 240;

/**
 * `text` on one line of at most `max` characters: line breaks and the blanks around them become " ⏎ ", other
 * control characters (escape sequences a body may carry) are dropped, runs of blanks shrink to one, and what
 * is cut is marked with "…".
 */
export function oneLine(text: string, max = ONE_LINE_MAX): string {
  const flat = text
    .replace(/[ \t]*(\r\n|\r|\n)[ \t\r\n]*/g, " ⏎ ")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")
    .replace(/[ \t]{2,}/g, " ")
    .trim()
    .replace(/^⏎ | ⏎$/g, "");
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
