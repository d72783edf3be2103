/**
 * The gate's Lua scripts. Each runs atomically in Redis against one sale's keys (all share the
 * hash tag `{saleId}`, so a cluster keeps them on one shard), with Redis `TIME` as the only clock.
 *
 * Keys, in this order, for every script (see lib/redis/keys.ts):
 *   1 meta     hash   stock, startsAt, endsAt (ms), holdMs, limit, status, epoch, lineCap
 *   2 avail    int    units neither held nor sold
 *   3 holds    zset   holdId -> expiry (ms)
 *   4 holdinfo hash   holdId -> "position:userId"
 *   5 holder   hash   userId -> holdId (the user's live hold)
 *   6 buyers   hash   userId -> units bought
 *   7 sold     int    units sold
 *   8 line     zset   userId -> arrival number (waiting shoppers, first come first served)
 *   9 seq      hash   counters: grants (hold positions), line (arrival numbers), holds (hold ids)
 *  10 consumed hash   orderId -> userId (used tokens, by the order each became: single use,
 *                     idempotent checkout, and proof of a purchase the outbox has not written yet)
 *  11 outbox   stream purchase events for the order writer
 *  12 presses  hash   userId -> "window:count:previous count" (Buy Now's per-shopper limit)
 *  13 involved list   every shopper ever given a hold or a place in line, appended (may repeat):
 *                     an instance that reads it knows who may hold, wait or have bought
 *
 * Invariant after every script: avail + ZCARD(holds) + sold == stock.
 * Every script answers with one JSON object (cjson), so the reply has the same shape over
 * the TCP requester and Upstash REST.
 */

/** How long a sale's line may grow (meta.lineCap): as many as the units, and at least 100. */
export const lineCapFor = (stock: number): number => Math.max(stock, 100);

const prelude = /* lua */ `
local K_META, K_AVAIL, K_HOLDS, K_INFO, K_HOLDER, K_BUYERS, K_SOLD, K_LINE, K_SEQ, K_CONSUMED, K_OUTBOX, K_PRESSES, K_INVOLVED =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11], KEYS[12], KEYS[13]

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function load_meta()
  local m = redis.call('HMGET', K_META, 'stock', 'startsAt', 'endsAt', 'holdMs', 'limit', 'status', 'epoch', 'lineCap')
  if not m[1] then return nil end
  return { stock = tonumber(m[1]), startsAt = tonumber(m[2]), endsAt = tonumber(m[3]), holdMs = tonumber(m[4]),
           limit = tonumber(m[5]), status = m[6], epoch = m[7], lineCap = tonumber(m[8]) }
end

local function phase(meta, now)
  if meta.status == 'cancelled' or now >= meta.endsAt then return 'ended' end
  if now < meta.startsAt then return 'not_started' end
  if meta.status == 'paused' then return 'paused' end
  return 'live'
end

-- A new hold for user: a unit that is already taken out of avail.
local function new_hold(meta, user, now)
  local n = redis.call('HINCRBY', K_SEQ, 'holds', 1)
  local pos = redis.call('HINCRBY', K_SEQ, 'grants', 1)
  local id = meta.epoch .. '-' .. n
  local exp = now + meta.holdMs
  redis.call('ZADD', K_HOLDS, exp, id)
  redis.call('HSET', K_INFO, id, pos .. ':' .. user)
  redis.call('HSET', K_HOLDER, user, id)
  redis.call('RPUSH', K_INVOLVED, user)
  return id, exp, pos
end

local function parse_info(info)
  local i = string.find(info, ':', 1, true)
  return tonumber(string.sub(info, 1, i - 1)), string.sub(info, i + 1)
end

-- A unit comes back (hold expired or released): to the first shopper in line, else to avail.
local function return_unit(meta, now)
  while true do
    local head = redis.call('ZPOPMIN', K_LINE)
    if not head[1] then break end
    local user = head[1]
    local bought = tonumber(redis.call('HGET', K_BUYERS, user) or '0')
    if bought < meta.limit and not redis.call('HGET', K_HOLDER, user) then
      new_hold(meta, user, now)
      return
    end
  end
  redis.call('INCR', K_AVAIL)
end

local function drop_hold(id)
  local info = redis.call('HGET', K_INFO, id)
  redis.call('ZREM', K_HOLDS, id)
  redis.call('HDEL', K_INFO, id)
  if info then
    local _, user = parse_info(info)
    if redis.call('HGET', K_HOLDER, user) == id then redis.call('HDEL', K_HOLDER, user) end
  end
end

-- Lazily expire at most 'limit' holds, oldest first, so one call stays O(limit * log n).
local function reap(meta, now, limit)
  local expired = redis.call('ZRANGEBYSCORE', K_HOLDS, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(expired) do
    drop_hold(id)
    return_unit(meta, now)
  end
  -- Nothing left to come back: the line can never be served.
  if redis.call('ZCARD', K_HOLDS) == 0 and tonumber(redis.call('GET', K_AVAIL) or '0') == 0 then
    redis.call('DEL', K_LINE)
  end
  return #expired
end

local function live_hold(user, now)
  local id = redis.call('HGET', K_HOLDER, user)
  if not id then return nil end
  local exp = redis.call('ZSCORE', K_HOLDS, id)
  if not exp or tonumber(exp) <= now then return nil end
  local info = redis.call('HGET', K_INFO, id)
  local pos = info and parse_info(info) or 0
  return { id = id, exp = tonumber(exp), pos = pos }
end
`;

