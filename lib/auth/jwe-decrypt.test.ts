import { createCipheriv, randomBytes } from "node:crypto";
import { base64url, EncryptJWT, jwtDecrypt } from "jose";
import { decode } from "next-auth/jwt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { key, SALT, seal, sealCbc, sealedAs, secret } from "@/test/support/session-seal";
import { decryptSession } from "./jwe-decrypt";

/**
 * The session cookie is decrypted by our own code (node:crypto, synchronous) when
 * SESSION_DECODER=hand: these tests hold it to what Auth.js writes and jose reads, and make sure
 * that every way of tampering with a cookie ends in "no session".
 */

describe("decryptSession (the hand-written decrypt)", () => {
  it("reads what Auth.js's encode writes, exactly as Auth.js's decode does", async () => {
    const token = { sub: "user-1", role: "merchant", name: "Zoë Ünïcode 🛒", email: "z@x.test" };
    const jwe = await seal(token);
    const ours = decryptSession(jwe, secret(), SALT);
    expect(ours).toEqual(await decode({ token: jwe, secret: secret(), salt: SALT }));
    expect(ours).toMatchObject(token);
    // The secure-prefixed cookie uses its own name as the salt.
    const secure = await seal({ sub: "user-2" }, undefined, secret(), `__Secure-${SALT}`);
    expect(decryptSession(secure, secret(), `__Secure-${SALT}`)).toMatchObject({ sub: "user-2" });
    expect(decryptSession(secure, secret(), SALT)).toBeNull(); // wrong salt
  });

  it("reads A256GCM sessions too (jose-made), and agrees with jose on them", async () => {
    const jwe = await new EncryptJWT({ sub: "gcm-user" })
      .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
      .setExpirationTime("1h")
      .encrypt(key("A256GCM"));
    const ours = decryptSession(jwe, secret(), SALT);
    expect(ours).toEqual((await jwtDecrypt(jwe, key("A256GCM"))).payload);
    expect(ours).toMatchObject({ sub: "gcm-user" });
  });

  it("refuses another secret, another algorithm and hand-made headers", async () => {
    const jwe = await seal({ sub: "u" });
    expect(decryptSession(jwe, "another secret that is long enough to pass", SALT)).toBeNull();
    const [h, , iv, ct, tag] = jwe.split(".") as [string, string, string, string, string];
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(h)));
    const withHeader = (o: unknown) =>
      [base64url.encode(JSON.stringify(o)), "", iv, ct, tag].join(".");
    for (const bad of [
      { ...header, alg: "A256KW" },
      { ...header, enc: "A128CBC-HS256" },
      { ...header, zip: "DEF" },
      { ...header, crit: ["exp"] },
      { ...header, kid: "other" }, // the header is authenticated: any change breaks the tag
      "not an object",
      null,
    ])
      expect(decryptSession(withHeader(bad), secret(), SALT), JSON.stringify(bad)).toBeNull();
    expect(decryptSession([h, "AAAA", iv, ct, tag].join("."), secret(), SALT)).toBeNull();
    expect(decryptSession([h, "", iv, ct].join("."), secret(), SALT)).toBeNull();
    expect(decryptSession(`${jwe}.`, secret(), SALT)).toBeNull();
    expect(decryptSession([h, "", iv, ct, `${tag}=`].join("."), secret(), SALT)).toBeNull();
  });

  it("a plaintext that is not a JSON object is refused even when correctly sealed", () => {
    const k = Buffer.from(key("A256GCM"));
    const sealRaw = (plaintext: string) => {
      const h = base64url.encode(JSON.stringify({ alg: "dir", enc: "A256GCM" }));
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", k, iv);
      c.setAAD(Buffer.from(h, "ascii"));
      const ct = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
      return [h, "", iv, ct, c.getAuthTag()]
        .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
        .join(".");
    };
    expect(decryptSession(sealRaw(JSON.stringify({ sub: "ok" })), secret(), SALT)).toEqual({
      sub: "ok",
    });
    for (const p of ["[1,2]", "42", '"sub"', "null", "{not json"])
      expect(decryptSession(sealRaw(p), secret(), SALT), p).toBeNull();
  });

  it("A256CBC-HS512 with the kept decipher agrees with jose at every padding length", async () => {
    const k = key("A256CBC-HS512");
    // 32 lengths of `pad` walk the plaintext through two whole AES blocks: every PKCS #7 length.
    for (let n = 0; n < 32; n++) {
      const claims = { sub: `user-${n}`, pad: "é".repeat(n % 3) + "x".repeat(n) };
      const jwe = await new EncryptJWT(claims)
        .setProtectedHeader({ alg: "dir", enc: "A256CBC-HS512" })
        .setExpirationTime("1h")
        .encrypt(k);
      const ours = decryptSession(jwe, secret(), SALT);
      expect(ours, `pad ${n}`).toEqual((await jwtDecrypt(jwe, k)).payload);
    }
  });

  it("refuses authentic CBC ciphertexts with bad padding or broken blocks, and stays in step", async () => {
    const good = await seal({ sub: "still-good" });
    const body = Buffer.from(JSON.stringify({ sub: "padded" }).padEnd(31, " "), "utf8"); // 31 bytes
    const withLast = (last: number[]) =>
      Buffer.concat([body.subarray(0, 32 - last.length), Buffer.from(last)]);
    const open = (blocks: Buffer) =>
      decryptSession(sealCbc(blocks, { pad: false }), secret(), SALT);
    expect(open(withLast([1]))).toEqual({ sub: "padded" });
    for (const bad of [[0], [17], [255], [2, 3], [4, 4, 5, 4], [5, 4, 4, 4]]) {
      expect(open(withLast(bad)), String(bad)).toBeNull();
      expect(decryptSession(good, secret(), SALT)).toMatchObject({ sub: "still-good" });
    }
    // Not whole blocks, under a correct tag: refused before any block is deciphered, so the
    // next cookie still reads.
    const [h, , iv, ct] = good.split(".") as [string, string, string, string, string];
    const cut = Buffer.from(ct, "base64url").subarray(0, -1);
    expect(
      decryptSession(sealedAs(h, Buffer.from(iv, "base64url"), cut), secret(), SALT),
    ).toBeNull();
    expect(
      decryptSession(sealedAs(h, Buffer.from(iv, "base64url"), Buffer.alloc(0)), secret(), SALT),
    ).toBeNull();
    expect(decryptSession(good, secret(), SALT)).toMatchObject({ sub: "still-good" });
  });

  it("accepts each part in its one spelling only (spare bits of the last character zero)", async () => {
    const jwe = await seal({ sub: "spelled" });
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const parts = jwe.split(".");
    for (const at of [2, 3, 4]) {
      const p = parts[at]!;
      const spare = p.length % 4 === 2 ? 15 : p.length % 4 === 3 ? 3 : 0;
      if (!spare) continue; // ct may be a multiple of 4 long: nothing spare
      const other = alphabet[alphabet.indexOf(p[p.length - 1]!) | 1]!; // same bytes, spare bit set
      const respelled = parts.map((q, i) => (i === at ? q.slice(0, -1) + other : q)).join(".");
      expect(Buffer.from(respelled.split(".")[at]!, "base64url")).toEqual(
        Buffer.from(p, "base64url"),
      );
      expect(decryptSession(respelled, secret(), SALT), `part ${at}`).toBeNull();
    }
    expect(decryptSession(jwe, secret(), SALT)).toMatchObject({ sub: "spelled" });
  });

  it("refuses parts of the wrong length, under a correct tag too, without throwing", async () => {
    const good = await seal({ sub: "sized" });
    const [h, , iv, ct, tag] = good.split(".") as [string, string, string, string, string];
    const join = (i: string, c: string, t: string) => [h, "", i, c, t].join(".");
    const cases = [
      join(iv, ct, tag.slice(0, 42)), // tag 42 characters
      join(iv, ct, tag + "A"), // 44
      join(iv.slice(0, 21), ct, tag), // IV 21
      join(iv + "A", ct, tag), // 23
      join(iv, ct + "AAAA", tag), // ciphertext not whole blocks
      join(iv, "", tag), // no ciphertext
    ];
    // A part of 4k + 1 characters encodes no byte string: a second spelling of 4k characters.
    if (ct.length % 4 === 0) cases.push(join(iv, ct + "A", tag));
    // Authentic (tag computed over them) but of the wrong size.
    const ivBytes = Buffer.from(iv, "base64url");
    const ctBytes = Buffer.from(ct, "base64url");
    for (const n of [15, 17]) {
      const other = Buffer.alloc(n, 7);
      ivBytes.copy(other);
      cases.push(sealedAs(h, other, ctBytes));
    }
    for (const jwe of cases) {
      expect(() => decryptSession(jwe, secret(), SALT)).not.toThrow();
      expect(decryptSession(jwe, secret(), SALT), jwe).toBeNull();
    }
    for (const t of [31, 33]) {
      const sealed = sealedAs(h, ivBytes, ctBytes).split(".");
      const cut = Buffer.from(sealed[4]!, "base64url");
      const resized = Buffer.concat([cut, Buffer.alloc(1)])
        .subarray(0, t)
        .toString("base64url");
      const jwe = [...sealed.slice(0, 4), resized].join(".");
      expect(() => decryptSession(jwe, secret(), SALT)).not.toThrow();
      expect(decryptSession(jwe, secret(), SALT)).toBeNull();
    }
    expect(decryptSession(good, secret(), SALT)).toMatchObject({ sub: "sized" });
  });

  it("reads sessions of every size Auth.js writes in one cookie, growing and shrinking", async () => {
    // The tag is computed in a buffer kept for the key, which grows with the cookie. A secret of
    // this test's own gives a key no other test has grown, so growth is tested from the start.
    const own = `every-size-${randomBytes(8).toString("hex")}-0123456789abcdef`;
    for (const n of [0, 100, 300, 400, 500, 1000, 2000, 3000, 600, 10]) {
      const jwe = await seal({ sub: `sized-${n}`, pad: "x".repeat(n) }, undefined, own);
      expect(decryptSession(jwe, own, SALT), `pad ${n}`).toMatchObject({ sub: `sized-${n}` });
    }
  });

  it("any change to any character of a real session cookie gives no session", async () => {
    const jwe = await seal({ sub: "victim", role: "merchant" });
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
    fc.assert(
      fc.property(fc.nat({ max: jwe.length - 1 }), fc.constantFrom(...alphabet), (at, ch) => {
        fc.pre(jwe[at] !== ch);
        const forged = jwe.slice(0, at) + ch + jwe.slice(at + 1);
        // base64url's last character can carry spare bits that decode to the same bytes:
        // such a spelling is the same cookie, not a forgery — it must decode to the same user.
        const got = decryptSession(forged, secret(), SALT);
        if (got) expect(got).toMatchObject({ sub: "victim", role: "merchant" });
        return true;
      }),
      { numRuns: 2_000 },
    );
  });
});
