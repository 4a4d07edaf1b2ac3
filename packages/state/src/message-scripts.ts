// The Lua scripts that store messages and receipts. Each touches the keys of one hash tag only (one Redis
// Cluster slot): a conversation's `{c:<conv>}` or a user's `{u:<userId>}`. Every write is idempotent, so ioredis
// re-sending a script after a reconnect, or a sender re-sending a message, never stores anything twice.
import type { ClientContext, Result } from "ioredis";
import type { RedisClient } from "./redis.js";
import { NEWEST_ID_LUA } from "./lua-newest-id.js";

/** Inbox entries after a msgId searched for the entry holding it (its id is the msgId or a little past it). */
const INBOX_LOOKAHEAD = 100;

// Helpers shared by the scripts. Ids are decimal strings, compared by length, then text.
const PRELUDE = `
local function newer(a, b)
  if #a ~= #b then return #a > #b end
  return a > b
end
local function fmt(n) return string.format('%.0f', n) end
${NEWEST_ID_LUA}-- Trims a stream just written under <id>-0: with maxAgeMicros > 0, to none older than that before id.
local function trim_age(stream, id, maxAgeMicros)
  if tonumber(maxAgeMicros) > 0 then
    redis.call('XTRIM', stream, 'MINID', '~', fmt(tonumber(id) - tonumber(maxAgeMicros)))
  end
end
-- The value of field name of a stream entry ({id, fields}); nil when it has none.
local function field(entry, name)
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return nil
end
-- XINFO STREAM's answer as a table of its fields; nil when there is no such stream.
local function stream_info(stream)
  local info = redis.pcall('XINFO', 'STREAM', stream)
  if type(info) ~= 'table' or info.err then return nil end
  local fields = {}
  for i = 1, #info - 1, 2 do fields[info[i]] = info[i + 1] end
  return fields
end
-- The number of the newest id a stream ever had, for one found empty ('0': none, or no stream): a trim (the age
-- sweep) may have emptied it, and what it lost is what the next entry's prev names (see with_prev).
local function newest_ever(stream)
  local info = stream_info(stream)
  return info and string.match(info['last-generated-id'] or '', '^(%d+)') or '0'
end
-- Runs write(fields) with the field prev (the id number of the entry before the one written: '0' read from an empty
-- stream is asked again of newest_ever) appended, then takes it off again (the batch passes one fields table to two
-- inboxes). A room's and an inbox's entries carry it, so once the trim took the entries before one, the oldest left
-- says which was the newest trimmed (stream-reads.ts trimmedAfter, trimmed_since): a reader standing there lost nothing.
-- prevMsg (nil for none): that entry's msgId, when its id is not it (an inbox's on a Redis Cluster, see
-- swap_last_msg): appended as the field prevMsg.
local function with_prev(stream, prev, fields, write, prevMsg)
  if prev == '0' then prev = newest_ever(stream) end
  local n = #fields
  fields[n + 1], fields[n + 2] = 'prev', prev
  if prevMsg then fields[n + 3], fields[n + 4] = 'prevMsg', prevMsg end
  local result = write(fields)
  for i = #fields, n + 1, -1 do fields[i] = nil end
  return result
end
-- XADD under <id>-0, trimmed to about maxLen entries and by age (trim_age).
local function append(stream, id, fields, maxLen, maxAgeMicros)
  redis.call('XADD', stream, 'MAXLEN', '~', maxLen, id .. '-0', unpack(fields))
  trim_age(stream, id, maxAgeMicros)
end
-- append(), or false when Redis refuses the XADD (the stream holds an id as new or newer): nothing is written then,
-- and the caller takes the path that reads the stream (where any other error is raised).
local function try_append(stream, id, fields, maxLen, maxAgeMicros)
  local added = redis.pcall('XADD', stream, 'MAXLEN', '~', maxLen, id .. '-0', unpack(fields))
  if type(added) == 'table' and added.err then return false end
  trim_age(stream, id, maxAgeMicros)
  return true
end
-- A wake-up template's parts (the template is parts joined by NUL, see wake-ups.ts), for filling once or more.
local function split(template)
  local parts, start = {}, 1
  while true do
    local stop = string.find(template, '\\0', start, true)
    if not stop then break end
    parts[#parts + 1] = string.sub(template, start, stop - 1)
    start = stop + 1
  end
  parts[#parts + 1] = string.sub(template, start)
  return parts
end
-- A split template with its holes filled by values, in order.
local function fill_parts(parts, values)
  local out = {parts[1]}
  for i = 2, #parts do
    out[#out + 1] = values[i - 1] or ''
    out[#out + 1] = parts[i]
  end
  return table.concat(out)
end
local function fill(template, values) return fill_parts(split(template), values) end
-- The entry of a read (entries) whose msgId field is msgId, or nil.
local function find_in(entries, msgId)
  if type(entries) ~= 'table' or entries.err then return nil end
  for _, entry in ipairs(entries) do
    local fields = entry[2]
    for i = 1, #fields, 2 do
      if fields[i] == 'msgId' then
        if fields[i + 1] == msgId then return entry end
        break
      end
    end
  end
  return nil
end
-- The inbox entry whose msgId field is msgId, or nil (an id Redis refuses, like one past 2^64, is none). Its id is
-- nearly always msgId itself: that one entry is read first, and the lookahead only when it is not the one. (Read
-- whole, every receipt of a device catching up copied the 100 entries after its message into the script: 10-24 ms
-- of Redis each with 2 KB texts, scripts/slow-link-probe.ts.) Past the lookahead, the entry late (the inbox's index
-- of entries put more than ${INBOX_LOOKAHEAD} entries past their msgId, see append_inbox; nil: none asked) names.
-- Second result: true when the lookahead read was full (an entry appended now would lie beyond it). \`lookahead\`:
-- true when the entry at msgId was read already (holds_or_lost): only the lookahead is read.
local function find_entry(inbox, msgId, late, lookahead)
  local full = false
  for _, count in ipairs(lookahead and { ${INBOX_LOOKAHEAD} } or { 1, ${INBOX_LOOKAHEAD} }) do
    local entries = redis.pcall('XRANGE', inbox, msgId .. '-0', '+', 'COUNT', count)
    local entry = find_in(entries, msgId)
    if entry then return entry, false end
    full = type(entries) == 'table' and not entries.err and #entries >= ${INBOX_LOOKAHEAD}
  end
  if late then
    local at = redis.call('HGET', late, msgId)
    if at then
      local entry = find_in(redis.pcall('XRANGE', inbox, at .. '-0', at .. '-0'), msgId)
      if entry then return entry, full end
    end
  end
  return nil, full
end
-- True when the stream may have lost an entry at or after msgId: it lost entries (trimmed: entries-added is more than
-- its length) and the newest trimmed is not older than msgId: the oldest entry left names it (its prev, see with_prev;
-- trimming takes the oldest first), with none left it is the newest ever written. An oldest entry without prev (stored
-- before it, 2026-11-30) tells only that it is newer than what was trimmed. XINFO's max-deleted-entry-id does not
-- tell: Redis 7.0 moves it for XDEL only, not for a trim.
local function trimmed_since(stream, msgId)
  local info = stream_info(stream)
  if not info then return false end
  if not (tonumber(info['entries-added']) > tonumber(info['length'])) then return false end
  local first = info['first-entry']
  local prev = type(first) == 'table' and type(first[2]) == 'table' and field(first, 'prev')
  if prev then return not newer(msgId, prev) end
  local oldest = tonumber(info['length']) > 0 and info['recorded-first-entry-id'] or info['last-generated-id']
  return newer(string.match(oldest, '^(%d+)'), msgId)
end
-- True when the inbox holds the entry of msgId, or may have lost it to trimming. The entry at msgId is read first and
-- the trim asked next, so an event naming an old message costs no read of the ${INBOX_LOOKAHEAD} entries after it.
local function holds_or_lost(inbox, msgId, late)
  if find_in(redis.pcall('XRANGE', inbox, msgId .. '-0', '+', 'COUNT', 1), msgId) then return true end
  if trimmed_since(inbox, msgId) then return true end
  return find_entry(inbox, msgId, late, true) ~= nil
end
-- 1 when the user of these sets (blocks, blocked-by) blocks peer, 2 when peer blocks it, else 0 (blocks.ts).
local function block_state(blocks, blockedBy, peer)
  if redis.call('SISMEMBER', blocks, peer) == 1 then return 1 end
  if redis.call('SISMEMBER', blockedBy, peer) == 1 then return 2 end
  return 0
end
-- Notes the conversation's entry <id>-0, whose fields (name, value, ...) are given (nil: the stream lost it), in its
-- deletions set (deleted-quotes.ts: the deleted msgId, scored by itself) or its edits set (edit-notes.ts: the edited
-- msgId, scored by its newest edit's, ZADD GT) when it is a deletion or an edit, keeping the newest kept
-- (deletionsKept) and the mark (score +inf, ranked last). Called by the store scripts in the step that stores the
-- entry, so no failure between the two leaves an event un-noted: for a new entry with the fields it was written with
-- (no read back), for a resend with the entry stored (its target and kind, whatever the resend says, read once for
-- the note and the inbox steps): a first attempt stored before the scripts wrote the notes is noted then.
local function note_event(fields, id, deletions, edits, kept)
  if not fields then return end
  local target = field({id, fields}, 'editOf')
  if not target or target == '' then return end
  local set = edits
  if field({id, fields}, 'deleted') == '1' then
    set = deletions
    redis.call('ZADD', set, target, target)
  else
    redis.call('ZADD', set, 'GT', id, target)
  end
  redis.call('ZREMRANGEBYRANK', set, 0, -(tonumber(kept) + 2))
end
-- The fields (name, value, ...) of the stream's entry <id>-0, or nil when it has left the stream.
local function entry_fields(stream, id)
  local entry = redis.call('XRANGE', stream, id .. '-0', id .. '-0')[1]
  return entry and entry[2]
end
-- The number of the first entry of the run of consecutive entries of one sender that an entry of fields, put after
-- last (the stream's newest entry, nil for none), continues; nil when it starts one. A room's entries carry it (field
-- run) from the newest entry its script reads anyway, so an unread count steps over a run of the reader's own entries
-- (or a blocked user's) in one read (unread-count.ts).
local function run_start(last, fields)
  if not last or field(last, 'from') ~= field({'', fields}, 'from') then return nil end
  return field(last, 'run') or string.match(last[1], '^(%d+)')
end
-- A conversation message: the dedupe record of (sender, clientMsgId) if it was stored before; else a new msgId,
-- max(now in microseconds, the stream's newest + 1), the XADD with ts (and run, see run_start) appended to fields,
-- and the record. Returns record '<msgId>:<ts>', 1 when it is a duplicate, and the id before it in the stream.
local function store(stream, dedupe, maxLen, maxAgeMicros, dedupeTtl, fields)
  local existing = redis.call('GET', dedupe)
  if existing then return existing, 1, '' end
  local now = redis.call('TIME')
  local us = tonumber(now[1]) * 1000000 + tonumber(now[2])
  local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)[1]
  local prev = last and string.match(last[1], '^(%d+)') or '0'
  if us <= tonumber(prev) then us = tonumber(prev) + 1 end
  local id, ts = fmt(us), fmt(math.floor(us / 1000))
  fields[#fields + 1] = 'ts'
  fields[#fields + 1] = ts
  local run = run_start(last, fields)
  if run then
    fields[#fields + 1] = 'run'
    fields[#fields + 1] = run
  end
  with_prev(stream, prev, fields, function(all) append(stream, id, all, maxLen, maxAgeMicros) end)
  local record = id .. ':' .. ts
  redis.call('SET', dedupe, record, 'EX', dedupeTtl)
  return record, 0, prev
end
-- store() for a private conversation, which wakes no reader and so needs no id before it: the dedupe record is
-- claimed (SET NX GET) and the entry added under now at once; only when the stream holds a newer id (a clock
-- behind it) is its newest read and the message put one past it. us is the time to use (default: the clock's).
-- Returns record '<msgId>:<ts>' and 1 when duplicate; else record, 0, msgId and ts.
local function store_private(stream, dedupe, maxLen, maxAgeMicros, dedupeTtl, fields, us)
  if not us then
    local now = redis.call('TIME')
    us = tonumber(now[1]) * 1000000 + tonumber(now[2])
  end
  local id, ts = fmt(us), fmt(math.floor(us / 1000))
  local existing = redis.call('SET', dedupe, id .. ':' .. ts, 'NX', 'GET', 'EX', dedupeTtl)
  if existing then return existing, 1 end
  fields[#fields + 1] = 'ts'
  fields[#fields + 1] = ts
  if not try_append(stream, id, fields, maxLen, maxAgeMicros) then
    us = tonumber(newest_id(stream)) + 1
    id, ts = fmt(us), fmt(math.floor(us / 1000))
    fields[#fields] = ts
    append(stream, id, fields, maxLen, maxAgeMicros)
    redis.call('SET', dedupe, id .. ':' .. ts, 'EX', dedupeTtl)
  end
  return id .. ':' .. ts, 0, id, ts
end
-- Takes out of late (an inbox's index, see append_inbox) the fields naming entries older than the inbox's oldest: the
-- trim took those, and only those (it takes the oldest first), so every entry the inbox holds stays found. Emptied
-- whole, the index forgot live entries too, and a resend of one noted it again (a copy on every device, review26).
-- Called when the index holds twice the inbox's kept length: what is left then is at most the inbox's entries, so
-- the next call comes after as many notes again (each note pays for reading about two fields, once).
local function forget_trimmed(inbox, late)
  local oldest = redis.call('XRANGE', inbox, '-', '+', 'COUNT', 1)[1]
  oldest = oldest and string.match(oldest[1], '^(%d+)')
  local all, gone = redis.call('HGETALL', late), {}
  for i = 1, #all, 2 do
    if not oldest or newer(oldest, all[i + 1]) then gone[#gone + 1] = all[i] end
    if #gone == 1000 then redis.call('HDEL', late, unpack(gone)); gone = {} end
  end
  if #gone > 0 then redis.call('HDEL', late, unpack(gone)) end
end
-- A private message noted in one user's inbox (see APPEND_INBOX); returns the entry's id number and the id before
-- it ('' when the inbox held the message already, or when it goes after an entry as new as it: its readers read the
-- inbox). The inbox's newest entry id is kept
-- beside it in last, so the usual append (a message newer than every entry) costs one SET ... GET rather than a
-- read of the newest entry; when last is missing (data older than it) or behind the stream, the stream is read.
-- floor (nil for none): the least id the entry may take, this node's clock in microseconds (see APPEND_INBOX).
-- late (nil for none): the inbox's index of entries put more than ${INBOX_LOOKAHEAD} entries past their msgId (a hash
-- msgId -> entry id), which find_entry asks when its lookahead misses: without it a resend, or an event's check of its
-- message (needs), found no such entry and noted the message again (its devices got it twice). Bounded by
-- forget_trimmed at twice the inbox's kept length: only fields naming entries the inbox trimmed since go.
-- Notes in lastMsg (an inbox's '<entry>:<msgId>' of its newest entry, kept on a Redis Cluster only; nil: none) the
-- entry being written, and returns the msgId of the entry before it (prev) when lastMsg named that entry and its id
-- is not its msgId, else nil; second result: lastMsg's value before, to put back if the write is refused. On a
-- cluster nearly every inbox entry lies past its msgId (APPEND_INBOX's clock), while a device names its position by
-- msgId (Login's inboxAfter): once that entry is trimmed (by the sweep too, before the next entry is written), the
-- oldest entry left's prevMsg is what says the device stands at the newest trimmed one (InboxStore.positionOf), as
-- prev alone does where ids are msgIds. A lastMsg naming another entry than prev (one written by a gateway of an
-- older version, which keeps none) gives nothing: no claim is made.
local function swap_last_msg(lastMsg, entry, msgId, prev)
  if not lastMsg then return nil, nil end
  local was = redis.call('SET', lastMsg, entry .. ':' .. msgId, 'GET')
  local at, msg = string.match(was or '', '^(%d+):(%d+)$')
  if at == prev and msg ~= prev then return msg, was end
  return nil, was
end
local function append_inbox(inbox, last, peers, msgId, peer, maxLen, maxAgeMicros, fields, floor, late, lastMsg)
  local id = msgId
  if floor and newer(floor, id) then id = floor end
  local prev = redis.call('SET', last, id, 'GET') or newest_id(inbox)
  if newer(msgId, prev) then
    local prevMsg, was = swap_last_msg(lastMsg, id, msgId, prev)
    if with_prev(inbox, prev, fields, function(all) return try_append(inbox, id, all, maxLen, maxAgeMicros) end, prevMsg) then
      redis.call('ZADD', peers, 'GT', msgId, peer)
      return id, prev
    end
    if was then redis.call('SET', lastMsg, was) elseif lastMsg then redis.call('DEL', lastMsg) end
    prev = newest_id(inbox)
  end
  -- An entry holding msgId has an id >= msgId, so only now can the inbox hold it already.
  local found, full = find_entry(inbox, msgId, late)
  if found then
    redis.call('SET', last, prev)
    return string.match(found[1], '^(%d+)'), ''
  end
  local entry = fmt(tonumber(prev) + 1)
  if floor and newer(floor, entry) then entry = floor end
  with_prev(inbox, prev, fields, function(all) append(inbox, entry, all, maxLen, maxAgeMicros) end, (swap_last_msg(lastMsg, entry, msgId, prev)))
  redis.call('ZADD', peers, 'GT', msgId, peer)
  redis.call('SET', last, entry)
  if late and full then
    if redis.call('HLEN', late) >= 2 * tonumber(maxLen) then forget_trimmed(inbox, late) end
    redis.call('HSET', late, msgId, entry)
  end
  -- Put after an entry with an id as new as the message (a resend finishing a step that failed, or a burst across
  -- masters): an edit or deletion of it may lie before it (one noted while the inbox had trimmed past the message,
  -- see APPEND_INBOX's needs), so its readers read the inbox (prev ''), whose read asks the conversation's sets for
  -- it (InboxStore.read), rather than take it as it comes.
  return entry, ''
end
`;

