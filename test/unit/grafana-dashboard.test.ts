import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import {
  type DashboardQueries,
  kubernetesDashboardQueries,
  swarmDashboardQueries,
} from "../../components/observability/dashboard-queries";
import { berthDashboard, berthDashboardUid } from "../../components/observability/grafana-dashboard";
import {
  grafanaProvisioning,
  prometheusDataSourceUid,
} from "../../components/observability/grafana-provisioning";
import { swarmServiceSeries } from "../../components/observability/swarm-series";
import { dashboardProblems } from "../support/grafana-schema";
import { provisioningProblems } from "../support/grafana-provisioning-schema";
import { checkWith, haveImage, promtoolCheckRules } from "../support/prom-tools";

type Json = Record<string, unknown>;
interface Panel extends Json {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; legendFormat: string; datasource: { type: string; uid: string } }[];
}

const targets: [string, DashboardQueries][] = [
  ["swarm", swarmDashboardQueries],
  ["kubernetes", kubernetesDashboardQueries],
];

const panelsOf = (dashboard: Json) => dashboard.panels as Panel[];
const variablesOf = (dashboard: Json) => (dashboard.templating as { list: Json[] }).list;

/** The keys of a query set that are PromQL the panels run (not the variables' `label_values`). */
const panelKeys = (queries: DashboardQueries) =>
  (Object.keys(queries) as (keyof DashboardQueries)[]).filter((key) => !key.endsWith("Values"));

/** `label_values(<selector>, <label>)`, as Grafana's Prometheus data source writes a variable's query. */
function labelValues(query: string): { selector: string; label: string } {
  const match = /^label_values\((.+),\s*([a-zA-Z_]\w*)\)$/.exec(query);
  assert.ok(match, `not a label_values query: ${query}`);
  return { selector: match[1], label: match[2] };
}

/** What Grafana sends Prometheus for `expr`: the variables as regular expressions of their values. */
const variableValues = { service: ["api", "agent"], node: ["node-1", "node-2"] };
function interpolate(expr: string): string {
  const done = expr
    .replaceAll("$__rate_interval", "2m")
    .replace(/\$(service|node)\b/g, (_, name: "service" | "node") => `(${variableValues[name].join("|")})`);
  // label_replace's "$1" is PromQL's own; anything else with a `$` is a variable Grafana would not know.
  assert.doesNotMatch(done.replaceAll('"$1"', ""), /\$/, `unknown variable in ${expr}`);
  return done;
}

describe("berthDashboard: Grafana's published schemas", () => {
  for (const [target, queries] of targets) {
    it(`is a valid dashboard, with valid time series panels and Prometheus queries (${target})`, () => {
      const dashboard = berthDashboard(queries);
      assert.deepEqual(dashboardProblems(dashboard), []);
      // Only time series panels have their options checked against their plugin's schema.
      assert.deepEqual([...new Set(panelsOf(dashboard).map((panel) => panel.type))].sort(), [
        "row",
        "timeseries",
      ]);
    });
  }

  it("is checked strictly: a field Grafana does not know is reported where it is", () => {
    const dashboard = berthDashboard(swarmDashboardQueries);
    const panels = panelsOf(dashboard);
    const chart = panels.findIndex((panel) => panel.type === "timeseries");
    const broken = structuredClone(dashboard);
    broken.colour = "blue";
    const panel = panelsOf(broken)[chart];
    (panel.options as Json).legend = { ...((panel.options as Json).legend as Json), position: "left" };
    panel.targets![0] = { ...panel.targets![0], query: "up" } as never;
    assert.deepEqual(dashboardProblems(broken), [
      'dashboard must NOT have additional properties (unknown field "colour")',
      `panels/${chart}/options/legend must NOT have additional properties (unknown field "position")`,
      `panels/${chart}/targets/0 must NOT have additional properties (unknown field "query")`,
    ]);
  });
});