/**
 * ARGV: userId, reapLimit, presses, windowMs — at most `presses` per shopper per sliding window of
 * `windowMs` (0 presses: no limit). The limit is checked inside the grant, not in a call before it:
 * one round trip per Buy Now, and a press is counted and answered atomically. The window is
 * @upstash/ratelimit's sliding window (the previous fixed window's count, weighted by how much of
 * it still overlaps, plus the current one's); a refused press is not counted, and its wait runs to
 * the end of the current fixed window. Presses while the sale is not live are not counted: a page
 * that makes a signed-in shopper press before the start must not use up their presses for it. One field per shopper in one hash per sale, which expires
 * two windows after the last press.
 */
export const grantLua = `${prelude}
local user, reap_limit, presses, window = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3] or '0'), tonumber(ARGV[4] or '0')
local meta = load_meta()
if not meta then return cjson.encode({ s = 'not_armed' }) end
local now = now_ms()
local p = phase(meta, now)
if p == 'ended' then return cjson.encode({ s = 'ended', endsAt = meta.endsAt, now = now }) end
if p == 'not_started' then return cjson.encode({ s = 'not_started', startsAt = meta.startsAt, now = now }) end
if p == 'paused' then return cjson.encode({ s = 'paused', now = now }) end
if presses > 0 and window > 0 then
  local w = math.floor(now / window)
  local cur, prev = 0, 0
  local v = redis.call('HGET', K_PRESSES, user)
  if v then
    local vw, vn, vp = string.match(v, '^(%d+):(%d+):(%d+)$')
    vw, vn, vp = tonumber(vw), tonumber(vn), tonumber(vp)
    if vw == w then cur, prev = vn, vp elseif vw == w - 1 then prev = vn end
  end
  if math.floor(prev * (1 - (now % window) / window)) + cur >= presses then
    return cjson.encode({ s = 'rate_limited', retryAfterMs = (w + 1) * window - now, now = now })
  end
  redis.call('HSET', K_PRESSES, user, string.format('%d:%d:%d', w, cur + 1, prev))
  redis.call('PEXPIRE', K_PRESSES, window * 2)
end

local h = live_hold(user, now)
if h then return cjson.encode({ s = 'secured', hold = h.id, exp = h.exp, pos = h.pos, now = now }) end
if tonumber(redis.call('HGET', K_BUYERS, user) or '0') >= meta.limit then
  return cjson.encode({ s = 'already_purchased', now = now })
end

reap(meta, now, reap_limit)
h = live_hold(user, now) -- reaping may have handed this shopper a unit from the line
if h then return cjson.encode({ s = 'secured', hold = h.id, exp = h.exp, pos = h.pos, now = now }) end

local avail = tonumber(redis.call('GET', K_AVAIL) or '0')
if avail > 0 then
  redis.call('DECR', K_AVAIL)
  local id, exp, pos = new_hold(meta, user, now)
  redis.call('ZREM', K_LINE, user)
  return cjson.encode({ s = 'secured', hold = id, exp = exp, pos = pos, now = now })
end

local rank = redis.call('ZRANK', K_LINE, user)
if rank then return cjson.encode({ s = 'in_line', pos = rank + 1, now = now }) end
-- Units can only come back from outstanding holds; the line is as long as is useful.
if redis.call('ZCARD', K_HOLDS) > 0 then
  local len = redis.call('ZCARD', K_LINE)
  if len < meta.lineCap then
    redis.call('ZADD', K_LINE, redis.call('HINCRBY', K_SEQ, 'line', 1), user)
    redis.call('RPUSH', K_INVOLVED, user)
    return cjson.encode({ s = 'in_line', pos = len + 1, now = now })
  end
end
return cjson.encode({ s = 'sold_out', now = now })
`;