// A message to a room (`everyone` included), on its tag {c:<room>}.
// KEYS: stream (the room's messages), dedupe (the sender's record of this clientMsgId), members (the room's set),
//   deletions and edits (the room's note sets, see note_event).
// ARGV: sender, membersOnly ('1': the sender must be in members; '0' for everyone), maxLen, maxAgeMicros,
//   dedupeTtlSeconds, wake (template: holes prev, msgId, ts), notesKept ('' for a message that edits or deletes
//   nothing; for an edit or a deletion, how many notes its set keeps: it is noted, see note_event), then the
//   message's fields (name, value, ...) without ts.
// Returns {record, 1 duplicate | 0 stored, wake-up}, or {'', -1} when the sender is not a member (nothing stored).
// The caller publishes the wake-up on the room's channel (`everyone`'s, cim-bus:all, lies in another slot on a
// cluster; a room's is in its slot, where an owner's removal publishes from its script, rooms.ts). A duplicate's wake-up has prev '' (read the stream): a reader that missed the
// first wake-up catches up.
const STORE_ROOM = `${PRELUDE}
local stream, dedupe, members = KEYS[1], KEYS[2], KEYS[3]
local sender, membersOnly, maxLen, maxAgeMicros, dedupeTtl, wake, notesKept = unpack(ARGV, 1, 7)
if membersOnly == '1' and redis.call('SISMEMBER', members, sender) == 0 then return {'', -1} end
local fields = {unpack(ARGV, 8)}
local record, duplicate, prev = store(stream, dedupe, maxLen, maxAgeMicros, dedupeTtl, fields)
local id, ts = string.match(record, '^(%d+):(%d+)$')
if notesKept ~= '' then note_event(duplicate == 0 and fields or entry_fields(stream, id), id, KEYS[4], KEYS[5], notesKept) end
return {record, duplicate, fill(wake, {prev, id, ts})}
`;

