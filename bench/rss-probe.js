// Loaded with `node --import` into a measured rbx process: at exit it writes the process's peak resident set
// (KB) to the file named by RBX_BENCH_RSS_FILE, so the bench reads the peak of the very process a user runs.
import { writeFileSync } from "node:fs";

const out = process.env.RBX_BENCH_RSS_FILE;
if (out) process.on("exit", () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
