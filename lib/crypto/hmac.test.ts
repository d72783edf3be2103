import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HmacKey } from "./hmac";

const mac = (key: HmacKey, message: Buffer) => {
  message.copy(key.into(message.length));
  return key.of(message.length);
};

describe("HmacKey", () => {
  for (const alg of ["sha256", "sha512"] as const)
    it(`agrees with createHmac for ${alg}: keys around the block size, messages growing and shrinking`, () => {
      for (const keyLength of [0, 1, 31, 32, 63, 64, 65, 127, 128, 129, 300]) {
        const secret = randomBytes(keyLength);
        const key = new HmacKey(alg, secret);
        const same = (message: Buffer) =>
          expect(mac(key, message).equals(createHmac(alg, secret).update(message).digest())).toBe(
            true,
          );
        // Growing one byte at a time past the first buffer (512 bytes after the key block), so
        // the buffer grows at every length; then shorter again: nothing left over may count.
        for (let length = 0; length <= 700; length++) same(randomBytes(length));
        for (const length of [5000, 513, 129, 64, 1, 0, 17]) same(randomBytes(length));
      }
    });

  it("keeps no state between messages, and refuses a length outside what it was given", () => {
    const key = new HmacKey("sha256", randomBytes(32));
    const a = randomBytes(40);
    const first = mac(key, a);
    mac(key, randomBytes(40));
    expect(mac(key, a).equals(first)).toBe(true);
    expect(() => key.of(-1)).toThrow(RangeError);
    expect(() => key.of(1 << 20)).toThrow(RangeError);
  });

  it("gives the caller only the message's room: writing all of it leaves the key alone", () => {
    const secret = randomBytes(32);
    const key = new HmacKey("sha512", secret);
    const room = key.into(64);
    expect(room.length).toBe(64);
    room.fill(0xff);
    expect(key.of(64).equals(createHmac("sha512", secret).update(room).digest())).toBe(true);
  });
});
