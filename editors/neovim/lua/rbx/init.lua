-- rbx for Neovim: starts the rbx language server (`rbx lsp --stdio`) for runbooks (*.rb.yaml, *.rb.yml) with the
-- LSP API the running Neovim has (0.11+: vim.lsp.config/enable; 0.8-0.10: vim.lsp.start; 0.7: start_client),
-- and adds :RbxPlan, which shows the plan of the current runbook. See docs/editors.md in the rbx repository.
local M = {}

M.defaults = {
  -- The server command; `rbx` must be on PATH, or give the full path (or { "node", "/path/bin/rbx.js", ... }).
  cmd = { "rbx", "lsp", "--stdio" },
  -- Directories holding one of these are a workspace root (where a plan's params file is looked up).
  root_markers = { ".rbx.yaml", ".git" },
  -- Sent as initializationOptions: diagnosticsDelayMs, docsBaseUrl, maxBytes.
  init_options = {},
}

local config = vim.deepcopy(M.defaults)

--- True for a runbook buffer: the name ends in .rb.yaml or .rb.yml.
function M.is_runbook(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  return name:match("%.rb%.ya?ml$") ~= nil
end

--- The nearest directory above the buffer's file that holds a root marker, else the file's directory.
function M.root_dir(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":p:h")
  for _, marker in ipairs(config.root_markers) do
    local file = vim.fn.findfile(marker, dir .. ";")
    if file ~= "" then return vim.fn.fnamemodify(file, ":p:h") end
    local found = vim.fn.finddir(marker, dir .. ";")
    if found ~= "" then return vim.fn.fnamemodify(found, ":p:h:h") end
  end
  return dir
end

local clients = {} -- root directory -> client id (Neovim 0.7)

--- Attach the server to a runbook buffer with the API this Neovim has (before 0.11).
local function attach(bufnr)
  if not M.is_runbook(bufnr) then return end
  local root = M.root_dir(bufnr)
  local spec = { name = "rbx", cmd = config.cmd, root_dir = root, init_options = config.init_options }
  if vim.lsp.start then
    vim.lsp.start(spec, { bufnr = bufnr })
    return
  end
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(spec)
    clients[root] = id
  end
  if id then vim.lsp.buf_attach_client(bufnr, id) end
end

--- The rbx client attached to a buffer, if any.
local function client_of(bufnr)
  local attached = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, c in pairs(attached) do
    if c.name == "rbx" then return c end
  end
  return nil
end

--- Ask the server for the plan of buffer `bufnr` (params file relative to the workspace root); calls `done(result)`
--- with { ok = bool, text = string }.
function M.plan(bufnr, params_file, done)
  local client = client_of(bufnr)
  if not client then
    done({ ok = false, text = "rbx: no rbx language server is attached to this buffer" })
    return
  end
  local args = { uri = vim.uri_from_bufnr(bufnr) }
  if params_file and params_file ~= "" then args.paramsFile = params_file end
  local params = { command = "rbx.plan", arguments = { args } }
  local function handler(err, result)
    if err then
      done({ ok = false, text = "rbx.plan failed: " .. (err.message or vim.inspect(err)) })
    else
      done(result)
    end
  end
  if vim.fn.has("nvim-0.11") == 1 then
    client:request("workspace/executeCommand", params, handler, bufnr)
  else
    client.request("workspace/executeCommand", params, handler, bufnr)
  end
end

--- :RbxPlan [params-file] — the plan in a scratch window below.
local function plan_command(opts)
  M.plan(vim.api.nvim_get_current_buf(), opts.args, function(result)
    vim.schedule(function()
      vim.cmd("botright new")
      local buf = vim.api.nvim_get_current_buf()
      vim.bo[buf].buftype = "nofile"
      vim.bo[buf].bufhidden = "wipe"
      vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(result.text, "\n", { plain = true }))
      vim.bo[buf].modifiable = false
    end)
  end)
end

--- Set up the server for runbooks; `opts` overrides `M.defaults` (cmd, root_markers, init_options).
function M.setup(opts)
  config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  vim.api.nvim_create_user_command("RbxPlan", plan_command, { nargs = "?", complete = "file" })
  if vim.lsp.config and vim.lsp.enable then
    vim.lsp.config("rbx", {
      cmd = config.cmd,
      filetypes = { "yaml" },
      init_options = config.init_options,
      root_dir = function(bufnr, on_dir)
        if M.is_runbook(bufnr) then on_dir(M.root_dir(bufnr)) end
      end,
    })
    vim.lsp.enable("rbx")
    return
  end
  local group = vim.api.nvim_create_augroup("rbx_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "yaml",
    callback = function(args) attach(args.buf) end,
  })
end

return M
