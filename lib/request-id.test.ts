import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./log";
import { currentRequestId, requestIdFrom, withRequestId } from "./request-id";

/** Every line logged while serving a request carries its id; nothing else does. */

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger(stream);
  logger.level = "info";
  return { logger, lines };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("request ids", () => {
  it("keeps a plain incoming x-request-id and makes a new one otherwise", () => {
    expect(requestIdFrom(new Headers({ "x-request-id": "lb-7f3a.19:2" }))).toBe("lb-7f3a.19:2");
    expect(requestIdFrom({ "x-request-id": "from-node-headers" })).toBe("from-node-headers");
    expect(requestIdFrom({ "x-request-id": ["first", "second"] })).toBe("first");
    for (const bad of ["", "has space", "a\nforged log line", "x".repeat(129), "<script>"])
      expect(requestIdFrom(new Headers([["x-request-id", bad.replace("\n", " ")]]))).toMatch(UUID);
    expect(requestIdFrom({ "x-request-id": 'ok\n{"level":60}' })).toMatch(UUID);
    expect(requestIdFrom(new Headers())).toMatch(UUID);
    expect(requestIdFrom({})).toMatch(UUID);
  });

  it("puts the id on every line logged inside the request, across awaits and timers, and on none outside", async () => {
    const { logger, lines } = capture();
    logger.info("before");
    const seen = await withRequestId(new Headers({ "x-request-id": "req-1" }), async (id) => {
      logger.info("start");
      await sleep(5);
      await new Promise<void>((r) =>
        setTimeout(() => {
          logger.error({ err: new Error("Redis timed out") }, "gate call failed");
          r();
        }, 5),
      );
      return { id, current: currentRequestId() };
    });
    logger.info("after");
    expect(seen).toEqual({ id: "req-1", current: "req-1" });
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ["before", undefined],
      ["start", "req-1"],
      ["gate call failed", "req-1"],
      ["after", undefined],
    ]);
    expect((lines[2]!.err as { message: string }).message).toBe("Redis timed out");
  });

  it("keeps concurrent requests apart", async () => {
    const { logger, lines } = capture();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        withRequestId({ "x-request-id": `r${i}` }, async () => {
          await sleep(Math.random() * 10);
          logger.info({ i }, "work");
        }),
      ),
    );
    expect(lines).toHaveLength(50);
    for (const l of lines) expect(l.requestId).toBe(`r${l.i as number}`);
  });
});
