import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { closestName } from "../../components/spec/suggest";

describe("closestName", () => {
  const fields = ["image", "secretEnv", "secrets", "replicas", "protocol", "published"];
  it("prefers the shortest name a truncated word starts", () => {
    assert.equal(closestName("secret", fields), "secrets");
    assert.equal(closestName("prot", fields), "protocol");
  });
  it("suggests names within a third of their length in edits, and nothing further", () => {
    assert.equal(closestName("imgae", fields), "image");
    assert.equal(closestName("replcias", fields), "replicas");
    assert.equal(closestName("volumes", fields), undefined);
    assert.equal(closestName("im", fields), undefined);
  });
});
