// A Lua function the scripts of several stores share (each script defines it in its own text).

/** `newest_id(stream)`: the number of a stream's newest entry id, '0' when it is empty. */
export const NEWEST_ID_LUA = `
local function newest_id(stream)
  local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)[1]
  return last and string.match(last[1], '^(%d+)') or '0'
end
`;
