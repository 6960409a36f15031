-- pretty.lua: how the klab console prints values. `format(value)` returns a string.
--
-- Rules, in the order they are tried:
--   1. A value whose metatable has __tostring prints as tostring(value) (kernel objects, error values).
--   2. Strings print bare at the top level (like lua.c) and quoted inside tables.
--   3. A top-level list of tables sharing keys (a "record list", e.g. the result of k:poll()) prints as an
--      aligned text table with a header row; columns follow getmetatable(list).__fields when given, else
--      topic, partition, offset, key, value first, then the other keys sorted.
--   4. Other tables print as Lua constructors: the sequence part positionally, then the other keys sorted
--      (numbers before strings), on one line when short, else one entry per line indented by 2 spaces.
--   5. Functions, threads and userdata without __tostring print as <function>, <thread>, <userdata NAME>.
--
-- Output is deterministic: table contents are always sorted before they reach the output, and tables are
-- read raw (no __index, __pairs or __len runs), so printing a value never has side effects beyond __tostring.
-- Library functions are captured when the module loads, so a script that reassigns `string` or `tostring`
-- does not break the console.

local debug_getmetatable = debug and debug.getmetatable or getmetatable
local concat, sort = table.concat, table.sort
local format, rep, byte = string.format, string.rep, string.byte
local ipairs, next, pcall, rawget, tostring, type = ipairs, next, pcall, rawget, tostring, type
local math_type = math.type
local utf8_len, utf8_offset = utf8 and utf8.len, utf8 and utf8.offset

local LINE_WIDTH = 80      -- a table fitting in this many columns prints on one line
local MAX_DEPTH = 6        -- tables nested deeper print as {...}
local MAX_CELL_WIDTH = 40  -- record-list cells longer than this are cut with an ellipsis
local COLUMN_GAP = "  "
local PREFERRED_COLUMNS = { "topic", "partition", "offset", "key", "value" }

local KEYWORDS = {}
for word in ([[and break do else elseif end false for function goto if in local nil not or repeat return
               then true until while]]):gmatch("%a+") do
  KEYWORDS[word] = true
end

local function metafield(value, name)
  local mt = debug_getmetatable(value)
  if type(mt) == "table" then return rawget(mt, name) end
  return nil
end

local function is_identifier(key)
  return type(key) == "string" and key:match("^[%a_][%w_]*$") ~= nil and not KEYWORDS[key]
end

-- Control characters are escaped so that every string inside a table stays on one line.
local ESCAPES = { ["\n"] = "\\n", ["\t"] = "\\t", ["\r"] = "\\r", ['"'] = '\\"', ["\\"] = "\\\\" }
local function escape_char(c)
  return ESCAPES[c] or format("\\%03d", byte(c))
end

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', escape_char) .. '"'
end

local function display_width(s)
  return utf8_len and utf8_len(s) or #s
end

local function truncate(s, width)
  if display_width(s) <= width then return s end
  local cut = utf8_len and utf8_len(s) and utf8_offset(s, width) or width
  return s:sub(1, cut - 1) .. "…"
end

-- tostring() through __tostring, which may fail or return a non-string; a broken __tostring must not
-- stop the console from printing everything else.
local function via_tostring(value)
  local ok, text = pcall(tostring, value)
  if ok then return text end
  return "<__tostring failed: " .. tostring(text) .. ">"
end

local render  -- forward declaration: render(value, indent, depth, seen, inline) -> string

local function sequence_length(t)
  local n = 0
  while rawget(t, n + 1) ~= nil do n = n + 1 end
  return n
end

-- Map keys sort numbers first (numerically), then strings, then booleans, then anything else by its text.
local KEY_RANK = { number = 1, string = 2, boolean = 3 }
local function sorted_keys(t, skip_up_to)
  local keys = {}
  for key in next, t do
    if not (math_type(key) == "integer" and key >= 1 and key <= skip_up_to) then
      keys[#keys + 1] = { key = key, rank = KEY_RANK[type(key)] or 4,
                          text = type(key) == "string" and key or render(key, "", 0, {}, true) }
    end
  end
  sort(keys, function(a, b)
    if a.rank ~= b.rank then return a.rank < b.rank end
    if a.rank == 1 then return a.key < b.key end
    if a.rank == 3 then return (not a.key) and b.key end
    return a.text < b.text
  end)
  return keys
end

local function render_key(entry)
  if is_identifier(entry.key) then return entry.key end
  if type(entry.key) == "string" then return "[" .. quote(entry.key) .. "]" end
  return "[" .. entry.text .. "]"
end

