// The Neovim set-up of docs/editors.md, driven headless: editors/neovim (require("rbx").setup()) starts `rbx lsp`
// for a runbook, and Neovim shows its diagnostics, completes, hovers and runs :RbxPlan's request. Neovim comes from
// Debian (scripts/system-deps.sh installs it); the branch of the plugin taken is the installed Neovim's API.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixtureRunbook, positionOf, root } from "../lsp/client.js";

const nvim = spawnSync("nvim", ["--version"], { encoding: "utf8" });
const version = nvim.status === 0 ? nvim.stdout.split("\n")[0] : "not installed: run scripts/system-deps.sh";
const dir = mkdtempSync(join(tmpdir(), "rbx-nvim-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run a Lua script in headless Neovim with editors/neovim on the runtime path; returns what it wrote as JSON. */
function headless(script: string): Record<string, unknown> {
  const out = join(dir, "out.json");
  const file = join(dir, "test.lua");
  writeFileSync(file, `local OUT = ${JSON.stringify(out)}\n${script}`);
  const r = spawnSync(
    "nvim",
    [
      "--headless",
      "--clean",
      "-n",
      "-i",
      "NONE",
      "--cmd",
      `set rtp^=${join(root, "editors", "neovim")}`,
      "-c",
      `luafile ${file}`,
    ],
    { cwd: dir, encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" },
  );
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  return JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
}

describe(`Neovim (${version})`, () => {
  it("starts rbx lsp for a runbook and shows diagnostics, completion, hover and the plan", () => {
    const rb = fixtureRunbook("scrydon.rb.yaml");
    const text = rb.text.replace("that: output.current.revision > 0", "that: output.current.revison > 0");
    const file = join(dir, "scrydon.rb.yaml");
    writeFileSync(file, text);
    writeFileSync(join(dir, "values.yaml"), "image: { tag: latest }\n");
    writeFileSync(join(dir, ".rbx.yaml"), "lint: {}\n");
    const completeAt = positionOf(text, "that: output.current.", "that: output.current.".length);
    const hoverAt = positionOf(text, "params.minLicenceDays", 9);
    const result = headless(`
vim.cmd("filetype on")
local rbx = require("rbx")
rbx.setup({ cmd = { ${JSON.stringify(process.execPath)}, ${JSON.stringify(join(root, "bin", "rbx.js"))}, "lsp", "--stdio" } })
vim.cmd("edit ${file}")
local buf = vim.api.nvim_get_current_buf()
local res = { filetype = vim.bo[buf].filetype }
res.got_diagnostics = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
res.diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(res.diagnostics, { lnum = d.lnum, col = d.col, code = d.code, message = d.message, source = d.source })
end
local function request(method, line, character)
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = character } }
  local answers = vim.lsp.buf_request_sync(buf, method, params, 20000) or {}
  for _, a in pairs(answers) do return a.result end
end
local items = request("textDocument/completion", ${completeAt.line}, ${completeAt.character}) or {}
res.completion = {}
for _, item in ipairs(items.items or items) do table.insert(res.completion, item.label) end
local hover = request("textDocument/hover", ${hoverAt.line}, ${hoverAt.character})
res.hover = hover and hover.contents and hover.contents.value or ""
local plan
rbx.plan(buf, "", function(result) plan = result end)
vim.wait(20000, function() return plan ~= nil end, 50)
res.plan = plan
vim.cmd("edit ${join(dir, "values.yaml")}")
vim.wait(1000, function() return false end, 100)
res.values_clients = #vim.lsp.buf_get_clients(vim.api.nvim_get_current_buf())
res.root = rbx.root_dir(buf)
vim.fn.writefile({ vim.fn.json_encode(res) }, OUT)
vim.cmd("qa!")
`);
    expect(result.filetype).toBe("yaml");
    expect(result.got_diagnostics).toBe(true);
    expect(result.diagnostics).toEqual([
      {
        lnum: completeAt.line,
        col: completeAt.character,
        code: "unknown-field",
        source: "rbx",
        message: expect.stringContaining("Did you mean 'revision'?"),
      },
    ]);
    expect(result.completion).toEqual([
      "revision",
      "status",
      "chart",
      "app_version",
      "updated",
      "description",
    ]);
    expect(result.hover).toContain("**param** `minLicenceDays`: `int`");
    expect(result.plan).toMatchObject({ ok: false });
    expect(String((result.plan as { text: string }).text)).toContain("unknown-field");
    expect(result.values_clients).toBe(0);
    expect(result.root).toBe(dir);
  });
});
