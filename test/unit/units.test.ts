import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  formatCpu,
  formatDuration,
  formatMemory,
  parseCpu,
  parseDuration,
  parseMemory,
} from "../../components/spec";

describe("units", () => {
  it("reads Go-style durations and seconds as milliseconds", () => {
    assert.equal(parseDuration("1m30s"), 90_000);
    assert.equal(parseDuration("250ms"), 250);
    assert.equal(parseDuration("2h"), 7_200_000);
    assert.equal(parseDuration(1.5), 1500);
    assert.equal(parseDuration("0"), 0);
    assert.equal(parseDuration("10"), undefined);
    assert.equal(parseDuration("10 s"), undefined);
    assert.equal(parseDuration(-1), undefined);
    assert.equal(formatDuration(90_000), "1m30s");
  });
  it("reads CPU as millicores and memory as bytes", () => {
    assert.equal(parseCpu("500m"), 500);
    assert.equal(parseCpu(0.25), 250);
    assert.equal(parseCpu("2"), 2000);
    assert.equal(parseCpu("0m"), undefined);
    assert.equal(parseMemory("512Mi"), 512 * 2 ** 20);
    assert.equal(parseMemory("1Gi"), 2 ** 30);
    assert.equal(parseMemory("500M"), 500e6);
    assert.equal(parseMemory("1gb"), undefined);
    assert.equal(formatMemory(3 * 2 ** 29), "1536Mi");
    assert.equal(formatCpu(1500), "1500m");
    assert.equal(formatCpu(2000), "2");
  });
});
