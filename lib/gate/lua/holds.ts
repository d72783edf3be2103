import { prelude } from "./prelude";

// The shopper's scripts: take a unit (grant), buy it (consume), give it back (release).

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
