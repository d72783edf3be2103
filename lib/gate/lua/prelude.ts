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

/** Key names and the helpers every script shares. */
export const prelude = /* lua */ `
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