local function render_table(t, indent, depth, seen, inline)
  if next(t) == nil then return "{}" end
  if depth >= MAX_DEPTH then return "{...}" end
  seen[t] = true
  local inner = indent .. "  "
  local entries = {}
  local n = sequence_length(t)
  for i = 1, n do
    entries[#entries + 1] = render(rawget(t, i), inner, depth + 1, seen, inline)
  end
  for _, entry in ipairs(sorted_keys(t, n)) do
    entries[#entries + 1] = render_key(entry) .. " = "
                            .. render(rawget(t, entry.key), inner, depth + 1, seen, inline)
  end
  seen[t] = nil
  local one_line = "{ " .. concat(entries, ", ") .. " }"
  if inline or (not one_line:find("\n", 1, true) and #indent + #one_line < LINE_WIDTH) then
    return one_line
  end
  return "{\n" .. inner .. concat(entries, ",\n" .. inner) .. ",\n" .. indent .. "}"
end

render = function(value, indent, depth, seen, inline)
  if metafield(value, "__tostring") ~= nil then
    local text = via_tostring(value)
    if inline then return (text:gsub("%c", escape_char)) end
    return (text:gsub("\n", "\n" .. indent))
  end
  local kind = type(value)
  if kind == "string" then return quote(value) end
  if kind == "table" then
    if seen[value] then return "<cycle>" end
    return render_table(value, indent, depth, seen, inline)
  end
  if kind == "userdata" then
    local name = metafield(value, "__name")
    return type(name) == "string" and "<userdata " .. name .. ">" or "<userdata>"
  end
  if kind == "function" or kind == "thread" then return "<" .. kind .. ">" end
  return tostring(value)  -- nil, boolean, number
end

-- The columns of a record list, or nil when `t` is not one: a non-empty sequence (and nothing else) of
-- tables without __tostring, keyed by strings only, all sharing at least one key.
local function record_columns(t)
  local n, count = sequence_length(t), 0
  for _ in next, t do count = count + 1 end
  if n == 0 or count ~= n then return nil end
  local present, shared = {}, nil
  for i = 1, n do
    local row = rawget(t, i)
    if type(row) ~= "table" or metafield(row, "__tostring") ~= nil or next(row) == nil then return nil end
    local keys = {}
    for key in next, row do
      if type(key) ~= "string" then return nil end
      keys[key] = true
      present[key] = true
    end
    if shared == nil then
      shared = keys
    else
      for key in next, shared do
        if not keys[key] then shared[key] = nil end
      end
    end
  end
  if next(shared) == nil then return nil end

  local columns, placed = {}, {}
  local function place(key)
    if not placed[key] then
      columns[#columns + 1] = key
      placed[key] = true
    end
  end
  local hint = metafield(t, "__fields") or metafield(rawget(t, 1), "__fields")
  if type(hint) == "table" then
    for _, key in ipairs(hint) do
      if type(key) == "string" then place(key) end
    end
  else
    for _, key in ipairs(PREFERRED_COLUMNS) do
      if present[key] then place(key) end
    end
  end
  local rest = {}
  for key in next, present do
    if not placed[key] then rest[#rest + 1] = key end
  end
  sort(rest)
  for _, key in ipairs(rest) do place(key) end
  return columns
end

local function render_cell(value)
  if value == nil then return "" end
  if type(value) == "string" and metafield(value, "__tostring") == nil then
    return truncate((value:gsub("%c", escape_char)), MAX_CELL_WIDTH)
  end
  return truncate(render(value, "", 1, {}, true), MAX_CELL_WIDTH)
end

local function render_record_list(t, columns)
  local rows, widths = { columns }, {}
  for c, name in ipairs(columns) do widths[c] = display_width(name) end
  for i = 1, sequence_length(t) do
    local row, cells = rawget(t, i), {}
    for c, name in ipairs(columns) do
      cells[c] = render_cell(rawget(row, name))
      if display_width(cells[c]) > widths[c] then widths[c] = display_width(cells[c]) end
    end
    rows[#rows + 1] = cells
  end
  local lines = {}
  for r, cells in ipairs(rows) do
    local padded = {}
    for c, cell in ipairs(cells) do
      padded[c] = cell .. rep(" ", widths[c] - display_width(cell))
    end
    lines[r] = (concat(padded, COLUMN_GAP):gsub("%s+$", ""))
  end
  return concat(lines, "\n")
end

local function format_value(value)
  if type(value) == "string" and metafield(value, "__tostring") == nil then return value end
  if type(value) == "table" and metafield(value, "__tostring") == nil then
    local columns = record_columns(value)
    if columns then return render_record_list(value, columns) end
  end
  return render(value, "", 0, {}, false)
end

return { format = format_value }