// A private message in its conversation stream, on its tag {c:p<lo>-<hi>}. No wake-up: the inboxes wake readers.
// KEYS: stream (the pair's messages), dedupe (the sender's record of this clientMsgId), deletions and edits (the
//   pair's note sets, see note_event).
// ARGV: maxLen, maxAgeMicros, dedupeTtlSeconds, notesKept (as STORE_ROOM's), then the message's fields (name,
//   value, ...) without ts.
// Returns {record, 0} for a message stored; for a resend {record, 1, the stored entry's fields...}, or {record, 2}
// when its entry has left the stream since (trimmed). The inbox steps note what the conversation holds, never a
// resend's own text: on a Redis Cluster those steps are calls of their own, and a first attempt that stopped after
// this one (its gateway died, its master failed over) is finished by the resend.
const STORE_PRIVATE = `${PRELUDE}
local stream, dedupe = KEYS[1], KEYS[2]
local maxLen, maxAgeMicros, dedupeTtl, notesKept = unpack(ARGV, 1, 4)
local fields = {unpack(ARGV, 5)}
local record, duplicate = store_private(stream, dedupe, maxLen, maxAgeMicros, dedupeTtl, fields)
local id = string.match(record, '^(%d+)')
if duplicate == 0 then
  if notesKept ~= '' then note_event(fields, id, KEYS[3], KEYS[4], notesKept) end
  return {record, 0}
end
local kept = entry_fields(stream, id)
if notesKept ~= '' then note_event(kept, id, KEYS[3], KEYS[4], notesKept) end
if not kept then return {record, 2} end
return {record, 1, unpack(kept)}
`;