/** ARGV: userId, holdId, reapLimit, saleId, orderId */
export const consumeLua = `${prelude}
local user, id, reap_limit, sale, order = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local meta = load_meta()
if not meta then return cjson.encode({ s = 'not_armed' }) end
local now = now_ms()
local info = redis.call('HGET', K_INFO, id)
if not info then
  local by = redis.call('HGET', K_CONSUMED, order)
  if by == user then return cjson.encode({ s = 'already_consumed', now = now }) end
  if by then return cjson.encode({ s = 'not_yours', now = now }) end
  return cjson.encode({ s = 'no_hold', now = now })
end
local pos, owner = parse_info(info)
if owner ~= user then return cjson.encode({ s = 'not_yours', now = now }) end
local exp = tonumber(redis.call('ZSCORE', K_HOLDS, id))
if exp <= now then
  reap(meta, now, reap_limit)
  return cjson.encode({ s = 'expired', now = now })
end
drop_hold(id)
redis.call('HINCRBY', K_BUYERS, user, 1)
local sold = redis.call('INCR', K_SOLD)
redis.call('HSET', K_CONSUMED, order, user)
local entry = redis.call('XADD', K_OUTBOX, '*', 'sale', sale, 'hold', id, 'user', user, 'order', order, 'at', tostring(now))
return cjson.encode({ s = 'consumed', sold = sold, pos = pos, entry = entry, now = now })
`;

/** ARGV: userId, holdId, reapLimit */
export const releaseLua = `${prelude}
local user, id, reap_limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local meta = load_meta()
if not meta then return cjson.encode({ s = 'not_armed' }) end
local now = now_ms()
local info = redis.call('HGET', K_INFO, id)
if not info then return cjson.encode({ s = 'no_hold', now = now }) end
local _, owner = parse_info(info)
if owner ~= user then return cjson.encode({ s = 'not_yours', now = now }) end
drop_hold(id)
return_unit(meta, now)
reap(meta, now, reap_limit)
return cjson.encode({ s = 'released', now = now })
`;

/**
 * The sale's public counters, and (when ARGV[1] names a shopper) that shopper's own state.
 * It reaps too, so shoppers waiting in line are promoted even when nobody presses Buy Now.
 * With ARGV[3] (an offset into the involved list), also what an instance needs to answer presses
 * itself (lib/gate/sale-knowledge.ts): the line's cap, the first hold's expiry, and the involved
 * list from that offset on, read in the same atomic step as the counters.
 * ARGV: userId or "", reapLimit[, involvedFrom]
 */
