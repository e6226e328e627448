/**
 * Content-addressed names, one function for Swarm's secrets and configs and Kubernetes' Secrets and
 * ConfigMaps. The names are in users' state: these pin them byte for byte, since any change would
 * replace every such object on the next `up`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { contentAddressedName, contentDigest } from "../../provider/shared/content-name";
import { fileObjectName } from "../../provider/swarm/file-object";
import { configObjectName, secretObjectName } from "../../components/kubernetes/object-names";

describe("content-addressed names", () => {
  it("Swarm: <name>-<12 hex of SHA-256(data)> for a config, of HMAC-SHA-256(salt, data) for a secret", () => {
    assert.deepEqual(fileObjectName("config", "web", "port=80\n"), {
      name: "web-8ac56ba2b165",
      digest: "8ac56ba2b165" + contentDigest("port=80\n").slice(12),
    });
    assert.equal(
      fileObjectName("secret", "db-password", "s3cr3t", "00112233445566778899aabbccddeeff").name,
      "db-password-adc5b3c7533f",
    );
  });

  it("Kubernetes: <base>-<10 hex over source and content>, keyed with the salt for a Secret", () => {
    assert.equal(configObjectName("app.conf", "./app.conf", "port=80\n"), "app.conf-5125282aa8");
    assert.equal(configObjectName("My App_conf", "x", "y"), "my-app-conf-01f650e85c");
    assert.equal(
      secretObjectName("db-password", "env:DB_PASSWORD", "s3cr3t", "salt-1"),
      "db-password-ef569254a2",
    );
  });

  it("takes the digit count and the key, and answers the whole digest", () => {
    const plain = contentAddressedName("x", "hello", { hexDigits: 4 });
    assert.equal(plain.digest, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assert.equal(plain.name, "x-2cf2");
    const keyed = contentAddressedName("x", "hello", { hexDigits: 8, key: "k" });
    assert.notEqual(keyed.digest, plain.digest);
    assert.equal(keyed.name, `x-${keyed.digest.slice(0, 8)}`);
  });
});