// A private message noted in one user's inbox (the recipient's, or the sender's for its other devices), on {u:<id>}.
// KEYS: inbox (stream), last (the inbox's newest entry id), peers (sorted set), gateways (hash gatewayId -> sessions),
//   gone (the user's deletion mark: set, nothing is written and {''} is returned, see keys.ts `user.gone`), late (the
//   inbox's index of entries put far past their msgId, see append_inbox), lastMsg (the inbox's '<entry>:<msgId>' of its
//   newest entry, written with clock '1' only, see swap_last_msg).
// ARGV: msgId, peer (the other user of the chat), maxLen, maxAgeMicros, wake (template: holes prev, entry), clock
//   ('1': the entry is not older than this node's clock; '0'), needs (the msgId of the message an edit, deletion or
//   reaction names; '' for none), then the message's fields (msgId and ts included).
// An event whose message the inbox does not hold, and never lost (trimmed_since), is not noted: {'', 'needs'} is
// returned and the caller notes that message first (on a Redis Cluster the message's own inbox step may not be done
// yet, while the sender's other device already edits it: the recipient got the edit before the message).
// The entry id is the msgId, or one past the newest entry when that is not older. With clock '1' (a Redis Cluster,
// where the msgId comes from the conversation's master, another node) it is never older than this node's clock
// either (TIME, in microseconds): a failover that lost this node's last writes (replication is asynchronous) may
// have lost entries a device was shown and stands past, and an inbox step done after it (queued through it, or
// redone by a resend) for a message whose conversation step came first would otherwise go under the msgId, before
// that position, and no read from there would find it. Every entry written after the failover is newer than every
// lost one, as long as the masters' clocks agree within the failover's time (cluster-node-timeout at least).
// Idempotent: an inbox that holds the msgId already keeps it (its entry is returned).
// Returns {entry's id number, wake-up, the gateways holding a session of the user...}: the caller publishes the
// wake-up to each gateway's channel (on a cluster those lie in other slots than the user's keys).
const APPEND_INBOX = `${PRELUDE}
if redis.call('EXISTS', KEYS[5]) == 1 then return {''} end
local msgId, peer, maxLen, maxAgeMicros, wake, clock, needs = unpack(ARGV, 1, 7)
if needs ~= '' and not holds_or_lost(KEYS[1], needs, KEYS[6]) then return {'', 'needs'} end
local floor
if clock == '1' then
  local now = redis.call('TIME')
  floor = fmt(tonumber(now[1]) * 1000000 + tonumber(now[2]))
end
local entry, prev = append_inbox(KEYS[1], KEYS[2], KEYS[3], msgId, peer, maxLen, maxAgeMicros, {unpack(ARGV, 8)}, floor, KEYS[6], floor and KEYS[7])
return {entry, fill(wake, {prev, entry}), unpack(redis.call('HKEYS', KEYS[4]))}
`;

