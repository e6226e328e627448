/**
 * What a Kubernetes cluster would answer in component tests: the resource type tokens Berth's
 * Kubernetes components create, and the status the API server reports for them (load balancer and
 * ingress addresses; nothing in previews).
 */
import crypto from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { MockedResource } from "./harness";

/** `@pulumi/kubernetes` type tokens, by a short name. */
export const kubernetesTypes = {
  provider: "pulumi:providers:kubernetes",
  namespace: "kubernetes:core/v1:Namespace",
  deployment: "kubernetes:apps/v1:Deployment",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  job: "kubernetes:batch/v1:Job",
  service: "kubernetes:core/v1:Service",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
} as const;

/** The address a mocked LoadBalancer Service gets. */
export const loadBalancerIp = "203.0.113.10";
/** The address a mocked Ingress gets. */
export const ingressHostname = "ingress-1234.lb.example.net";

/** The `metadata.uid` the mocked API server gives the object `namespace/name` of `type`. */
export function mockUid(type: string, metadata: { name?: string; namespace?: string }): string {
  const hex = crypto
    .createHash("sha256")
    .update(`${type} ${metadata.namespace ?? ""}/${metadata.name ?? ""}`)
    .digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * What the API server adds to an object: its `metadata.uid`, and the status of load-balanced Services
 * and Ingresses.
 */
export function kubernetesMockResource({ type, inputs }: MockedResource): Record<string, unknown> {
  const metadata = inputs.metadata as { name?: string; namespace?: string } | undefined;
  const identity = metadata ? { metadata: { ...metadata, uid: mockUid(type, metadata) } } : {};
  return { ...identity, ...status(type, inputs) };
}

/**
 * Dynamic resources of Berth's Kubernetes components that cannot run without a cluster: a rollout
 * wait reports revision 1. The others (salt, release) run in the provider host for real.
 */
export function kubernetesMockDynamic({ type }: MockedResource): Record<string, unknown> | undefined {
  return type.endsWith(":KubernetesRollout") || type.endsWith(":HelmReleaseWatch")
    ? { revision: 1 }
    : undefined;
}

function status(type: string, inputs: MockedResource["inputs"]): Record<string, unknown> {
  const spec = inputs.spec as { type?: string } | undefined;
  if (type === kubernetesTypes.service && spec?.type === "LoadBalancer") {
    return { status: { loadBalancer: { ingress: [{ ip: loadBalancerIp }] } } };
  }
  if (type === kubernetesTypes.ingress) {
    return { status: { loadBalancer: { ingress: [{ hostname: ingressHostname }] } } };
  }
  return {};
}

/**
 * The options each resource was created with (provider, timeouts, dependencies), by `<type> <name>`:
 * the test engine does not record them. Register `transformation` as a stack transformation.
 */
export class CreationOptions {
  private readonly byKey = new Map<string, pulumi.ResourceOptions>();
  private readonly keys = new Map<pulumi.Resource, string>();
  readonly transformation: pulumi.ResourceTransformation = (a) => {
    const key = `${a.type} ${a.name}`;
    this.byKey.set(key, a.opts);
    this.keys.set(a.resource, key);
    return undefined;
  };

  of(type: string, name: string): pulumi.ResourceOptions {
    const opts = this.byKey.get(`${type} ${name}`);
    if (!opts) throw new Error(`no resource ${type} ${name} was created`);
    return opts;
  }

  /** `<type> <name>` of each resource that `type name` depends on. */
  dependsOn(type: string, name: string): string[] {
    const given = this.of(type, name).dependsOn;
    const list = (Array.isArray(given) ? given : given ? [given] : []) as pulumi.Resource[];
    return list.map((r) => this.keys.get(r) ?? "?").sort();
  }

  /** Every `<type> <name>` registered whose type starts with `prefix`. */
  named(prefix: string): string[] {
    return [...this.byKey.keys()].filter((k) => k.startsWith(prefix));
  }
}