describe("berthDashboard: what it shows", () => {
  for (const [target, queries] of targets) {
    it(`runs each of the target's queries once, on the provisioned Prometheus (${target})`, () => {
      const dashboard = berthDashboard(queries);
      const charts = panelsOf(dashboard).filter((panel) => panel.type !== "row");
      const run = charts.flatMap((panel) => panel.targets!.map((t) => t.expr)).sort();
      assert.deepEqual(
        run,
        panelKeys(queries)
          .map((key) => queries[key])
          .sort(),
      );
      const datasources = charts.flatMap((panel) => [
        panel.datasource,
        ...panel.targets!.map((t) => t.datasource),
      ]);
      const provisioned = parse(
        grafanaProvisioning({ prometheusUrl: "http://prometheus:9090", dashboardFolder: "/dashboards" })
          .datasources,
      ) as { datasources: { uid: string; type: string }[] };
      for (const datasource of datasources)
        assert.deepEqual(datasource, {
          type: provisioned.datasources[0].type,
          uid: provisioned.datasources[0].uid,
        });
    });

    it(`names each series by its service or node (${target})`, () => {
      const dashboard = berthDashboard(queries);
      for (const panel of panelsOf(dashboard).filter((p) => p.type !== "row")) {
        const label = panel.title.startsWith("Node") ? "{{node}}" : "{{service}}";
        for (const t of panel.targets!)
          assert.ok(t.legendFormat.startsWith(label), `${panel.title}: ${t.legendFormat}`);
      }
    });

    it(`chooses services and nodes with variables of the target's label values, all by default (${target})`, () => {
      const variables = variablesOf(berthDashboard(queries));
      assert.deepEqual(
        variables.map((v) => [v.name, v.type, v.query]),
        [
          ["service", "query", queries.serviceValues],
          ["node", "query", queries.nodeValues],
        ],
      );
      for (const variable of variables) {
        assert.equal(variable.multi, true);
        assert.equal(variable.includeAll, true);
        // "All" must stand for the values listed, not ".*": on Kubernetes `container=~".*"` would also
        // match the pod-level cAdvisor series and count every pod twice.
        assert.equal(variable.allValue, undefined);
        assert.deepEqual((variable.current as Json).value, ["$__all"]);
      }
    });
  }

  it("keeps one uid on every target, so its address is the same everywhere", () => {
    assert.equal(berthDashboardUid, "berth-services");
    for (const [, queries] of targets) assert.equal(berthDashboard(queries).uid, berthDashboardUid);
  });

  it("lays its panels out on Grafana's 24-column grid without overlap, with distinct ids", () => {
    const panels = panelsOf(berthDashboard(swarmDashboardQueries));
    assert.equal(new Set(panels.map((panel) => panel.id)).size, panels.length);
    for (const { gridPos, title } of panels)
      assert.ok(gridPos.x + gridPos.w <= 24, `${title} is wider than the grid`);
    for (const a of panels)
      for (const b of panels) {
        if (a === b) continue;
        const apart =
          a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
          b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
          a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
          b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        assert.ok(apart, `${a.title} overlaps ${b.title}`);
      }
  });
});

describe("swarmDashboardQueries", () => {
  it("reads the task counts from the swarm's recording rules", () => {
    assert.match(swarmDashboardQueries.desiredTasks, new RegExp(`\\b${swarmServiceSeries.desiredTasks}\\{`));
    assert.match(swarmDashboardQueries.runningTasks, new RegExp(`\\b${swarmServiceSeries.runningTasks}\\{`));
    assert.match(swarmDashboardQueries.restarts, new RegExp(`\\b${swarmServiceSeries.restarts}\\{`));
    assert.equal(labelValues(swarmDashboardQueries.serviceValues).selector, swarmServiceSeries.desiredTasks);
  });
});

/** Grafana's `$NAME`, `${NAME}` and `$$` in provisioned values, for an environment without NAME. */
const grafanaExpands = (value: string) =>
  value.replace(/\$\$|\$\{\w+\}|\$\w+/g, (m) => (m === "$$" ? "$" : ""));