export const stateLua = `${prelude}
local user, reap_limit, inv_from = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3] or '-1')
local meta = load_meta()
if not meta then return cjson.encode({ s = 'not_armed' }) end
local now = now_ms()
if phase(meta, now) ~= 'not_started' then reap(meta, now, reap_limit) end
local out = {
  s = 'ok', now = now, phase = phase(meta, now), startsAt = meta.startsAt, endsAt = meta.endsAt,
  stock = meta.stock, limit = meta.limit, holdMs = meta.holdMs,
  avail = tonumber(redis.call('GET', K_AVAIL) or '0'),
  held = redis.call('ZCARD', K_HOLDS),
  sold = tonumber(redis.call('GET', K_SOLD) or '0'),
  line = redis.call('ZCARD', K_LINE),
  grants = tonumber(redis.call('HGET', K_SEQ, 'grants') or '0'),
}
if user ~= '' then
  local h = live_hold(user, now)
  if h then out.hold = h.id; out.exp = h.exp; out.pos = h.pos end
  local rank = redis.call('ZRANK', K_LINE, user)
  if rank then out.linePos = rank + 1 end
  out.bought = tonumber(redis.call('HGET', K_BUYERS, user) or '0')
end
if inv_from >= 0 then
  out.lineCap = meta.lineCap
  local first = redis.call('ZRANGE', K_HOLDS, 0, 0, 'WITHSCORES')
  if first[2] then out.firstExp = tonumber(first[2]) end
  out.invLen = redis.call('LLEN', K_INVOLVED)
  out.invFrom = inv_from
  out.inv = {}
  if out.invLen > inv_from then out.inv = redis.call('LRANGE', K_INVOLVED, inv_from, -1) end
end
return cjson.encode(out)
`;

/**
 * Sets a sale up from PostgreSQL, idempotently. First time: avail = stock - soldInDb. Later:
 * the schedule and rules are updated and a stock change moves avail by the difference
 * (refused if units already held or sold would not fit).
 * ARGV: stock, startsAt, endsAt, holdMs, limit, status, soldInDb, epoch, lineCap
 */
export const armLua = `${prelude}
local stock, starts, ends, hold_ms, limit, status, sold_db, epoch, line_cap =
  tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7]), ARGV[8], ARGV[9]
local meta = load_meta()
if not meta then
  if sold_db > stock then return cjson.encode({ s = 'invalid', reason = 'sold_exceeds_stock' }) end
  redis.call('HSET', K_META, 'stock', stock, 'startsAt', starts, 'endsAt', ends, 'holdMs', hold_ms, 'limit', limit,
    'status', status, 'epoch', epoch, 'lineCap', line_cap)
  redis.call('SET', K_AVAIL, stock - sold_db)
  redis.call('SET', K_SOLD, sold_db)
  return cjson.encode({ s = 'armed', created = true })
end
local delta = stock - meta.stock
local avail = tonumber(redis.call('GET', K_AVAIL) or '0')
if avail + delta < 0 then return cjson.encode({ s = 'invalid', reason = 'stock_below_committed' }) end
redis.call('HSET', K_META, 'stock', stock, 'startsAt', starts, 'endsAt', ends, 'holdMs', hold_ms, 'limit', limit,
  'status', status, 'lineCap', line_cap)
if delta ~= 0 then
  redis.call('INCRBY', K_AVAIL, delta)
  -- New units go to shoppers already waiting, first come first served.
  local now = now_ms()
  meta = load_meta()
  while delta > 0 and redis.call('ZCARD', K_LINE) > 0 do
    redis.call('DECR', K_AVAIL)
    return_unit(meta, now)
    delta = delta - 1
  end
end
return cjson.encode({ s = 'armed', created = false })
`;