// Every step of several private messages of one gateway turn in one call, on a single Redis only (the keys span
// slots): per message, STORE_PRIVATE, then APPEND_INBOX in the recipient's inbox and in the sender's (for its other
// devices). The wake-ups are published at the end, one PUBLISH per gateway: a JSON array of the wake-ups of its
// users in order (a lone wake-up as itself). One round trip per turn, and few calls into Redis per message: the
// clock is read once (message k of the call takes now + k microseconds), and each user's gateways are looked up
// once per call.
// A message between users who block each other (either way: the sender's blocks or blocked-by set names the
// recipient) is refused before anything of it is stored; the other messages of the call go on.
// A message whose recipient's or sender's account is gone (its deletion mark set: a send checked before the deletion
// and stored after it) is refused the same way: no key of the deleted user is written again.
// KEYS: the count of messages (admin stats), then per message: stream, dedupe, then inbox, last, peers, gateways of
//   the recipient, then the same of the sender, then the sender's blocks and blocked-by sets, then the recipient's
//   and the sender's deletion marks, then the recipient's and the sender's inbox-late indexes (see append_inbox: a
//   resend after an inbox trimmed the message notes it again, at its end, where a second resend's search found it no
//   more); for an edit or a deletion only, then the conversation's deletions and edits sets
//   (note_event: noted in the step that stores it).
// ARGV: maxLen, maxAgeMicros, dedupeTtlSeconds, channelPrefix, origin (the calling gateway's id, '' for none),
//   notesKept (how many notes a set keeps, see note_event), the first five parts of every wake-up (PRIVATE_WAKE_HEAD,
//   the same for every message), then per message: sender, recipient, the last part of its wake-up (holes between
//   the six parts: userId, prev, entry, msgId, ts), the number of field strings (negative for an edit or a deletion:
//   its two more keys follow; a plain message carries no more keys and costs no call more), and the fields (name,
//   value, ...) without ts and msgId.
// The sender's inbox wake-up is not published to origin: the caller offers it to its own sessions from the reply
// (one PUBLISH and one JSON decode fewer per call, for a wake-up the caller can build from what it sent).
// The messages stored (not the resends) are added to the count in the same call: a call ioredis sends again after a
// reconnect finds them stored and counts nothing, and no command of its own per turn is needed.
// Returns {record, 1 duplicate | 0 stored, entry, prev} per message, flattened: entry and prev of the sender's inbox;
// {'', -1 | -2 | -3 | -4, '', ''} for a refused message (-1: the sender blocks the recipient, -2: the recipient blocks
// it, -3: the recipient's account is gone, -4: the sender's).
const STORE_PRIVATE_ALL_BATCH = `${PRELUDE}
local maxLen, maxAgeMicros, dedupeTtl, channelPrefix, origin, notesKept = unpack(ARGV, 1, 6)
local w1, w2, w3, w4, w5 = unpack(ARGV, 7, 11)
local now = redis.call('TIME')
local base = tonumber(now[1]) * 1000000 + tonumber(now[2])
local out, a, k, added = {}, 12, 0, 0
local gatewaysOf, wakes, order = {}, {}, {}
local i = 2
while i <= #KEYS do
  local from, to, n = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 3])
  local notes -- an edit's or a deletion's: the index of its conversation's deletions set, edits after it
  if n < 0 then n, notes = -n, i + 16 end
  local refused = 0
  -- Both deletion marks and the sender's two block sets in one call (each call into Redis costs about a microsecond of
  -- its own, and Redis keeps no empty set): almost always none exists, and no set is asked for the recipient.
  if redis.call('EXISTS', KEYS[i + 12], KEYS[i + 13], KEYS[i + 10], KEYS[i + 11]) > 0 then
    if redis.call('EXISTS', KEYS[i + 12], KEYS[i + 13]) > 0 then
      refused = redis.call('EXISTS', KEYS[i + 12]) == 1 and 3 or 4
    else refused = block_state(KEYS[i + 10], KEYS[i + 11], to) end
  end
  if refused ~= 0 then
    for _, value in ipairs({'', -refused, '', ''}) do out[#out + 1] = value end
  else
    local fields = {unpack(ARGV, a + 4, a + 3 + n)}
    local record, duplicate, id, ts = store_private(KEYS[i], KEYS[i + 1], maxLen, maxAgeMicros, dedupeTtl, fields, base + k)
    k = k + 1
    if duplicate == 0 then added = added + 1 else id, ts = string.match(record, '^(%d+):(%d+)$') end
    -- A resend's inbox steps note the message as its conversation holds it, never the resend's own text (an inbox that
    -- trimmed it since notes it again); none when the conversation lost it too. Its wake-ups and its answer carry no
    -- id before it, so readers read the inboxes rather than take the resend's text from the wake-up.
    local owners = {to, from}
    if duplicate == 1 then
      local kept = entry_fields(KEYS[i], id)
      if notes then note_event(kept, id, KEYS[notes], KEYS[notes + 1], notesKept) end
      if kept then
        fields = kept
        fields[#fields + 1], fields[#fields + 2] = 'msgId', id
      else owners = {} end
    else
      if notes then note_event(fields, id, KEYS[notes], KEYS[notes + 1], notesKept) end
      fields[n + 1], fields[n + 2], fields[n + 3], fields[n + 4] = 'ts', ts, 'msgId', id
    end
    local entry, prev = '', '' -- after the loop: the sender's inbox's, for the answer
    -- The recipient's inbox (its peer is the sender), then the sender's (its peer is the recipient).
    for j, owner in ipairs(owners) do
      local at = i + 2 + (j - 1) * 4
      entry, prev = append_inbox(KEYS[at], KEYS[at + 1], KEYS[at + 2], id, j == 1 and from or to, maxLen, maxAgeMicros, fields, nil, KEYS[i + 13 + j])
      if duplicate == 1 then prev = '' end
      local gateways = gatewaysOf[KEYS[at + 3]]
      if not gateways then
        gateways = redis.call('HKEYS', KEYS[at + 3])
        gatewaysOf[KEYS[at + 3]] = gateways
      end
      local payload
      for _, gateway in ipairs(gateways) do
        if j == 1 or gateway ~= origin then
          -- One concatenation (one string built), no table: the wake-up's parts come as arguments.
          payload = payload or w1 .. owner .. w2 .. prev .. w3 .. entry .. w4 .. id .. w5 .. ts .. ARGV[a + 2]
          local list = wakes[gateway]
          if not list then
            list = {}
            wakes[gateway] = list
            order[#order + 1] = gateway
          end
          list[#list + 1] = payload
        end
      end
    end
    out[#out + 1] = record
    out[#out + 1] = duplicate
    out[#out + 1] = entry
    out[#out + 1] = prev
  end
  a = a + 4 + n
  i = i + (notes and 18 or 16)
end
for _, gateway in ipairs(order) do
  local list = wakes[gateway]
  redis.call('PUBLISH', channelPrefix .. gateway, #list == 1 and list[1] or '[' .. table.concat(list, ',') .. ']')
end
if added > 0 then redis.call('INCRBY', KEYS[1], added) end
return out
`;