describe("grafanaProvisioning", () => {
  const args = {
    prometheusUrl: "http://prometheus:9090",
    dashboardFolder: "/var/lib/grafana/dashboards/berth",
  };

  it("writes files in Grafana's documented provisioning format", () => {
    const files = grafanaProvisioning({ ...args, scrapeInterval: "30s" });
    assert.deepEqual(provisioningProblems("datasources", parse(files.datasources)), []);
    assert.deepEqual(provisioningProblems("dashboards", parse(files.dashboards)), []);
  });

  it("is checked strictly against the documented keys", () => {
    assert.deepEqual(
      provisioningProblems("datasources", {
        apiVersion: 1,
        datasources: [{ name: "P", type: "prometheus", access: "proxy", jsonDATA: {} }],
      }),
      ['/datasources/0 must NOT have additional properties (unknown field "jsonDATA")'],
    );
    assert.deepEqual(
      provisioningProblems("dashboards", {
        apiVersion: 1,
        providers: [{ name: "b", options: { folder: "/d" } }],
      }),
      [
        "/providers/0/options must have required property 'path'",
        '/providers/0/options must NOT have additional properties (unknown field "folder")',
      ],
    );
  });

  it("provisions Prometheus as the default data source, through Grafana's server, under the dashboard's uid", () => {
    const { datasources } = parse(grafanaProvisioning(args).datasources) as { datasources: Json[] };
    assert.equal(datasources.length, 1);
    const [prometheus] = datasources;
    assert.equal(prometheus.type, "prometheus");
    assert.equal(prometheus.uid, prometheusDataSourceUid);
    assert.equal(prometheus.url, args.prometheusUrl);
    assert.equal(prometheus.access, "proxy");
    assert.equal(prometheus.isDefault, true);
    assert.equal(prometheus.editable, false);
  });

  it("sets the data source's interval to the scrape interval only when given", () => {
    const interval = (scrapeInterval?: string) =>
      (
        (parse(grafanaProvisioning({ ...args, scrapeInterval }).datasources) as { datasources: Json[] })
          .datasources[0].jsonData as Json
      ).timeInterval;
    assert.equal(interval("30s"), "30s");
    assert.equal(interval(undefined), undefined);
  });

  it("loads the dashboards' folder with one file provider, read-only in the UI", () => {
    const { providers } = parse(grafanaProvisioning({ ...args, folderTitle: "Ops" }).dashboards) as {
      providers: Json[];
    };
    assert.equal(providers.length, 1);
    const [provider] = providers;
    assert.equal(provider.type, "file");
    assert.equal(provider.folder, "Ops");
    assert.equal(provider.allowUiUpdates, false);
    assert.deepEqual(provider.options, { path: args.dashboardFolder, foldersFromFilesStructure: false });
  });

  it("keeps a `$` in a value from Grafana's environment expansion", () => {
    const files = grafanaProvisioning({
      prometheusUrl: "http://prometheus:9090/p$x",
      dashboardFolder: "/dash/$HOME",
      folderTitle: "Costs $",
    });
    const { datasources } = parse(files.datasources) as { datasources: Json[] };
    const { providers } = parse(files.dashboards) as {
      providers: { folder: string; options: { path: string } }[];
    };
    assert.equal(grafanaExpands(datasources[0].url as string), "http://prometheus:9090/p$x");
    assert.equal(grafanaExpands(providers[0].options.path), "/dash/$HOME");
    assert.equal(grafanaExpands(providers[0].folder), "Costs $");
  });

  it("refuses a URL that is not http(s) and a relative folder, naming the field", () => {
    assert.throws(
      () => grafanaProvisioning({ ...args, prometheusUrl: "prometheus:9090" }),
      /prometheusUrl must be an http or https URL/,
    );
    assert.throws(
      () => grafanaProvisioning({ ...args, dashboardFolder: "dashboards" }),
      /dashboardFolder must be an absolute path/,
    );
  });
});

/** One recording rule per expression, named `dashboard:<target>:<key>`, in a Prometheus rules file. */
function rulesFile(): string {
  const rules = targets.flatMap(([target, queries]) =>
    (Object.keys(queries) as (keyof DashboardQueries)[]).map((key) => {
      const expr = key.endsWith("Values") ? labelValues(queries[key]).selector : interpolate(queries[key]);
      return { record: `dashboard:${target}:${key}`, expr };
    }),
  );
  return stringify({ groups: [{ name: "berth-dashboard", rules }] });
}

async function needPromtool(t: { skip: (message: string) => void }): Promise<boolean> {
  if (await haveImage("local/prometheus:test")) return true;
  if (process.env.CI) assert.fail("local/prometheus:test is missing: run scripts/docker-testbed.sh");
  t.skip("no local/prometheus:test image (scripts/docker-testbed.sh builds it)");
  return false;
}

type Sample = [labels: string, value: number];

