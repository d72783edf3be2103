import { describe, expect, it } from "vitest";
import { readCapped } from "./read-capped";

/** A streamed (chunked) request body of `chunks`, counting how many chunks were pulled. */
function streamed(chunks: string[]) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[pulled++];
      if (next === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(next));
    },
  });
  const request = new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit);
  return { request, pulled: () => pulled };
}

describe("readCapped", () => {
  it("returns the whole body up to the limit, and an empty one when there is none", async () => {
    expect((await readCapped(streamed(["abc", "de"]).request, 5))?.toString()).toBe("abcde");
    expect(await readCapped(new Request("http://x/"), 5)).toEqual(Buffer.alloc(0));
  });

  it("refuses a declared length past the limit without reading", async () => {
    const request = new Request("http://x/", {
      method: "POST",
      body: "x".repeat(10),
      headers: { "content-length": "10" },
    });
    expect(await readCapped(request, 5)).toBeNull();
    expect(request.bodyUsed).toBe(false);
  });

  it("abandons a chunked body at the limit instead of reading the rest", async () => {
    const s = streamed(["abc", "def", ...Array<string>(1000).fill("more")]);
    expect(await readCapped(s.request, 5)).toBeNull();
    expect(s.pulled()).toBeLessThan(10);
  });
});
