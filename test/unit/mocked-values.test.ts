import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { providerComputed, runningUnderMocks } from "../../components/mocked-values";

describe("values a provider computes, outside mocks", () => {
  it("is not running under mocks in a plain process", () => {
    assert.equal(runningUnderMocks(), false);
  });

  it("passes a computed value through", () => {
    assert.equal(providerComputed("abc", "web", "salt"), "abc");
  });

  it("names the owner and the value when a provider returned none, instead of a placeholder", () => {
    assert.throws(() => providerComputed(undefined, "web-env", "salt"), {
      message: "web-env: the provider returned no salt",
    });
  });
});
