/** Which engine objects a Swarm resource may take, change or delete, by their labels. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  adoptionRefusal,
  isOwnedBy,
  type Owner,
  ownerLabels,
  ownershipOf,
} from "../../provider/swarm/ownership";
import { notOwnedReason } from "../../provider/swarm/identity";

const owner: Owner = { project: "shop", stack: "prod", stackId: "aaaa", component: "web", urn: "urn:web" };
const ours = ownerLabels(owner);
const { "berth.stack-id": _dropped, ...older } = ours;
const theirs = { ...ours, "berth.stack-id": "bbbb" };

describe("ownership by stack identity", () => {
  it("writes the identity as a label, and none when the owner has none", () => {
    assert.equal(ours["berth.stack-id"], "aaaa");
    assert.ok(!("berth.stack-id" in ownerLabels({ ...owner, stackId: undefined })));
  });

  it("another identity under the same names is another stack's, recorded or not", () => {
    assert.equal(ownershipOf(theirs, owner, false), "other-stack");
    assert.equal(ownershipOf(theirs, owner, true), "other-stack");
    assert.equal(isOwnedBy(theirs, owner), false);
    const refusal = adoptionRefusal("service web", theirs, owner) ?? "";
    assert.match(
      refusal,
      /belongs to stack shop\/prod \(berth\.stack-id bbbb\), not to stack shop\/prod \(berth\.stack-id aaaa\)/,
    );
    assert.match(
      notOwnedReason("service web", theirs, owner, "deleting") ?? "",
      /berth\.stack-id bbbb.*not deleting it/s,
    );
  });

  it("an object without an identity is the resource's only when its state records it", () => {
    assert.equal(ownershipOf(older, owner, false), "unlabelled");
    assert.match(
      adoptionRefusal("network web", older, owner) ?? "",
      /no berth\.stack-id label.*docker network rm web/s,
    );
    assert.equal(ownershipOf(older, owner, true), "resource");
    assert.equal(notOwnedReason("network web", older, owner, "updating"), undefined);
  });

  it("the resource's own labelled object is taken back; an owner from older state keeps its objects", () => {
    assert.equal(adoptionRefusal("service web", ours, owner), undefined);
    assert.equal(isOwnedBy(ours, { ...owner, stackId: undefined }), true);
    assert.equal(isOwnedBy(older, { ...owner, stackId: undefined }), true);
  });
});
