import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HmacKey } from "./hmac";

const mac = (key: HmacKey, message: Buffer) => {
  const into = key.into(message.length);
  message.copy(into, key.at);
  return key.of(key.at + message.length);
};

describe("HmacKey", () => {
  for (const alg of ["sha256", "sha512"] as const)
    it(`agrees with createHmac for ${alg}: keys around the block size, messages of every length`, () => {
      for (const keyLength of [0, 1, 31, 32, 63, 64, 65, 127, 128, 129, 300]) {
        const secret = randomBytes(keyLength);
        const key = new HmacKey(alg, secret);
        // Longer messages first, then shorter: nothing left in the buffer may count.
        for (const length of [5000, 700, 513, 512, 511, 300, 129, 128, 64, 1, 0, 17]) {
          const message = randomBytes(length);
          expect(mac(key, message).equals(createHmac(alg, secret).update(message).digest())).toBe(
            true,
          );
        }
      }
    });

  it("keeps no state between messages, and refuses an end outside what it was given", () => {
    const secret = randomBytes(32);
    const key = new HmacKey("sha256", secret);
    const a = randomBytes(40);
    const b = randomBytes(40);
    const first = mac(key, a);
    mac(key, b);
    expect(mac(key, a).equals(first)).toBe(true);
    expect(() => key.of(key.at - 1)).toThrow(RangeError);
    expect(() => key.of(key.at + key.into(0).length)).toThrow(RangeError);
  });
});