/**
 * A small swarm and a small Kubernetes cluster as Prometheus would have scraped them for 20 minutes
 * (one sample a minute), and what each query returns at the end with `variableValues` chosen.
 */
const scenarios: Record<
  string,
  { series: [string, string][]; expected: Record<keyof DashboardQueries, Sample[]> }
> = {
  swarm: {
    series: [
      [`${swarmServiceSeries.desiredTasks}{service="api"}`, "3x20"],
      [`${swarmServiceSeries.desiredTasks}{service="agent"}`, "2x20"],
      [`${swarmServiceSeries.desiredTasks}{service="other"}`, "1x20"],
      [`${swarmServiceSeries.runningTasks}{service="api"}`, "2x20"],
      [`${swarmServiceSeries.runningTasks}{service="agent"}`, "2x20"],
      [`${swarmServiceSeries.restarts}{service="api"}`, "4x20"],
      // Two tasks of api using half a core and a core; agent a tenth of a core; one task of another service.
      [
        'container_cpu_usage_seconds_total{container_label_com_docker_swarm_service_name="api", name="api.1"}',
        "0+30x20",
      ],
      [
        'container_cpu_usage_seconds_total{container_label_com_docker_swarm_service_name="api", name="api.2"}',
        "0+60x20",
      ],
      [
        'container_cpu_usage_seconds_total{container_label_com_docker_swarm_service_name="agent", name="agent.1"}',
        "0+6x20",
      ],
      [
        'container_cpu_usage_seconds_total{container_label_com_docker_swarm_service_name="other", name="other.1"}',
        "0+60x20",
      ],
      ['container_cpu_usage_seconds_total{id="/"}', "0+120x20"],
      [
        'container_memory_working_set_bytes{container_label_com_docker_swarm_service_name="api", name="api.1"}',
        "100x20",
      ],
      [
        'container_memory_working_set_bytes{container_label_com_docker_swarm_service_name="api", name="api.2"}',
        "200x20",
      ],
      [
        'container_network_receive_bytes_total{container_label_com_docker_swarm_service_name="api", name="api.1", interface="eth0"}',
        "0+60x20",
      ],
      [
        'container_network_receive_bytes_total{container_label_com_docker_swarm_service_name="api", name="api.1", interface="eth1"}',
        "0+120x20",
      ],
      [
        'container_network_transmit_bytes_total{container_label_com_docker_swarm_service_name="api", name="api.1", interface="eth0"}',
        "0+30x20",
      ],
      ['node_uname_info{node="node-1"}', "1x20"],
      ['node_uname_info{node="node-2"}', "1x20"],
      // node-1: one CPU busy half the time, the other idle; 3/4 of its memory used.
      ['node_cpu_seconds_total{node="node-1", cpu="0", mode="idle"}', "0+30x20"],
      ['node_cpu_seconds_total{node="node-1", cpu="0", mode="user"}', "0+30x20"],
      ['node_cpu_seconds_total{node="node-1", cpu="1", mode="idle"}', "0+60x20"],
      ['node_memory_MemAvailable_bytes{node="node-1"}', "25x20"],
      ['node_memory_MemTotal_bytes{node="node-1"}', "100x20"],
      // Its fullest disk is 3/4 full; a full tmpfs is not a disk.
      ['node_filesystem_avail_bytes{node="node-1", mountpoint="/", fstype="ext4"}', "50x20"],
      ['node_filesystem_size_bytes{node="node-1", mountpoint="/", fstype="ext4"}', "100x20"],
      ['node_filesystem_avail_bytes{node="node-1", mountpoint="/data", fstype="xfs"}', "25x20"],
      ['node_filesystem_size_bytes{node="node-1", mountpoint="/data", fstype="xfs"}', "100x20"],
      ['node_filesystem_avail_bytes{node="node-1", mountpoint="/run", fstype="tmpfs"}', "0x20"],
      ['node_filesystem_size_bytes{node="node-1", mountpoint="/run", fstype="tmpfs"}', "100x20"],
    ],
    expected: {
      serviceValues: [
        ['{service="api"}', 1],
        ['{service="agent"}', 1],
        ['{service="other"}', 1],
      ],
      nodeValues: [
        ['{node="node-1"}', 1],
        ['{node="node-2"}', 1],
      ],
      desiredTasks: [
        ['{service="api"}', 3],
        ['{service="agent"}', 2],
      ],
      runningTasks: [
        ['{service="api"}', 2],
        ['{service="agent"}', 2],
      ],
      restarts: [['{service="api"}', 4]],
      cpu: [
        ['{service="api"}', 1.5],
        ['{service="agent"}', 0.1],
      ],
      memory: [['{service="api"}', 300]],
      networkReceive: [['{service="api"}', 3]],
      networkTransmit: [['{service="api"}', 0.5]],
      nodeCpu: [['{node="node-1"}', 0.25]],
      nodeMemory: [['{node="node-1"}', 0.75]],
      nodeDisk: [['{node="node-1"}', 0.75]],
    },
  },
  kubernetes: {
    series: [
      // api: a Deployment of 3 and its canary of 1; agent: a DaemonSet on 2 nodes; coredns is not chosen.
      ['kube_deployment_spec_replicas{namespace="shop", deployment="api"}', "3x20"],
      ['kube_deployment_spec_replicas{namespace="shop", deployment="api-canary"}', "1x20"],
      ['kube_deployment_spec_replicas{namespace="kube-system", deployment="coredns"}', "2x20"],
      ['kube_deployment_status_replicas_available{namespace="shop", deployment="api"}', "2x20"],
      ['kube_deployment_status_replicas_available{namespace="shop", deployment="api-canary"}', "1x20"],
      ['kube_daemonset_status_desired_number_scheduled{namespace="shop", daemonset="agent"}', "2x20"],
      ['kube_daemonset_status_number_available{namespace="shop", daemonset="agent"}', "1x20"],
      ['kube_pod_container_info{namespace="shop", pod="api-1", container="api"}', "1x20"],
      ['kube_pod_container_info{namespace="shop", pod="api-1", container="proxy"}', "1x20"],
      ['kube_pod_container_info{namespace="shop", pod="api-2", container="api"}', "1x20"],
      ['kube_pod_container_status_restarts_total{namespace="shop", pod="api-1", container="api"}', "0+1x20"],
      ['kube_node_info{node="node-1"}', "1x20"],
      ['kube_node_info{node="node-2"}', "1x20"],
      [
        'kube_pod_info{namespace="monitoring", pod="node-exporter-a", node="node-1", host_ip="10.0.0.1"}',
        "1x20",
      ],
      // The kubelet's cAdvisor: two api containers, the pod-level series Kubernetes adds, and the
      // same container seen by the kubelet's resource endpoint, which must not be counted again.
      [
        'container_cpu_usage_seconds_total{job="kubelet", metrics_path="/metrics/cadvisor", namespace="shop", pod="api-1", container="api"}',
        "0+30x20",
      ],
      [
        'container_cpu_usage_seconds_total{job="kubelet", metrics_path="/metrics/cadvisor", namespace="shop", pod="api-2", container="api"}',
        "0+60x20",
      ],
      [
        'container_cpu_usage_seconds_total{job="kubelet", metrics_path="/metrics/cadvisor", namespace="shop", pod="api-1"}',
        "0+90x20",
      ],
      [
        'container_cpu_usage_seconds_total{job="kubelet", metrics_path="/metrics/resource", namespace="shop", pod="api-1", container="api"}',
        "0+30x20",
      ],
      [
        'container_memory_working_set_bytes{job="kubelet", metrics_path="/metrics/cadvisor", namespace="shop", pod="api-1", container="api"}',
        "100x20",
      ],
      [
        'container_memory_working_set_bytes{job="kubelet", metrics_path="/metrics/cadvisor", namespace="shop", pod="api-1"}',
        "400x20",
      ],
      // Network traffic is counted per pod.
      [
        'container_network_receive_bytes_total{job="kubelet", metrics_path="/metrics/cadvisor", namespace="shop", pod="api-1", interface="eth0"}',
        "0+60x20",
      ],
      [
        'container_network_receive_bytes_total{job="kubelet", metrics_path="/metrics/cadvisor", namespace="shop", pod="api-2", interface="eth0"}',
        "0+120x20",
      ],
      [
        'container_network_receive_bytes_total{job="kubelet", metrics_path="/metrics/cadvisor", namespace="kube-system", pod="coredns-1", interface="eth0"}',
        "0+600x20",
      ],
      [
        'container_network_transmit_bytes_total{job="kubelet", metrics_path="/metrics/cadvisor", namespace="shop", pod="api-2", interface="eth0"}',
        "0+30x20",
      ],
      // Node exporter's series name its pod, not its node.
      [
        'node_cpu_seconds_total{namespace="monitoring", pod="node-exporter-a", cpu="0", mode="idle"}',
        "0+30x20",
      ],
      [
        'node_cpu_seconds_total{namespace="monitoring", pod="node-exporter-a", cpu="0", mode="system"}',
        "0+30x20",
      ],
      [
        'node_cpu_seconds_total{namespace="monitoring", pod="node-exporter-a", cpu="1", mode="idle"}',
        "0+60x20",
      ],
      ['node_memory_MemAvailable_bytes{namespace="monitoring", pod="node-exporter-a"}', "25x20"],
      ['node_memory_MemTotal_bytes{namespace="monitoring", pod="node-exporter-a"}', "100x20"],
      [
        'node_filesystem_avail_bytes{namespace="monitoring", pod="node-exporter-a", mountpoint="/", fstype="ext4"}',
        "25x20",
      ],
      [
        'node_filesystem_size_bytes{namespace="monitoring", pod="node-exporter-a", mountpoint="/", fstype="ext4"}',
        "100x20",
      ],
      [
        'node_filesystem_avail_bytes{namespace="monitoring", pod="node-exporter-a", mountpoint="/run", fstype="tmpfs"}',
        "0x20",
      ],
      [
        'node_filesystem_size_bytes{namespace="monitoring", pod="node-exporter-a", mountpoint="/run", fstype="tmpfs"}',
        "100x20",
      ],
    ],
    expected: {
      serviceValues: [
        ['{container="api"}', 1],
        ['{container="proxy"}', 1],
      ],
      nodeValues: [
        ['{node="node-1"}', 1],
        ['{node="node-2"}', 1],
      ],
      desiredTasks: [
        ['{service="api"}', 4],
        ['{service="agent"}', 2],
      ],
      runningTasks: [
        ['{service="api"}', 3],
        ['{service="agent"}', 1],
      ],
      restarts: [['{service="api"}', 15]],
      cpu: [['{service="api"}', 1.5]],
      memory: [['{service="api"}', 100]],
      networkReceive: [['{service="api"}', 3]],
      networkTransmit: [['{service="api"}', 0.5]],
      nodeCpu: [['{node="node-1"}', 0.25]],
      nodeMemory: [['{node="node-1"}', 0.75]],
      nodeDisk: [['{node="node-1"}', 0.75]],
    },
  },
};

