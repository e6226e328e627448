/**
 * Whether NetworkPolicies let one pod connect to another, as the Kubernetes NetworkPolicy API defines
 * it: a pod selected by no policy of a direction is open in that direction; one selected by any is
 * closed except for what some rule of one of them admits (policies add up). The connection needs the
 * source's egress and the destination's ingress. Peers by IP block are not modelled (they admit nothing
 * here).
 */
import type { LabelSelector } from "kubernetes-types/meta/v1";
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "kubernetes-types/networking/v1";

/** A pod: its namespace and its labels. */
export interface PolicyPod {
  namespace: string;
  labels: Record<string, string>;
}

/** Namespaces' labels by name; each also carries `kubernetes.io/metadata.name`, as the API server sets. */
export type NamespaceLabels = Record<string, Record<string, string>>;

/** A NetworkPolicy placed in its namespace. */
export type PlacedPolicy = NetworkPolicy & { metadata: { namespace: string } };

/** Whether a label selector selects `labels` (an empty selector selects everything). */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const matchLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const expressions = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case "In":
        return has && (e.values ?? []).includes(labels[e.key]);
      case "NotIn":
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
  return matchLabels && expressions;
}

function namespaceLabels(namespaces: NamespaceLabels, name: string): Record<string, string> {
  return { ...namespaces[name], "kubernetes.io/metadata.name": name };
}

function peerMatches(
  peer: NetworkPolicyPeer,
  pod: PolicyPod,
  policyNamespace: string,
  namespaces: NamespaceLabels,
): boolean {
  if (peer.ipBlock) return false;
  const inNamespace = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(namespaces, pod.namespace))
    : pod.namespace === policyNamespace;
  return inNamespace && (peer.podSelector ? selects(peer.podSelector, pod.labels) : true);
}

function portMatches(ports: NetworkPolicyPort[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? "TCP") === protocol && (p.port === undefined || p.port === port));
}

function typesOf(policy: NetworkPolicy): string[] {
  return policy.spec?.policyTypes ?? (policy.spec?.egress ? ["Ingress", "Egress"] : ["Ingress"]);
}

function open(
  policies: PlacedPolicy[],
  direction: "Ingress" | "Egress",
  self: PolicyPod,
  other: PolicyPod,
  port: number,
  protocol: string,
  namespaces: NamespaceLabels,
): boolean {
  const applying = policies.filter(
    (p) =>
      p.metadata.namespace === self.namespace &&
      typesOf(p).includes(direction) &&
      selects(p.spec?.podSelector ?? {}, self.labels),
  );
  if (applying.length === 0) return true;
  return applying.some((p) => {
    const rules = direction === "Ingress" ? (p.spec?.ingress ?? []) : (p.spec?.egress ?? []);
    return rules.some((rule) => {
      const peers = "from" in rule ? rule.from : "to" in rule ? rule.to : undefined;
      const fromOk =
        !peers ||
        peers.length === 0 ||
        peers.some((peer) => peerMatches(peer, other, self.namespace, namespaces));
      return fromOk && portMatches(rule.ports, port, protocol);
    });
  });
}

/** Whether `from` may open a connection to `to` on `port`, under every policy of the cluster. */
export function connectionAdmitted(
  policies: PlacedPolicy[],
  namespaces: NamespaceLabels,
  from: PolicyPod,
  to: PolicyPod,
  port: number,
  protocol: "TCP" | "UDP" = "TCP",
): boolean {
  return (
    open(policies, "Egress", from, to, port, protocol, namespaces) &&
    open(policies, "Ingress", to, from, port, protocol, namespaces)
  );
}
