/** The argument checks components and providers share: DNS names, IPv4 CIDR blocks, issue collecting. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  alignedCidr,
  cidrsOverlap,
  ComponentArgumentsError,
  formatIpv4,
  isDnsLabel,
  isDnsName,
  isObject,
  isWhole,
  issueCollector,
  parseIpv4Cidr,
  show,
  unknownFields,
} from "../../components/arguments";
import { memberListIssues } from "../../provider/swarm/membership-plan";

describe("DNS labels and names", () => {
  it("a label is 1-63 lower case letters, digits or -, alphanumeric at both ends", () => {
    for (const ok of ["a", "0", "web-1", "a".repeat(63), "1a-b2"]) assert.ok(isDnsLabel(ok), ok);
    for (const bad of ["", "-a", "a-", "A", "a_b", "a.b", "a".repeat(64), 7, undefined, null])
      assert.ok(!isDnsLabel(bad), String(bad));
  });

  it("a name is dot-separated labels, at most 253 characters", () => {
    assert.ok(isDnsName("prod.local"));
    assert.ok(isDnsName("example.com"));
    assert.ok(!isDnsName("prod..local"));
    assert.ok(!isDnsName("Prod.local"));
    assert.ok(!isDnsName("prod.local."));
    assert.ok(!isDnsName(undefined));
    const long = Array.from({ length: 4 }, () => "a".repeat(63)).join(".");
    const shorter = long.slice(2);
    assert.equal(long.length, 255);
    assert.ok(!isDnsName(long));
    assert.ok(isDnsName(shorter));
  });

  it("is the rule the swarm membership provider judges node names by", () => {
    const names = (name: string) =>
      memberListIssues([{ name, role: "manager", availability: "active" }]).map((i) => i.path);
    assert.deepEqual(names("m1"), []);
    assert.deepEqual(names("M1"), ["nodes[0].name"]);
    assert.deepEqual(names("a".repeat(64)), ["nodes[0].name"]);
  });
});

describe("IPv4 CIDR blocks", () => {
  it("parses a.b.c.d/n into its first address and prefix, refusing what is not one", () => {
    assert.deepEqual(parseIpv4Cidr("10.0.0.0/16"), { base: 10 * 2 ** 24, prefix: 16 });
    assert.deepEqual(parseIpv4Cidr("255.255.255.255/32"), { base: 2 ** 32 - 1, prefix: 32 });
    for (const bad of ["10.0.0.0", "10.0.0.256/16", "10.0.0.0/33", "10.0.0/8", " 10.0.0.0/8", "::/0"])
      assert.equal(parseIpv4Cidr(bad), undefined, bad);
  });

  it("formats addresses, clears host bits and tells overlaps", () => {
    assert.equal(formatIpv4(3232235777), "192.168.1.1");
    assert.equal(alignedCidr(parseIpv4Cidr("10.0.1.7/16")!), "10.0.0.0/16");
    assert.equal(alignedCidr(parseIpv4Cidr("10.0.1.0/24")!), "10.0.1.0/24");
    assert.ok(cidrsOverlap("10.0.0.0/16", "10.0.255.0/24"));
    assert.ok(!cidrsOverlap("10.0.0.0/16", "10.1.0.0/16"));
    assert.ok(!cidrsOverlap("10.0.0.0/16", "not a block"));
  });
});

describe("collecting issues", () => {
  it("collects every issue at its path, in order", () => {
    const { issues, add } = issueCollector();
    add("a", "first");
    add("b.c", "second");
    assert.deepEqual(issues, [
      { path: "a", message: "first" },
      { path: "b.c", message: "second" },
    ]);
  });

  it("names unknown fields under a prefix, with the likely typo's fix", () => {
    const { issues, add } = issueCollector();
    unknownFields({ min: 1, mxa: 2, colour: "red" }, ["min", "max"], "ec2.", add);
    assert.deepEqual(issues, [
      { path: "ec2.mxa", message: 'unknown field; did you mean "max"?' },
      { path: "ec2.colour", message: "unknown field" },
    ]);
    unknownFields(undefined, ["min"], "", add);
    assert.equal(issues.length, 2);
  });

  it("tells whole numbers in a range, plain objects, and quotes values as JSON", () => {
    assert.ok(isWhole(3, 0));
    assert.ok(isWhole(1e9, 1));
    assert.ok(!isWhole(3, 0, 2));
    assert.ok(!isWhole(1.5, 0));
    assert.ok(!isWhole("3", 0));
    assert.ok(!isWhole(-1, 0));
    assert.ok(isObject({}));
    assert.ok(!isObject([]));
    assert.ok(!isObject(null));
    assert.equal(show("2"), '"2"');
    assert.equal(show(2), "2");
  });

  it("reports them all in one error naming the component", () => {
    const err = new ComponentArgumentsError("EcsCluster", "apps", [
      { path: "ec2.min", message: "must be a whole number" },
      { path: "tags", message: "must be an object" },
    ]);
    assert.equal(
      err.message,
      "EcsCluster apps:\n  ec2.min: must be a whole number\n  tags: must be an object",
    );
    assert.equal(err.issues.length, 2);
  });
});
