import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { crdValidator } from "../support/crd-schema";

const podMonitorProblems = crdValidator("monitoring.coreos.com_podmonitors.yaml", "v1");
const podMonitoringProblems = crdValidator("monitoring.googleapis.com_podmonitorings.yaml", "v1");

/** A minimal valid PodMonitor; `endpoint` and `spec` are merged into its endpoint and its spec. */
function podMonitor(endpoint: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: "web", namespace: "default", labels: { app: "x" } },
    spec: {
      selector: { matchLabels: { app: "x" } },
      podMetricsEndpoints: [{ port: "metrics", path: "/metrics", ...endpoint }],
      ...spec,
    },
  };
}

/** A minimal valid PodMonitoring; `endpoint` and `spec` are merged into its endpoint and its spec. */
function podMonitoring(endpoint: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "monitoring.googleapis.com/v1",
    kind: "PodMonitoring",
    metadata: { name: "web", namespace: "default" },
    spec: {
      selector: { matchLabels: { app: "x" } },
      endpoints: [{ port: "metrics", path: "/metrics", interval: "30s", ...endpoint }],
      ...spec,
    },
  };
}

describe("crdValidator: PodMonitor (monitoring.coreos.com/v1)", () => {
  it("accepts a minimal PodMonitor, and portNumber or an int-or-string targetPort", () => {
    assert.deepEqual(podMonitorProblems(podMonitor()), []);
    assert.deepEqual(podMonitorProblems(podMonitor({ port: undefined, portNumber: 9090 })), []);
    assert.deepEqual(podMonitorProblems(podMonitor({ port: undefined, targetPort: 9090 })), []);
    assert.deepEqual(podMonitorProblems(podMonitor({ port: undefined, targetPort: "metrics" })), []);
  });

  it("reports unknown fields in spec and in an endpoint", () => {
    assert.deepEqual(podMonitorProblems(podMonitor({}, { bogus: true })), [
      '/spec must NOT have additional properties (unknown field "bogus")',
    ]);
    assert.deepEqual(podMonitorProblems(podMonitor({ scrapeInterval: "30s" })), [
      '/spec/podMetricsEndpoints/0 must NOT have additional properties (unknown field "scrapeInterval")',
    ]);
  });

  it("reports wrong types, out-of-range numbers and values outside an enum", () => {
    assert.deepEqual(podMonitorProblems(podMonitor({ portNumber: "9090" })), [
      "/spec/podMetricsEndpoints/0/portNumber must be integer",
    ]);
    assert.deepEqual(podMonitorProblems(podMonitor({ targetPort: true })), [
      "/spec/podMetricsEndpoints/0/targetPort must be integer,string",
    ]);
    assert.deepEqual(podMonitorProblems(podMonitor({ portNumber: 0, scheme: "ftp" })), [
      "/spec/podMetricsEndpoints/0/portNumber must be >= 1",
      '/spec/podMetricsEndpoints/0/scheme must be equal to one of the allowed values ("http", "https", "HTTP", "HTTPS")',
    ]);
  });

  it("requires spec and its selector, and checks apiVersion and kind", () => {
    const { spec: _spec, ...noSpec } = podMonitor();
    assert.deepEqual(podMonitorProblems(noSpec), ["/ must have required property 'spec'"]);
    assert.deepEqual(podMonitorProblems(podMonitor({}, { selector: undefined })), [
      "/spec must have required property 'selector'",
    ]);
    assert.deepEqual(podMonitorProblems({ ...podMonitor(), kind: "ServiceMonitor" }), [
      '/kind must be equal to one of the allowed values ("PodMonitor")',
    ]);
  });
});

describe("crdValidator: PodMonitoring (monitoring.googleapis.com/v1)", () => {
  it("accepts a minimal PodMonitoring, with the port as a name or a number", () => {
    assert.deepEqual(podMonitoringProblems(podMonitoring()), []);
    assert.deepEqual(podMonitoringProblems(podMonitoring({ port: 9090, timeout: "10s" })), []);
  });

  it("reports unknown fields in spec and in an endpoint", () => {
    assert.deepEqual(podMonitoringProblems(podMonitoring({}, { podMetricsEndpoints: [] })), [
      '/spec must NOT have additional properties (unknown field "podMetricsEndpoints")',
    ]);
    assert.deepEqual(podMonitoringProblems(podMonitoring({ portNumber: 9090 })), [
      '/spec/endpoints/0 must NOT have additional properties (unknown field "portNumber")',
    ]);
  });

  it("reports wrong types, bad durations and missing required fields", () => {
    assert.deepEqual(podMonitoringProblems(podMonitoring({ interval: 30 })), [
      "/spec/endpoints/0/interval must be string",
    ]);
    assert.deepEqual(podMonitoringProblems(podMonitoring({ interval: "soon" })), [
      '/spec/endpoints/0/interval must match format "duration"',
    ]);
    assert.deepEqual(podMonitoringProblems(podMonitoring({ port: undefined, interval: undefined })), [
      "/spec/endpoints/0 must have required property 'interval'",
      "/spec/endpoints/0 must have required property 'port'",
    ]);
    assert.deepEqual(podMonitoringProblems(podMonitoring({}, { endpoints: [] })), [
      "/spec/endpoints must NOT have fewer than 1 items",
    ]);
  });
});

describe("crdValidator: Go patterns (PrometheusRule, monitoring.coreos.com/v1)", () => {
  const prometheusRuleProblems = crdValidator("monitoring.coreos.com_prometheusrules.yaml", "v1");
  const rule = (strategy: string) => ({
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "rules" },
    spec: {
      groups: [{ name: "g", partial_response_strategy: strategy, rules: [{ alert: "A", expr: "up" }] }],
    },
  });

  it("reads a leading (?i) as a flag: the pattern matches in any case, and only what it names", () => {
    assert.deepEqual(prometheusRuleProblems(rule("WARN")), []);
    assert.deepEqual(prometheusRuleProblems(rule("abort")), []);
    assert.deepEqual(prometheusRuleProblems(rule("sometimes")), [
      '/spec/groups/0/partial_response_strategy must match pattern "^(?i)(abort|warn)?$"',
    ]);
  });
});