/** A `promtool test rules` file: each query of `target`, evaluated after 20 minutes of `scenarios[target]`. */
function queryTests(target: string, queries: DashboardQueries): string {
  const { series, expected } = scenarios[target];
  const tests = (Object.keys(queries) as (keyof DashboardQueries)[]).map((key) => {
    let expr = queries[key];
    if (key.endsWith("Values")) {
      const { selector, label } = labelValues(expr);
      expr = `group by (${label}) (${selector})`;
    } else expr = interpolate(expr);
    return {
      expr,
      eval_time: "20m",
      exp_samples: expected[key].map(([labels, value]) => ({ labels, value })),
    };
  });
  return stringify({
    rule_files: ["rules.yml"],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: series.map(([s, values]) => ({ series: s, values })),
        promql_expr_test: tests,
      },
    ],
  });
}

describe("dashboard queries in Prometheus", () => {
  it("parse, every one of both targets, in Prometheus's own parser", async (t) => {
    if (!(await needPromtool(t))) return;
    const rules = rulesFile();
    assert.equal((parse(rules) as { groups: { rules: unknown[] }[] }).groups[0].rules.length, 2 * 12);
    const out = await promtoolCheckRules(rules);
    assert.match(out, /SUCCESS: 24 rules found/);
  });

  for (const [target, queries] of targets) {
    it(`return what their panels say on a sample ${target} (promtool test rules)`, async (t) => {
      if (!(await needPromtool(t))) return;
      const out = await checkWith(
        "local/prometheus:test",
        "promtool",
        ["test", "rules", "/check/tests.yml"],
        {
          "rules.yml": stringify({ groups: [] }),
          "tests.yml": queryTests(target, queries),
        },
      );
      assert.match(out, /SUCCESS/);
    });
  }
});
