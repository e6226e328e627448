import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bcryptHash, stableBcryptHash } from "../../provider/shared/bcrypt";

const salt = Buffer.from("0123456789abcdef");

/** Hashes computed with libxcrypt's crypt(3) for the same passwords, salts and costs. */
const reference = [
  {
    password: "abc",
    salt: Buffer.alloc(16, 0x61),
    cost: 10,
    hash: "$2b$10$WUDfWUDfWUDfWUDfWUDfWOEC7ivx1XmS1G9s6Pd4WJ18dwNQ2Juhu",
  },
  { password: "abc", salt, cost: 4, hash: "$2b$04$KBCwKxOzLha2MUDgW0PjXecdtXed1hLnXczuWvfxix3UY6GFR7z1C" },
  {
    password: "pässwörd-ünïcode",
    salt,
    cost: 5,
    hash: "$2b$05$KBCwKxOzLha2MUDgW0PjXejPh3EwZkFJL3J9YzYkGtBRfeq6BGMsO",
  },
  // Longer than 72 bytes: only the first 72 count.
  {
    password: "x".repeat(80),
    salt,
    cost: 4,
    hash: "$2b$04$KBCwKxOzLha2MUDgW0PjXe2EbuGeU17K17Rx1Pb2UnKJd/.iteNSW",
  },
  { password: "", salt, cost: 4, hash: "$2b$04$KBCwKxOzLha2MUDgW0PjXeg/oaNzVlQFb3jg.67P.r1snBL8ZffHa" },
];

describe("bcryptHash", () => {
  for (const { password, salt: s, cost, hash } of reference)
    it(`hashes ${JSON.stringify(password.slice(0, 12))} at cost ${cost} as libxcrypt does`, () => {
      assert.equal(bcryptHash(password, s, cost), hash);
    });

  it("refuses a salt that is not 16 bytes and a cost out of range", () => {
    assert.throws(() => bcryptHash("abc", Buffer.alloc(15), 4), /16 bytes/);
    assert.throws(() => bcryptHash("abc", salt, 3), /cost/);
  });
});

describe("stableBcryptHash", () => {
  it("gives one password one hash, and two passwords two salts", () => {
    const a = stableBcryptHash("Password-One-7", 4);
    assert.equal(stableBcryptHash("Password-One-7", 4), a);
    const b = stableBcryptHash("Password-Two-8", 4);
    assert.notEqual(a.slice(7, 29), b.slice(7, 29), "the salts differ");
    assert.match(a, /^\$2b\$04\$[./A-Za-z0-9]{53}$/);
  });
});
