// dotenv.set: set NAME=VALUE in a dotenv file (a Compose project's .env), keeping every other line and the mode.

import { defineAction } from "../contract/action.js";
import { T } from "../contract/cel-types.js";
import { ActionError } from "./shared/action-error.js";

/** Arguments of dotenv.set. */
export interface DotenvSetArgs {
  path: string;
  name: string;
  value: string;
  createFile?: boolean;
}

/** Output of dotenv.set. */
export interface DotenvSetOutput {
  /** The value the file held before ("" when the name was absent). */
  previous: string;
  changed: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A value that needs no quoting in a dotenv file (and in docker compose's reading of it).
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]*$/;

// `NAME=value`, `export NAME=value`, `NAME="value"` or `NAME='value'`: the value as compose reads it.
function lineValue(line: string, name: string): string | undefined {
  const m = new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=\\s*(.*)$`).exec(line);
  if (!m) return undefined;
  const raw = (m[1] ?? "").trim();
  const quoted = /^(["'])(.*)\1$/.exec(raw);
  if (quoted) return quoted[2] ?? "";
  return raw.replace(/\s+#.*$/, "");
}

function render(name: string, value: string): string {
  if (/[\n\r]/.test(value))
    throw new ActionError("invalid-value", `The value of ${name} spans lines; a dotenv line cannot hold it`);
  return `${name}=${PLAIN.test(value) ? value : `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`}`;
}

async function readText(
  path: string,
  createFile: boolean,
): Promise<{ text: string; mode: number } | undefined> {
  const { readFile, stat } = await import("node:fs/promises");
  try {
    return { text: await readFile(path, "utf8"), mode: (await stat(path)).mode & 0o777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    if (createFile) return undefined;
    throw new ActionError("file-not-found", `${path} does not exist (set createFile: true to create it)`);
  }
}

/** The current value of NAME in the file ("" when absent), for plans, `before` and the probe. */
async function currentValue(args: DotenvSetArgs): Promise<string | undefined> {
  const found = await readText(args.path, true);
  if (!found) return undefined;
  for (const line of found.text.split("\n")) {
    const v = lineValue(line, args.name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Pin a value in a dotenv file (e.g. KRYTON_TAG in a Compose project's .env), so a plain `docker compose up -d` keeps it. */
export const dotenvSet = defineAction<DotenvSetArgs, DotenvSetOutput>({
  name: "dotenv.set",
  effect: "write",
  summary:
    "Set NAME=VALUE in a dotenv file (a Compose project's .env), keeping every other line and the file's mode.",
  input: {
    type: "object",
    additionalProperties: false,
    required: ["path", "name", "value"],
    properties: {
      path: {
        type: "string",
        minLength: 1,
        examples: ["/srv/kryton/.env"],
        description: "The dotenv file, e.g. the Compose project's .env.",
      },
      name: {
        type: "string",
        pattern: NAME.source,
        examples: ["KRYTON_TAG"],
        description: "The variable, e.g. KRYTON_TAG.",
      },
      value: {
        type: "string",
        examples: ["v4.6.5"],
        description: "Its new value (one line); quoted in the file when it needs it.",
      },
      createFile: {
        type: "boolean",
        default: false,
        description:
          "Create the file (mode 0600) when it does not exist; otherwise a missing file is an error.",
      },
    },
  },
  output: T.object("dotenv.set.output", { previous: T.string, changed: T.bool }),
  plan(args, ctx) {
    return [
      {
        kind: "note",
        text: ctx.redactor.redact(`set ${args.name}=${args.value} in ${args.path} (every other line kept)`),
      },
    ];
  },
  async run(ctx, args) {
    if (!NAME.test(args.name)) throw new ActionError("invalid-name", `${args.name} is not a variable name`);
    const { writeFile, rename, chmod } = await import("node:fs/promises");
    const found = await readText(args.path, args.createFile === true);
    const lines = found ? found.text.split("\n") : [];
    let previous = "";
    let seen = false;
    const wanted = render(args.name, args.value);
    const out = lines.map((line) => {
      const v = lineValue(line, args.name);
      if (v === undefined) return line;
      if (!seen) previous = v;
      seen = true;
      return wanted;
    });
    if (!seen) {
      if (out.length > 0 && out.at(-1) === "") out.splice(out.length - 1, 0, wanted);
      else out.push(wanted);
    }
    let text = out.join("\n");
    if (!text.endsWith("\n")) text += "\n";
    const changed = !found || text !== found.text;
    if (changed) {
      const tmp = `${args.path}.rbx-${process.pid}.tmp`;
      await writeFile(tmp, text, { mode: found?.mode ?? 0o600 });
      await chmod(tmp, found?.mode ?? 0o600);
      await rename(tmp, args.path);
    }
    ctx.log.info(
      ctx.redactor.redact(
        changed
          ? `${args.name} set in ${args.path} (was ${seen ? previous : "absent"})`
          : `${args.name} already set`,
      ),
    );
    return { previous, changed };
  },
  async before(_ctx, args) {
    return { value: (await currentValue(args)) ?? null };
  },
  async probe(_ctx, args, before) {
    const now = await currentValue(args);
    if (now === args.value) {
      const was = (before as { value?: string | null } | null)?.value ?? "";
      return { state: "done", output: { previous: was ?? "", changed: was !== args.value } };
    }
    return { state: "not-done" };
  },
});
