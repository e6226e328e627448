/**
 * The monitoring's rendered configuration, checked by the tools' own parsers (promtool, amtool from the
 * test bed's images) and read back for what it must say: Berth's rules, Swarm discovery, Alertmanager's
 * receivers. And the `Monitoring` arguments' checks.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { alertmanagerConfig } from "../../components/observability/alertmanager-config";
import { parsePrometheusDuration } from "../../components/observability/durations";
import { MonitoringArgumentsError, monitoringRequest } from "../../components/observability/monitoring-args";
import type { ServiceCluster } from "../../components/cluster";
import { swarmPrometheusConfig } from "../../components/swarm/monitoring-config";
import { swarmRuleGroups } from "../../components/swarm/monitoring-rules";
import { amtoolCheckConfig, checkWith, haveImage, promtoolCheckRules } from "../support/prom-tools";

const cluster = { target: "swarm", deployWorkload: () => undefined } as unknown as ServiceCluster;
const defaults = monitoringRequest("mon", { cluster });

const unwrap = <T>(output: pulumi.Output<T>): Promise<T> =>
  new Promise((resolve) => output.apply((value) => resolve(value)));

async function needImage(t: { skip(message: string): void }, image: string): Promise<boolean> {
  if (await haveImage(image)) return true;
  if (process.env.CI) assert.fail(`${image} is missing: run scripts/docker-testbed.sh`);
  t.skip(`no ${image} (scripts/docker-testbed.sh builds it)`);
  return false;
}

describe("Monitoring's arguments", () => {
  it("applies the documented defaults", () => {
    assert.equal(defaults.retention, "15d");
    assert.equal(defaults.scrapeInterval, "30s");
    assert.deepEqual(defaults.rules, {
      enabled: [
        "ServiceBelowDesired",
        "TaskRestarting",
        "NodeDown",
        "NodeDiskPressure",
        "NodeMemoryPressure",
        "TargetDown",
      ],
      belowDesiredSeconds: 300,
      restarts: 3,
      restartWindowSeconds: 900,
      nodeDownSeconds: 120,
      diskUsedPercent: 90,
      memoryUsedPercent: 90,
      targetDownSeconds: 300,
    });
    assert.deepEqual(defaults.publish, {}, "nothing is published unless asked");
  });

  it("lists every wrong argument with its field before anything is created", () => {
    let caught: unknown;
    try {
      monitoringRequest("mon", {
        cluster,
        retention: "two weeks",
        alerts: {
          belowDesiredFor: "5 minutes",
          diskUsedPercent: 120,
          restarts: 0,
          disable: ["NodeGone" as never],
        },
        receivers: {
          webhooks: ["hooks.example.com/x"],
          email: { to: ["ops"], smarthost: "smtp.example.com" },
        },
        publish: { grafana: 70000 },
        grafana: { skipp: true } as never,
      });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof MonitoringArgumentsError, String(caught));
    assert.match(caught.message, /^Monitoring mon:/);
    assert.deepEqual(caught.issues.map((i) => i.path).sort(), [
      "alerts.belowDesiredFor",
      "alerts.disable[0]",
      "alerts.diskUsedPercent",
      "alerts.restarts",
      "grafana.skipp",
      "publish.grafana",
      "receivers.email.smarthost",
      "receivers.email.to[0]",
      "receivers.webhooks[0]",
      "retention",
    ]);
    assert.match(caught.issues.find((i) => i.path === "grafana.skipp")!.message, /did you mean "skip"/);
  });

  it("reads Prometheus durations, largest unit first", () => {
    assert.equal(parsePrometheusDuration("1h30m"), 5400);
    assert.equal(parsePrometheusDuration("15d"), 1_296_000);
    assert.equal(parsePrometheusDuration("250ms"), 0.25);
    for (const wrong of ["30m1h", "5 m", "", "0s", "5"])
      assert.equal(parsePrometheusDuration(wrong), undefined, wrong);
  });
});

describe("a swarm's Prometheus configuration", () => {
  it("is accepted by promtool, rules included, and scrapes only the networks it shares", async (t) => {
    if (!(await needImage(t, "local/prometheus:test"))) return;
    const config = swarmPrometheusConfig({
      scrapeInterval: "30s",
      networks: ["apps-default", "metrics.net"],
      ruleFile: "/check/rules.yml",
      alertmanager: { service: "mon-alertmanager", port: 9093 },
    });
    const rules = stringify({ groups: swarmRuleGroups(defaults.rules) });
    const out = await checkWith(
      "local/prometheus:test",
      "promtool",
      ["check", "config", "/check/prometheus.yml"],
      {
        "prometheus.yml": config,
        "rules.yml": rules,
      },
    );
    assert.match(out, /SUCCESS: 9 rules found/);
    const parsed = parse(config) as {
      alerting: { alertmanagers: { dns_sd_configs: { names: string[] }[] }[] };
      scrape_configs: { job_name: string; relabel_configs: { source_labels?: string[]; regex?: string }[] }[];
    };
    const services = parsed.scrape_configs.find((job) => job.job_name === "swarm-services")!;
    const network = services.relabel_configs.find(
      (r) => r.source_labels?.[0] === "__meta_dockerswarm_network_name",
    );
    assert.equal(network?.regex, "apps-default|metrics\\.net", "network names are matched literally");
    assert.deepEqual(parsed.alerting.alertmanagers[0].dns_sd_configs[0].names, ["tasks.mon-alertmanager"]);
  });

  it("holds Berth's default alerts with the thresholds given, and leaves out disabled ones", async (t) => {
    const request = monitoringRequest("mon", {
      cluster,
      alerts: { belowDesiredFor: "90s", restarts: 5, restartWindow: "30m", disable: ["NodeDiskPressure"] },
    });
    const groups = swarmRuleGroups(request.rules);
    const alerts = groups.flatMap((g) => g.rules).filter((r) => "alert" in r) as {
      alert: string;
      expr: string;
      for?: string;
    }[];
    assert.deepEqual(
      alerts.map((a) => a.alert),
      [
        "BerthServiceBelowDesired",
        "BerthTaskRestarting",
        "BerthNodeDown",
        "BerthNodeMemoryPressure",
        "BerthTargetDown",
      ],
    );
    assert.equal(alerts[0].for, "90s");
    assert.match(alerts[1].expr, /offset 1800s\)\) > 5 /);
    if (!(await needImage(t, "local/prometheus:test"))) return;
    assert.match(await promtoolCheckRules(stringify({ groups })), /SUCCESS: 8 rules found/);
  });
});

describe("Alertmanager's configuration", () => {
  it("sends every alert to each receiver, is accepted by amtool, and is secret", async (t) => {
    const config = alertmanagerConfig({
      webhooks: [pulumi.secret("https://hooks.example.com/T0K3N")],
      slack: ["https://hooks.slack.example.com/services/X"],
      email: {
        to: ["ops@example.com", "oncall@example.com"],
        from: "alerts@example.com",
        smarthost: "smtp.example.com:587",
        username: "alerts",
        password: pulumi.secret("smtp-password"),
      },
    });
    assert.equal(await pulumi.isSecret(config), true, "webhook URLs and passwords carry credentials");
    const text = await unwrap(config);
    const parsed = parse(text) as {
      route: { receiver: string; group_by: string[] };
      receivers: {
        name: string;
        webhook_configs: { url: string }[];
        slack_configs: { api_url: string }[];
        email_configs: { to: string; auth_password: string; require_tls: boolean }[];
      }[];
    };
    assert.equal(parsed.route.receiver, parsed.receivers[0].name);
    assert.deepEqual(parsed.route.group_by, ["alertname", "service"]);
    assert.equal(parsed.receivers[0].webhook_configs[0].url, "https://hooks.example.com/T0K3N");
    assert.equal(parsed.receivers[0].slack_configs[0].api_url, "https://hooks.slack.example.com/services/X");
    assert.deepEqual(
      parsed.receivers[0].email_configs.map((e) => [e.to, e.auth_password, e.require_tls]),
      [
        ["ops@example.com", "smtp-password", true],
        ["oncall@example.com", "smtp-password", true],
      ],
    );
    if (!(await needImage(t, "local/alertmanager:test"))) return;
    assert.match(await amtoolCheckConfig(text), /SUCCESS/);
  });

  it("without receivers still routes (alerts are only shown) and is not secret", async () => {
    const config = alertmanagerConfig({});
    assert.equal(await pulumi.isSecret(config), false);
    const parsed = parse(await unwrap(config)) as { receivers: Record<string, unknown>[] };
    assert.deepEqual(parsed.receivers, [{ name: "berth" }]);
  });
});