// A receipt (Delivered) on the reader's tag {u:<id>}. KEYS: inbox, acked (the acknowledged inbox position), late (see
// append_inbox).
// ARGV: msgId, from (the claimed sender; '' for any).
// Counts only for a message of the reader's inbox sent by \`from\`: then the acknowledged position moves forward
// to that entry (never back, never to an entry the inbox does not hold). A position past the newest entry
// (forged before receipts were checked) is replaced. Returns the entry's sender when accepted, else 0.
const ACKNOWLEDGE = `${PRELUDE}
local inbox, acked = KEYS[1], KEYS[2]
local msgId, from = ARGV[1], ARGV[2]
local entry = find_entry(inbox, msgId, KEYS[3])
if not entry then return 0 end
if from ~= '' and field(entry, 'from') ~= from then return 0 end
local id = string.match(entry[1], '^(%d+)')
local current = redis.call('GET', acked)
if current and newer(current, newest_id(inbox)) then current = nil end
if not current or newer(id, current) then redis.call('SET', acked, id) end
return field(entry, 'from')
`;

// Whether a user may write to a peer: yes when they have a conversation (the peer is in the user's peers, which both
// users' first messages fill), else counts one new peer of the user's hour and says whether it is within the limit.
// On the user's tag {u:<id>}. KEYS: peers (sorted set), newPeers (the hour's counter). ARGV: peer, limit, windowMs.
// Returns 1 (may) or 0 (over the limit: the count stays, so a refused send does not free a place).
const NEW_PEER = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
if n > tonumber(ARGV[2]) then return 0 end
return 1
`;

declare module "ioredis" {
  interface RedisCommander<Context extends ClientContext = { type: "default" }> {
    /** See STORE_ROOM; `fields` are name/value pairs. */
    cimStoreRoom(stream: string, dedupe: string, members: string, deletions: string, edits: string, sender: string, membersOnly: "1" | "0", maxLen: string, maxAgeMicros: string, dedupeTtlSeconds: string, wake: string, notesKept: string, ...fields: string[]): Result<[string, number, string?], Context>;
    /** See STORE_PRIVATE. */
    cimStorePrivate(stream: string, dedupe: string, deletions: string, edits: string, maxLen: string, maxAgeMicros: string, dedupeTtlSeconds: string, notesKept: string, ...fields: string[]): Result<[string, number, ...string[]], Context>;
    /** See STORE_PRIVATE_ALL_BATCH. */
    cimStorePrivateAllBatch(numKeys: number, ...keysAndArgs: string[]): Result<Array<string | number>, Context>;
    /** See APPEND_INBOX. */
    cimAppendInbox(inbox: string, last: string, peers: string, gateways: string, gone: string, late: string, lastMsg: string, msgId: string, peer: string, maxLen: string, maxAgeMicros: string, wake: string, clock: "1" | "0", needs: string, ...fields: string[]): Result<[string, string?, ...string[]], Context>;
    /** See NEW_PEER. */
    cimNewPeer(peers: string, newPeers: string, peer: string, limit: string, windowMs: string): Result<number, Context>;
    /** See ACKNOWLEDGE. */
    cimAcknowledge(inbox: string, acked: string, late: string, msgId: string, from: string): Result<string | number, Context>;
  }
}

/** Defines the message scripts as commands of `redis` (idempotent: stores sharing a client may each call it). */
export function defineMessageScripts(redis: RedisClient): void {
  redis.defineCommand("cimStoreRoom", { numberOfKeys: 5, lua: STORE_ROOM });
  redis.defineCommand("cimStorePrivate", { numberOfKeys: 4, lua: STORE_PRIVATE });
  redis.defineCommand("cimAppendInbox", { numberOfKeys: 7, lua: APPEND_INBOX });
  // The number of keys comes first in each call.
  redis.defineCommand("cimStorePrivateAllBatch", { lua: STORE_PRIVATE_ALL_BATCH });
  redis.defineCommand("cimAcknowledge", { numberOfKeys: 3, lua: ACKNOWLEDGE });
  redis.defineCommand("cimNewPeer", { numberOfKeys: 2, lua: NEW_PEER });
}
