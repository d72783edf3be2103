import { describe, expect, it } from "vitest";
import { checkImage, IMAGE_MAX_BYTES, sniffImageType } from "./image";

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(
    parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );

const png = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13]);
const jpeg = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], "JFIF");
const gif = bytes("GIF89a", [1, 0, 1, 0]);
const webp = bytes("RIFF", [36, 0, 0, 0], "WEBPVP8 ");

describe("sniffImageType", () => {
  it.each([
    [png, "image/png"],
    [jpeg, "image/jpeg"],
    [gif, "image/gif"],
    [bytes("GIF87a", [0]), "image/gif"],
    [webp, "image/webp"],
  ])("recognises %#", (b, type) => expect(sniffImageType(b)).toBe(type));

  it.each([
    ["svg", bytes('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ["html", bytes("<!doctype html><script>alert(1)</script>")],
    ["a RIFF that is not WebP", bytes("RIFF", [36, 0, 0, 0], "WAVEfmt ")],
    ["a truncated PNG signature", bytes([0x89, 0x50, 0x4e])],
    ["nothing", new Uint8Array()],
  ])("refuses %s", (_, b) => expect(sniffImageType(b)).toBeNull());
});

describe("checkImage", () => {
  it("accepts each allowed type whose bytes match", () => {
    expect(checkImage(png, "image/png")).toEqual({ ok: true, contentType: "image/png" });
    expect(checkImage(jpeg, "image/jpeg")).toEqual({ ok: true, contentType: "image/jpeg" });
    expect(checkImage(gif, "image/gif")).toEqual({ ok: true, contentType: "image/gif" });
    expect(checkImage(webp, "image/webp")).toEqual({ ok: true, contentType: "image/webp" });
  });

  it("refuses an empty file", () => {
    expect(checkImage(new Uint8Array(), "image/png")).toEqual({
      ok: false,
      error: "Choose an image file",
    });
  });

  it("refuses more than 2 MB and accepts exactly 2 MB", () => {
    const big = new Uint8Array(IMAGE_MAX_BYTES + 1);
    big.set(png);
    expect(checkImage(big, "image/png")).toEqual({
      ok: false,
      error: "The image must be 2 MB or smaller",
    });
    expect(checkImage(big.subarray(0, IMAGE_MAX_BYTES), "image/png").ok).toBe(true);
  });

  it.each(["image/svg+xml", "text/html", "application/octet-stream", ""])(
    "refuses the declared type %j",
    (type) =>
      expect(checkImage(png, type)).toEqual({
        ok: false,
        error: "Use a PNG, JPEG, WebP or GIF image",
      }),
  );

  it("refuses bytes that are no image even when the declared type is allowed", () => {
    expect(checkImage(bytes("<svg onload=alert(1)>"), "image/png")).toEqual({
      ok: false,
      error: "That file is not a PNG, JPEG, WebP or GIF image",
    });
  });

  it("refuses a file whose bytes are another image type than declared", () => {
    expect(checkImage(jpeg, "image/png")).toEqual({
      ok: false,
      error: "The file's content does not match its type; save it again and retry",
    });
  });

  it("ignores parameters and case in the declared type", () => {
    expect(checkImage(png, "IMAGE/PNG; charset=binary").ok).toBe(true);
  });
});
