import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertNoPrototypePollution, hostileJsonText, nastyString } from "@/test/support/hostile";
import { MAX_JSON_BYTES, parseJsonText, readJson } from "./adapters";

/** The JSON body parsers in front of every JSON route: anything not small JSON is a clear 4xx. */

const RUNS = 500;
const jsonType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "Application/JSON",
);

function expectRefusal(reply: { status: number; body: unknown; headers: Record<string, string> }) {
  expect([400, 413, 415]).toContain(reply.status);
  expect(reply.body).toMatchObject({ status: "invalid_request", message: expect.any(String) });
  expect(reply.headers["cache-control"]).toBe("no-store");
}

describe("parseJsonText", () => {
  it("parses exactly what JSON.parse accepts (under the size limit), refuses the rest with 400", () => {
    fc.assert(
      fc.property(jsonType, hostileJsonText, (type, text) => {
        const parsed = parseJsonText(type, text);
        let expected: { ok: true; value: unknown } | { ok: false } = { ok: false };
        try {
          expected = { ok: true, value: JSON.parse(text) };
        } catch {
          // not JSON
        }
        if (Buffer.byteLength(text) > MAX_JSON_BYTES) {
          expect(parsed.ok).toBe(false);
          if (!parsed.ok) expect(parsed.reply.status).toBe(413);
        } else if (expected.ok) {
          expect(parsed).toEqual(expected);
        } else {
          expect(parsed.ok).toBe(false);
          if (!parsed.ok) {
            expectRefusal(parsed.reply);
            expect(parsed.reply.status).toBe(400);
          }
        }
        assertNoPrototypePollution();
      }),
      { numRuns: RUNS },
    );
  });

  it("any other content type (or none) is 415, whatever the body", () => {
    const otherType = fc.oneof(
      fc.constantFrom(null, "", "text/plain", "text/json", "multipart/form-data", "json"),
      nastyString.filter((t) => !t.toLowerCase().startsWith("application/json")),
    );
    fc.assert(
      fc.property(otherType, hostileJsonText, (type, text) => {
        const parsed = parseJsonText(type, text);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) {
          expectRefusal(parsed.reply);
          expect(parsed.reply.status).toBe(415);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("counts bytes, not characters: 16 KiB of multi-byte text is refused at the byte limit", () => {
    const emoji = "🔥".repeat(MAX_JSON_BYTES / 4); // 4 bytes each: exactly the limit with quotes over
    const r = parseJsonText("application/json", JSON.stringify(emoji));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reply.status).toBe(413);
  });

  it("keeps prototype-pollution keys as plain data", () => {
    const r = parseJsonText(
      "application/json",
      '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}',
    );
    expect(r.ok).toBe(true);
    assertNoPrototypePollution();
    if (r.ok) expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
  });
});

describe("readJson (route handlers)", () => {
  const post = (body: BodyInit | null, headers: Record<string, string>) =>
    new Request("http://shop.test/api/orders", {
      method: "POST",
      body,
      headers,
      duplex: "half",
    } as RequestInit);

  it("a declared length over the limit: 413 without reading a byte", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(1024));
      },
    });
    const r = await readJson(
      post(body, {
        "content-type": "application/json",
        "content-length": String(MAX_JSON_BYTES + 1),
      }),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reply.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1); // a stream may pull once when it is created
  });

  it("a chunked body that never ends: 413 once past the limit, the rest never read", async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        sent += 1024;
        c.enqueue(new Uint8Array(1024).fill(0x20));
      },
    });
    const r = await readJson(post(body, { "content-type": "application/json" }));
    expect(r.ok).toBe(false);
    if (!r.ok) expectRefusal(r.reply);
    if (!r.ok) expect(r.reply.status).toBe(413);
    expect(sent).toBeLessThan(MAX_JSON_BYTES + 64 * 1024);
  });

  it("hostile JSON text: the same answers as parseJsonText on the bytes sent", async () => {
    await fc.assert(
      fc.asyncProperty(jsonType, hostileJsonText, async (type, text) => {
        const r = await readJson(post(text, { "content-type": type }));
        // On the wire, a lone surrogate is U+FFFD: compare with what the server can receive.
        expect(r).toEqual(parseJsonText(type, Buffer.from(text, "utf8").toString("utf8")));
      }),
      { numRuns: 200 },
    );
  });
});
