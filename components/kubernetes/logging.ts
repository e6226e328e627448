/** The log agent of a Kubernetes cluster: Fluent Bit as a DaemonSet, one pod per node. */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DaemonSetSpec } from "kubernetes-types/apps/v1";
import type { PolicyRule } from "kubernetes-types/rbac/v1";
import type { LoggingDeployment, LoggingRequest } from "../observability-contract";
import { fluentBitAgent } from "../observability/fluent-bit-agent";
import {
  agentMemoryBytes,
  fluentBitConfigPath,
  fluentBitHttpPort,
  fluentBitStateDir,
  type LogSource,
} from "../observability/fluent-bit-config";
import { LoggingArgumentsError } from "../observability/logging-args";
import { fileContentKey } from "../spec/render/kubernetes-pod";
import { formatMemory } from "../spec/units";
import { isDnsLabel } from "../../provider/shared/dns-label";
import type { KubernetesClusterContext } from "./context";
import { configFiles, type ObjectFactory, secretEnvSecret } from "./files";

/** The agent's container in its pods: what its own log files are named after. */
export const agentContainerName = "fluent-bit";

/** What the kubernetes filter reads of the API: the pods (and their namespaces) whose lines it enriches. */
export const agentRules: PolicyRule[] = [
  { apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] },
];

/** Where each node keeps the agent's read positions and buffer, across pods. */
export const hostStateDir = (namespace: string, name: string) =>
  `/var/lib/berth-logging/${namespace}/${name}`;

/**
 * The DaemonSet's pod: root, because the node's log files are root's (read-only mounts, no capability
 * kept, no privilege escalation, a read-only root file system); it writes only its state directory on
 * the node, so that a replaced pod resumes where the last one stopped.
 */
function daemonSetSpec(p: {
  labels: Record<string, string>;
  serviceAccount: string;
  image: string;
  configMap: string;
  secret?: string;
  variables: string[];
  stateDir: string;
  bufferBytes: number;
}): DaemonSetSpec {
  const configDir = fluentBitConfigPath.slice(0, fluentBitConfigPath.lastIndexOf("/"));
  const configFile = fluentBitConfigPath.slice(configDir.length + 1);
  return {
    selector: { matchLabels: p.labels },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
    template: {
      metadata: { labels: p.labels },
      spec: {
        serviceAccountName: p.serviceAccount,
        automountServiceAccountToken: true,
        // Every node, tainted ones included: their containers log too.
        tolerations: [{ operator: "Exists" }],
        nodeSelector: { "kubernetes.io/os": "linux" },
        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
        terminationGracePeriodSeconds: 30,
        containers: [
          {
            name: agentContainerName,
            image: p.image,
            args: ["-c", fluentBitConfigPath],
            env: p.variables.map((name) => ({
              name,
              valueFrom: { secretKeyRef: { name: p.secret as string, key: name } },
            })),
            ports: [{ name: "http", containerPort: fluentBitHttpPort, protocol: "TCP" }],
            // Fluent Bit's API answers while the process runs; its health endpoint would fail while the
            // sink is down, and a restart would not bring the sink back.
            livenessProbe: {
              httpGet: { path: "/", port: "http" },
              initialDelaySeconds: 10,
              periodSeconds: 30,
            },
            resources: {
              requests: { cpu: "50m", memory: "64Mi" },
              limits: { cpu: "1", memory: formatMemory(agentMemoryBytes(p.bufferBytes)) },
            },
            securityContext: {
              runAsUser: 0,
              runAsNonRoot: false,
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
              privileged: false,
              capabilities: { drop: ["ALL"] },
            },
            volumeMounts: [
              { name: "varlog", mountPath: "/var/log", readOnly: true },
              { name: "config", mountPath: configDir, readOnly: true },
              { name: "state", mountPath: fluentBitStateDir },
            ],
          },
        ],
        volumes: [
          { name: "varlog", hostPath: { path: "/var/log", type: "Directory" } },
          {
            name: "config",
            configMap: { name: p.configMap, items: [{ key: fileContentKey, path: configFile }] },
          },
          { name: "state", hostPath: { path: p.stateDir, type: "DirectoryOrCreate" } },
        ],
      },
    },
  };
}

