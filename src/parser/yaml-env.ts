// yaml's parser looks up process.env.LOG_TOKENS for every token it reads (a C++ lookup each, about a fifth of a
// runbook's parse); while rbx parses, process.env is a plain object instead, so each lookup is a field read.

/** The environment variables the pinned yaml package reads while parsing (its token and stream debug logs). */
const READ_BY_YAML = ["LOG_TOKENS", "LOG_STREAM"];

/** The environment yaml sees while parsing: none of its debug variables, as in every real run. */
const QUIET: NodeJS.ProcessEnv = Object.freeze({});

/**
 * Run `parse` (synchronous, calling only into yaml) with `process.env` an empty object, and the real one back
 * when it returns or throws. Nothing else runs meanwhile (parsing never waits; each thread has its own
 * `process`). With one of yaml's debug variables set, yaml reads the real environment and logs as it would.
 */
export function withYamlEnv<T>(parse: () => T): T {
  const env = process.env;
  if (READ_BY_YAML.some((name) => env[name] !== undefined)) return parse();
  process.env = QUIET;
  try {
    return parse();
  } finally {
    process.env = env;
  }
}
