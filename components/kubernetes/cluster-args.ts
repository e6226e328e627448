/** The arguments of `KubernetesCluster`, their defaults, and every check that can be made before anything exists. */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import {
  type AddIssue,
  type ArgumentIssue,
  ComponentArgumentsError,
  isDnsLabel,
  isObject,
  issueCollector,
  show,
  unknownFields,
} from "../arguments";
import type { KubernetesMonitoring } from "../spec/render/kubernetes";

/** How to reach an existing Kubernetes cluster, and where its services go. */
export interface KubernetesClusterArgs {
  /**
   * The content of a kubeconfig file (or a path to one) for the provider the cluster creates; kept as a
   * Pulumi secret. Not together with `provider`.
   * @default the ambient configuration (`$KUBECONFIG` or `~/.kube/config`)
   */
  kubeconfig?: pulumi.Input<string>;
  /**
   * A provider to create every object with, instead of one the cluster creates.
   * @default none
   */
  provider?: k8s.Provider;
  /**
   * The kubeconfig context the created provider uses.
   * @default the kubeconfig's current context
   */
  context?: string;
  /**
   * The namespace every service of the cluster runs in.
   * @default one per stack, `<project>-<stack>` made a DNS label (lower case, at most 63 characters)
   */
  namespace?: string;
  /**
   * Whether the cluster creates the namespace, labelled `app.kubernetes.io/managed-by: berth` and with the
   * project and stack; `false` uses one that already exists.
   * @default true
   */
  createNamespace?: boolean;
  /**
   * How the cluster's Prometheus finds services with `metrics`: `discovery` (`"annotations"`,
   * `"podMonitor"` for the Prometheus Operator, `"podMonitoring"` for Google Cloud Managed Service for
   * Prometheus, whose CRDs the cluster must have) and `scraperNamespace`, the namespace the scraper runs
   * in, which each service's NetworkPolicy admits to the metrics port.
   * @default `{ discovery: "annotations" }`, metrics reachable from the service's peers only
   */
  monitoring?: KubernetesMonitoring;
}

/** One problem with `KubernetesCluster`'s arguments, at a path such as `namespace`. */
export type KubernetesClusterIssue = ArgumentIssue;

/**
 * `KubernetesCluster`'s arguments are wrong; `issues` lists every problem, and nothing was created.
 * Pulumi reports it against the component, named in the message.
 */
export class KubernetesClusterError extends ComponentArgumentsError {
  constructor(resourceName: string, issues: KubernetesClusterIssue[], resource?: pulumi.Resource) {
    super("KubernetesCluster", resourceName, issues, resource);
    this.name = "KubernetesClusterError";
  }
}

/** Namespaces every cluster has: a cluster must not claim to own them. */
const builtInNamespaces = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

/** `value` as a DNS label: lower case letters, digits and `-`, at most 63, starting and ending alphanumeric. */
export function asDnsLabel(value: string, fallback = "berth"): string {
  const label = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63)
    .replace(/^-+|-+$/g, "");
  return label || fallback;
}

/** `value` as a Kubernetes label value: at most 63 letters, digits, `-`, `_` or `.`, alphanumeric at both ends. */
export function asLabelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** The namespace of a stack's services when none is given: `<project>-<stack>` as a DNS label. */
export function defaultNamespace(project: string, stack: string): string {
  return asDnsLabel(`${project}-${stack}`);
}

const discoveries = ["annotations", "podMonitor", "podMonitoring"];

/** Every problem with a cluster's `monitoring`. */
export function monitoringIssues(monitoring: KubernetesMonitoring | undefined, add: AddIssue): void {
  if (monitoring === undefined) return;
  if (!isObject(monitoring)) return add("monitoring", "must be { discovery?, scraperNamespace? }");
  unknownFields(monitoring, ["discovery", "scraperNamespace"], "monitoring.", add);
  if (monitoring.discovery !== undefined && !discoveries.includes(String(monitoring.discovery)))
    add(
      "monitoring.discovery",
      `must be one of ${discoveries.map(show).join(", ")}, not ${show(monitoring.discovery)}`,
    );
  const ns = monitoring.scraperNamespace;
  if (ns !== undefined && (typeof ns !== "string" || !isDnsLabel(ns)))
    add("monitoring.scraperNamespace", `${show(ns)} is not a namespace name (a DNS label)`);
}

/** Every problem with `args`, found without creating anything. */
export function kubernetesClusterIssues(args: KubernetesClusterArgs): KubernetesClusterIssue[] {
  const { issues, add } = issueCollector();
  monitoringIssues(args.monitoring, add);
  if (args.provider !== undefined && args.kubeconfig !== undefined) {
    add("kubeconfig", "give either kubeconfig or provider, not both: the provider has its own kubeconfig");
  }
  if (args.provider !== undefined && args.context !== undefined) {
    add("context", "is a setting of the provider the cluster creates; set it on the given provider instead");
  }
  if (args.provider !== undefined && !isKubernetesProvider(args.provider)) {
    add("provider", "must be a @pulumi/kubernetes Provider (new k8s.Provider(...))");
  }
  if (typeof args.kubeconfig === "string" && args.kubeconfig.trim() === "") {
    add("kubeconfig", "is empty; give a kubeconfig's content or path, or leave it out for the ambient one");
  }
  if (args.context !== undefined && (typeof args.context !== "string" || args.context === "")) {
    add("context", "must be the name of a context of the kubeconfig");
  }
  if (args.namespace !== undefined) {
    if (!isDnsLabel(args.namespace)) {
      add(
        "namespace",
        `${JSON.stringify(args.namespace)} is not a DNS label: at most 63 lower case letters, digits or "-", starting and ending with a letter or digit`,
      );
    } else if (builtInNamespaces.has(args.namespace) && args.createNamespace !== false) {
      add("namespace", `${args.namespace} exists on every cluster; set createNamespace: false to use it`);
    }
  }
  if (args.createNamespace !== undefined && typeof args.createNamespace !== "boolean") {
    add("createNamespace", "must be true or false");
  }
  return issues;
}

function isKubernetesProvider(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { __pulumiType?: unknown }).__pulumiType === "pulumi:providers:kubernetes"
  );
}
