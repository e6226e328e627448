import type { DashboardQueries } from "./dashboard-queries";
import { prometheusDataSourceUid } from "./grafana-provisioning";

/** The dashboard's `uid`, which its URL keeps: `/d/berth-services`. */
export const berthDashboardUid = "berth-services";

/**
 * The dashboard schema version the model is written in: Grafana 11's, which Grafana 12 migrates
 * forward when it loads the dashboard.
 */
const schemaVersion = 39;

const prometheus = { type: "prometheus", uid: prometheusDataSourceUid };

interface Series {
  expr: string;
  legend: string;
}

interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  series: Series[];
  /** The largest value the axis shows, for shares. */
  max?: number;
}

interface Place {
  x: number;
  y: number;
  w: number;
  h: number;
}

function timeSeriesPanel(id: number, spec: PanelSpec, gridPos: Place): Record<string, unknown> {
  return {
    id,
    type: "timeseries",
    title: spec.title,
    description: spec.description,
    datasource: prometheus,
    gridPos,
    targets: spec.series.map((series, index) => ({
      refId: String.fromCharCode(65 + index),
      datasource: prometheus,
      expr: series.expr,
      legendFormat: series.legend,
      range: true,
      editorMode: "code",
    })),
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        min: 0,
        ...(spec.max !== undefined && { max: spec.max }),
        custom: { drawStyle: "line", lineWidth: 1, fillOpacity: 10, showPoints: "never", spanNulls: false },
      },
      overrides: [],
    },
    options: {
      legend: { displayMode: "list", placement: "bottom", showLegend: true, calcs: [] },
      tooltip: { mode: "multi", sort: "desc" },
    },
  };
}

function row(id: number, title: string, y: number): Record<string, unknown> {
  return { id, type: "row", title, collapsed: false, panels: [], gridPos: { x: 0, y, w: 24, h: 1 } };
}

function queryVariable(name: string, label: string, query: string): Record<string, unknown> {
  return {
    type: "query",
    name,
    label,
    datasource: prometheus,
    query,
    definition: query,
    refresh: 2, // on each change of the time range: services and nodes come and go
    sort: 1,
    multi: true,
    includeAll: true,
    current: { selected: true, text: ["All"], value: ["$__all"] },
    options: [],
  };
}

/**
 * Berth's dashboard as a Grafana dashboard JSON model: for the services chosen (the `service`
 * variable), desired against running tasks, restarts, CPU, memory and network traffic; for the nodes
 * chosen (`node`), the share of CPU, memory and disk in use. Its data source is the Prometheus data
 * source {@link grafanaProvisioning} provisions.
 *
 * @param queries the PromQL of each series, for the target the dashboard shows: `swarmDashboardQueries`
 *   or `kubernetesDashboardQueries`
 */
export function berthDashboard(queries: DashboardQueries): Record<string, unknown> {
  const services: [PanelSpec, Place][] = [
    [
      {
        title: "Tasks: desired and running",
        description: "Tasks each service asks for, and those running and available.",
        unit: "short",
        series: [
          { expr: queries.desiredTasks, legend: "{{service}} desired" },
          { expr: queries.runningTasks, legend: "{{service}} running" },
        ],
      },
      { x: 0, y: 1, w: 12, h: 8 },
    ],
    [
      {
        title: "Restarts in 15 minutes",
        description: "Tasks of each service restarted in the last 15 minutes.",
        unit: "short",
        series: [{ expr: queries.restarts, legend: "{{service}}" }],
      },
      { x: 12, y: 1, w: 12, h: 8 },
    ],
    [
      {
        title: "CPU",
        description: "CPU each service uses, in cores.",
        unit: "short",
        series: [{ expr: queries.cpu, legend: "{{service}}" }],
      },
      { x: 0, y: 9, w: 8, h: 8 },
    ],
    [
      {
        title: "Memory",
        description: "Memory each service uses: its working set.",
        unit: "bytes",
        series: [{ expr: queries.memory, legend: "{{service}}" }],
      },
      { x: 8, y: 9, w: 8, h: 8 },
    ],
    [
      {
        title: "Network",
        description: "Bytes per second each service receives and sends.",
        unit: "Bps",
        series: [
          { expr: queries.networkReceive, legend: "{{service}} received" },
          { expr: queries.networkTransmit, legend: "{{service}} sent" },
        ],
      },
      { x: 16, y: 9, w: 8, h: 8 },
    ],
  ];
  const nodes: [PanelSpec, Place][] = [
    [
      {
        title: "Node CPU",
        description: "The share of each node's CPU in use.",
        unit: "percentunit",
        max: 1,
        series: [{ expr: queries.nodeCpu, legend: "{{node}}" }],
      },
      { x: 0, y: 18, w: 8, h: 8 },
    ],
    [
      {
        title: "Node memory",
        description: "The share of each node's memory in use.",
        unit: "percentunit",
        max: 1,
        series: [{ expr: queries.nodeMemory, legend: "{{node}}" }],
      },
      { x: 8, y: 18, w: 8, h: 8 },
    ],
    [
      {
        title: "Node disk used",
        description: "The share of each node's fullest file system in use.",
        unit: "percentunit",
        max: 1,
        series: [{ expr: queries.nodeDisk, legend: "{{node}}" }],
      },
      { x: 16, y: 18, w: 8, h: 8 },
    ],
  ];
  let id = 0;
  const panels = [
    row(++id, "Services", 0),
    ...services.map(([spec, place]) => timeSeriesPanel(++id, spec, place)),
    row(++id, "Nodes", 17),
    ...nodes.map(([spec, place]) => timeSeriesPanel(++id, spec, place)),
  ];
  return {
    uid: berthDashboardUid,
    title: "Berth services",
    description: "Berth's services and the nodes they run on.",
    tags: ["berth"],
    timezone: "browser",
    editable: false,
    graphTooltip: 1,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    schemaVersion,
    version: 1,
    templating: {
      list: [
        queryVariable("service", "Service", queries.serviceValues),
        queryVariable("node", "Node", queries.nodeValues),
      ],
    },
    annotations: { list: [] },
    panels,
  };
}