/**
 * Deploys the log agent on every node of a Kubernetes cluster, in the cluster's namespace: a
 * ServiceAccount with a ClusterRole to read pods and namespaces (the kubernetes filter's metadata), the
 * configuration in a ConfigMap and the sink's credentials in a Secret (both named by their content, so
 * that a change rolls the pods), and a DaemonSet whose pods read the nodes' `/var/log` read-only.
 *
 * @throws {@link LoggingArgumentsError} when `name` cannot name the agent's objects.
 */
export function deployKubernetesLogging(
  name: string,
  request: LoggingRequest,
  parent: pulumi.ComponentResource,
  context: KubernetesClusterContext,
): LoggingDeployment {
  const base = `${name}-fluent-bit`;
  if (!isDnsLabel(base) || base.length > 52)
    throw new LoggingArgumentsError(name, [
      {
        path: "name",
        message: `must be a DNS label of at most 40 characters (lower case letters, digits and -): the agent's objects are named ${base}`,
      },
    ]);
  const sdk = require("@pulumi/kubernetes") as typeof k8s;
  const opts: pulumi.CustomResourceOptions = { parent, provider: context.provider };
  const { namespace } = context;
  const labels = {
    "app.kubernetes.io/name": agentContainerName,
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/component": "logging",
    "app.kubernetes.io/part-of": context.partOf,
    "app.kubernetes.io/managed-by": "berth",
  };
  // The agent's own lines are left out: reading them would feed its errors back to the sink.
  const source = namespace.apply((ns): LogSource => ({
    kind: "kubernetes",
    exclude: [`/var/log/containers/*_${ns}_${agentContainerName}-*.log`],
  }));
  const agent = fluentBitAgent(request, source, { httpServer: true });
  const config = agent.config;

  const serviceAccount = new sdk.core.v1.ServiceAccount(
    base,
    { metadata: { name: base, namespace, labels }, automountServiceAccountToken: true },
    opts,
  );
  // Cluster-wide objects: named after the namespace too, so that two stacks' agents never share one.
  const clusterName = namespace.apply((ns) => `${ns}-${base}`);
  const role = new sdk.rbac.v1.ClusterRole(
    base,
    { metadata: { name: clusterName, labels }, rules: agentRules },
    opts,
  );
  const binding = new sdk.rbac.v1.ClusterRoleBinding(
    base,
    {
      metadata: { name: clusterName, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace }],
    },
    opts,
  );
  const f: ObjectFactory = {
    sdk,
    name: base,
    serviceName: base,
    namespace,
    salt: context.salt,
    labels,
    opts,
  };
  const configMap = configFiles(f, [{ source: "fluent-bit.yaml", data: config }]).get("fluent-bit.yaml");
  const variables = Object.keys(agent.environment);
  const secret = variables.length > 0 ? secretEnvSecret(f, agent.environment) : undefined;
  new sdk.apps.v1.DaemonSet(
    base,
    {
      metadata: { name: base, namespace, labels },
      spec: pulumi
        .all([configMap?.objectName, secret?.objectName, namespace])
        .apply(([configMapName, secretName, ns]) =>
          daemonSetSpec({
            labels: { "app.kubernetes.io/name": agentContainerName, "app.kubernetes.io/instance": name },
            serviceAccount: base,
            image: request.image,
            configMap: configMapName as string,
            secret: secretName,
            variables,
            stateDir: hostStateDir(ns, name),
            bufferBytes: request.bufferBytes,
          }),
        ) as pulumi.Output<k8s.types.input.apps.v1.DaemonSetSpec>,
    },
    { ...opts, dependsOn: [serviceAccount, binding] },
  );
  return { agentConfig: config, image: request.image };
}
