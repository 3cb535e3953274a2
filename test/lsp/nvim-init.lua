-- Neovim's built-in LSP client against `leakaudit lsp --stdio`, headless:
--   nvim --headless --clean -u nvim-init.lua FILE
-- Starts the server for the file's buffer, waits for its diagnostics, asks
-- for a hover on the first one, writes what it got as JSON to $LEAKAUDIT_OUT,
-- and quits (Neovim then sends shutdown and exit to the server).
local bin = assert(os.getenv('LEAKAUDIT_BIN'))
local root = assert(os.getenv('LEAKAUDIT_ROOT'))
local out = assert(os.getenv('LEAKAUDIT_OUT'))

local function write(result)
  local file = assert(io.open(out, 'w'))
  file:write(vim.fn.json_encode(result))
  file:close()
end

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    local config = { name = 'leakaudit', cmd = { 'node', bin, 'lsp', '--stdio' }, root_dir = root }
    local id
    if vim.lsp.start then
      id = vim.lsp.start(config)
    else
      -- Neovim before 0.8 (Debian 12 ships 0.7): start the client, then attach it.
      id = vim.lsp.start_client(config)
      vim.lsp.buf_attach_client(0, id)
    end
    local got = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
    local client = vim.lsp.get_client_by_id(id)
    local result = { pid = client and client.rpc and client.rpc.pid or vim.NIL, diagnostics = {}, hover = vim.NIL }
    if got then
      for _, d in ipairs(vim.diagnostic.get(0)) do
        local lsp = d.user_data and d.user_data.lsp or {}
        table.insert(result.diagnostics, {
          lnum = d.lnum, col = d.col, severity = d.severity, source = d.source, message = d.message,
          code = d.code or lsp.code or vim.NIL,
          related = lsp.relatedInformation and #lsp.relatedInformation or 0,
        })
      end
      local first = vim.diagnostic.get(0)[1]
      local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = first.lnum, character = first.col } }
      local replies = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 30000) or {}
      for _, reply in pairs(replies) do
        if reply.result and reply.result.contents then result.hover = reply.result.contents.value end
      end
    end
    write(result)
    vim.cmd('qa!')
  end,
})
