import { prelude } from "./prelude";

/** How long a sale's line may grow (meta.lineCap): as many as the units, and at least 100. */
export const lineCapFor = (stock: number): number => Math.max(stock, 100);

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
