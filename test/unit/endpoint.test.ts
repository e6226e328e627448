/**
 * Where a credential may be sent, as plain functions: which URLs the Harbor and GitLab connections
 * refuse (and that the refusal never repeats a password), what IDs and messages show of a URL, and
 * what a read with no state keeps of the connection.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { endpointProblems, redactedUrl, redirectRefused } from "../../provider/shared/endpoint";
import {
  connectionProblems as harborProblems,
  storedConnection as harborStored,
} from "../../provider/harbor/common";
import {
  connectionProblems as gitlabProblems,
  storedConnection as gitlabStored,
} from "../../provider/gitlab/common";
import { healthProvider } from "../../provider/harbor/health";
import { unknownValue } from "../support/harness";

const optIn = "connection.allowInsecureHttp";

describe("credential endpoints", () => {
  it("accepts https://, refuses plain http:// unless allowed, naming the opt-in", () => {
    assert.deepEqual(endpointProblems("connection.url", "https://harbor.example.com", false, optIn), []);
    const [refusal, ...rest] = endpointProblems("connection.url", "http://harbor.example.com", false, optIn);
    assert.deepEqual(rest, []);
    assert.equal(refusal.property, "connection.url");
    assert.match(refusal.reason, /plain http:\/\/.*connection\.allowInsecureHttp: true/);
    assert.deepEqual(endpointProblems("connection.url", "http://harbor.example.com", true, optIn), []);
    assert.match(endpointProblems("connection.url", "ftp://x", true, optIn)[0].reason, /https:\/\/ URL/);
  });

  it("refuses user:password@ even when plain HTTP is allowed, without repeating the password", () => {
    const problems = endpointProblems(
      "connection.url",
      "https://admin:s3cret@harbor.example.com",
      true,
      optIn,
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0].reason, /must not carry a user name or password/);
    assert.ok(!JSON.stringify(problems).includes("s3cret"));
  });

  it("checks Harbor's and GitLab's connections, the opt-in a boolean, unknowns passed at preview", () => {
    const harbor = { url: "http://h.example.com", username: "admin", password: "pw" };
    assert.deepEqual(
      harborProblems(harbor).map((p) => p.property),
      ["connection.url"],
    );
    assert.deepEqual(harborProblems({ ...harbor, allowInsecureHttp: true }), []);
    assert.deepEqual(harborProblems({ ...harbor, allowInsecureHttp: unknownValue }), []);
    assert.deepEqual(
      harborProblems({ ...harbor, allowInsecureHttp: "yes" }).map((p) => p.property),
      ["connection.url", "connection.allowInsecureHttp"],
    );
    const gitlab = { url: "http://g.example.com", token: "t" };
    assert.deepEqual(
      gitlabProblems(gitlab).map((p) => p.property),
      ["connection.url"],
    );
    assert.deepEqual(gitlabProblems({ ...gitlab, allowInsecureHttp: true }), []);
    assert.deepEqual(
      gitlabProblems({ url: "https://u:p@g.example.com", token: "t" }).map((p) => p.property),
      ["connection.url"],
    );
  });

  it("shows a URL without user, password, query or fragment; a redirect names its target that way", () => {
    assert.equal(
      redactedUrl("https://admin:pw@h.example.com:8443/api?token=x#f"),
      "https://h.example.com:8443/api",
    );
    assert.equal(redactedUrl("https://h.example.com"), "https://h.example.com");
    const err = redirectRefused(
      "GitLab (GET projects/1)",
      "https://a.example/api/v4/projects/1",
      302,
      "https://u:p@b.example/x?private_token=t",
    );
    assert.match(err.message, /redirect \(302\) to https:\/\/b\.example\/x;/);
    assert.ok(!/private_token|u:p/.test(err.message));
    assert.match(redirectRefused("Harbor", "https://a.example/", 307, null).message, /no Location given/);
  });

  it("a read with no state keeps the connection without the credential; one from state as it was", () => {
    const used = { url: "https://h.example.com", username: "admin", password: "pw" };
    assert.deepEqual(harborStored(undefined, used), { url: "https://h.example.com", username: "admin" });
    assert.equal(harborStored(used, { ...used, password: "other" }), used);
    const gl = { url: "https://g.example.com", token: "t", allowInsecureHttp: true };
    assert.deepEqual(gitlabStored(undefined, gl), { url: "https://g.example.com", allowInsecureHttp: true });
  });

  it("HarborHealth refuses a URL with user:password@ at check, naming the field and not the password", async () => {
    const checked = await healthProvider.check!(
      {},
      { url: "https://admin:s3cret@h.example.com", timeoutSeconds: 10, trigger: "" },
    );
    assert.deepEqual(
      checked.failures?.map((f) => f.property),
      ["url"],
    );
    assert.ok(!JSON.stringify(checked.failures).includes("s3cret"));
    const plain = await healthProvider.check!(
      {},
      { url: "http://h.example.com", timeoutSeconds: 10, trigger: "" },
    );
    assert.deepEqual(
      plain.failures ?? [],
      [],
      "no credential is sent to the health endpoint: http:// is fine",
    );
  });
});
