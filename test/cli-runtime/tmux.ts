// A real pseudo-terminal for CLI tests: rbx runs in a detached tmux pane whose screen the test reads.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { RBX } from "./cli.js";

const run = promisify(execFile);

// Runs rbx as its child on the pane's terminal and writes its exit status to a file: tmux does not
// always report the status of a pane's process. Signals from the terminal (Ctrl-C) are rbx's to handle.
const WRAPPER = `
process.on("SIGINT", () => {});
const [file, command, ...args] = process.argv.slice(1);
const child = require("node:child_process").spawn(command, args, { stdio: "inherit" });
child.on("exit", (code, signal) => require("node:fs").writeFileSync(file, String(code ?? signal)));
`;

/** One tmux server on a private socket with one pane running `node bin/rbx.js ARGS`. */
export class TmuxPane {
  private serverPid: number | undefined;

  private constructor(
    private readonly socket: string,
    private readonly statusFile: string,
    private readonly env: Record<string, string>,
  ) {}

  /** Start rbx in a 120×40 pane; the pane stays after rbx exits so its last screen can be read. */
  static async start(
    dir: string,
    name: string,
    args: string[],
    env: Record<string, string>,
  ): Promise<TmuxPane> {
    const conf = join(dir, `${name}.tmux.conf`);
    writeFileSync(conf, "set-option -g remain-on-exit on\nset-option -g default-terminal xterm-256color\n");
    const pane = new TmuxPane(join(dir, `${name}.sock`), join(dir, `${name}.status`), {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      RBX_USER: "tester",
      ...env,
    });
    await pane.tmux([
      "-f",
      conf,
      "new-session",
      "-d",
      "-x",
      "120",
      "-y",
      "40",
      "-s",
      "rbx",
      process.execPath,
      "-e",
      WRAPPER,
      pane.statusFile,
      process.execPath,
      RBX,
      ...args,
    ]);
    pane.serverPid = Number((await pane.tmux(["display-message", "-p", "-t", "rbx", "#{pid}"])).trim());
    return pane;
  }

  /** The screen as text (`escapes`: with the colour and style sequences tmux keeps). */
  async screen(escapes = false): Promise<string> {
    // -J joins lines the terminal wrapped; -S - starts at the top of the scrollback.
    return this.tmux(["capture-pane", "-p", "-J", "-S", "-", ...(escapes ? ["-e"] : []), "-t", "rbx"]);
  }

  /** Poll the screen every 100 ms until `test` holds; fails after `ms` with the last screen. */
  async waitFor(test: (screen: string) => boolean, ms = 20_000): Promise<string> {
    let last = "";
    for (let waited = 0; waited <= ms; waited += 100) {
      last = await this.screen();
      if (test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the terminal never showed what was expected; last screen:\n${last}`);
  }

  /** Wait for rbx to exit; returns its exit status. */
  async exitCode(ms = 30_000): Promise<number> {
    for (let waited = 0; waited <= ms; waited += 100) {
      if (existsSync(this.statusFile)) return Number(readFileSync(this.statusFile, "utf8"));
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`rbx did not exit within ${ms} ms; screen:\n${await this.screen()}`);
  }

  /** Type keys into the pane (e.g. "C-c"). */
  async keys(...keys: string[]): Promise<void> {
    await this.tmux(["send-keys", "-t", "rbx", ...keys]);
  }

  /** Stop the tmux server (and with it rbx), by PID if it does not go by itself. */
  async stop(): Promise<void> {
    await this.tmux(["kill-server"]).catch(() => "");
    if (this.serverPid) {
      try {
        process.kill(this.serverPid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }

  private async tmux(args: string[]): Promise<string> {
    const { stdout } = await run("tmux", ["-S", this.socket, ...args], { env: this.env, timeout: 10_000 });
    return stdout;
  }
}
