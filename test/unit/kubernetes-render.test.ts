import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DaemonSet, Deployment } from "kubernetes-types/apps/v1";
import type { Job } from "kubernetes-types/batch/v1";
import type { Container, Secret, Service } from "kubernetes-types/core/v1";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2";
import type { Ingress } from "kubernetes-types/networking/v1";
import {
  normalizeService,
  renderKubernetes,
  SpecError,
  type KubernetesObject,
  type ServiceInput,
  type SpecIssue,
} from "../../components/spec";

const render = (input: ServiceInput, name = "svc", onIgnored?: (i: SpecIssue) => void) =>
  renderKubernetes(normalizeService(name, input), { onIgnored });
const kinds = (objects: KubernetesObject[]) => objects.map((o) => `${o.kind}/${o.metadata?.name}`);
const find = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string, name?: string) =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata?.name === name)) as T;
const container = (objects: KubernetesObject[]): Container =>
  (objects[0] as Deployment).spec?.template.spec?.containers[0] as Container;

function refusals(input: ServiceInput): SpecIssue[] {
  try {
    render(input);
  } catch (err) {
    assert.ok(err instanceof SpecError);
    return err.issues;
  }
  return assert.fail("expected a refusal");
}

describe("renderKubernetes", () => {
  it("web: Deployment, ClusterIP and LoadBalancer Services, PodDisruptionBudget", () => {
    const objects = render({ image: "nginx", ports: [{ target: 80, published: 8080 }], replicas: 3 }, "web");
    assert.deepEqual(kinds(objects), [
      "Deployment/web",
      "Service/web",
      "Service/web-public",
      "PodDisruptionBudget/web",
    ]);
    const deployment = objects[0] as Deployment;
    assert.equal(deployment.apiVersion, "apps/v1");
    assert.equal(deployment.spec?.replicas, 3);
    assert.deepEqual(deployment.spec?.selector.matchLabels, { "app.kubernetes.io/name": "web" });
    assert.deepEqual(deployment.spec?.strategy, {
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    assert.equal(deployment.spec?.minReadySeconds, 5);
    assert.equal(deployment.metadata?.annotations?.["berth.dev/update-failure-action"], "rollback");
    const publicService = find<Service>(objects, "Service", "web-public");
    assert.equal(publicService.spec?.type, "LoadBalancer");
    assert.deepEqual(publicService.spec?.ports, [
      { name: "tcp-80", port: 8080, targetPort: 80, protocol: "TCP" },
    ]);
    assert.equal(find<Service>(objects, "Service", "web").spec?.type, undefined);
  });

  it("stop-first updates and parallelism 0 map onto maxUnavailable", () => {
    const stop = render({
      image: "a",
      update: { order: "stop-first", parallelism: 2, delay: "10s", monitor: "20s" },
    })[0] as Deployment;
    assert.deepEqual(stop.spec?.strategy?.rollingUpdate, { maxSurge: 0, maxUnavailable: 2 });
    assert.equal(stop.spec?.minReadySeconds, 30);
    const all = render({ image: "a", update: { parallelism: 0 } })[0] as Deployment;
    assert.deepEqual(all.spec?.strategy?.rollingUpdate, { maxSurge: "100%", maxUnavailable: 0 });
  });

  it("probes from every health-check form", () => {
    const exec = container(
      render({
        image: "a",
        healthCheck: { command: ["CMD", "pg_isready", "-q"], interval: "15s", timeout: "500ms", retries: 4 },
      }),
    );
    assert.deepEqual(exec.readinessProbe, {
      exec: { command: ["pg_isready", "-q"] },
      periodSeconds: 15,
      timeoutSeconds: 1,
      failureThreshold: 4,
    });
    assert.deepEqual(exec.livenessProbe, exec.readinessProbe);
    assert.equal(exec.startupProbe, undefined);
    const shell = container(render({ image: "a", healthCheck: { command: "curl -f localhost" } }));
    assert.deepEqual(shell.readinessProbe?.exec?.command, ["sh", "-c", "curl -f localhost"]);
    const http = container(
      render({
        image: "a",
        healthCheck: { http: { path: "/up", port: 8080 }, interval: "10s", startPeriod: "30s" },
      }),
    );
    assert.deepEqual(http.readinessProbe?.httpGet, { path: "/up", port: 8080 });
    assert.equal(http.startupProbe?.failureThreshold, 3 + 3);
    assert.deepEqual(
      container(render({ image: "a", healthCheck: { tcp: { port: 5432 } } })).livenessProbe?.tcpSocket,
      { port: 5432 },
    );
    const none = container(render({ image: "a", healthCheck: { command: ["NONE"] } }));
    assert.equal(none.readinessProbe, undefined);
  });

  it("resources, security context, env from a Secret, command and args", () => {
    const objects = render({
      image: "a",
      entrypoint: ["/app"],
      command: ["serve"],
      env: { MODE: "prod" },
      secretEnv: { TOKEN: "t0k" },
      resources: { cpu: "500m", memory: "512Mi", reservations: { cpu: 0.25, memory: "256Mi" } },
      capAdd: ["NET_ADMIN"],
      capDrop: ["ALL"],
      readOnlyRootFilesystem: true,
      user: "1000:2000",
    });
    const c = container(objects);
    assert.deepEqual(c.command, ["/app"]);
    assert.deepEqual(c.args, ["serve"]);
    assert.deepEqual(c.resources, {
      limits: { cpu: "500m", memory: "512Mi" },
      requests: { cpu: "250m", memory: "256Mi" },
    });
    assert.deepEqual(c.securityContext, {
      readOnlyRootFilesystem: true,
      capabilities: { add: ["NET_ADMIN"], drop: ["ALL"] },
      runAsUser: 1000,
      runAsGroup: 2000,
    });
    assert.deepEqual(c.env, [
      { name: "MODE", value: "prod" },
      { name: "TOKEN", valueFrom: { secretKeyRef: { name: "svc-env", key: "TOKEN" } } },
    ]);
    const secret = find<Secret>(objects, "Secret", "svc-env");
    assert.deepEqual(secret.stringData, { TOKEN: "t0k" });
  });

  it("volumes, secret and config files", () => {
    const objects = render({
      image: "a",
      volumes: [
        { type: "volume", source: "data", target: "/data" },
        { type: "bind", source: "/var/log", target: "/host-log", readOnly: true },
        { type: "tmpfs", target: "/cache" },
      ],
      secrets: [{ source: "db-pass" }],
      configs: [{ source: "app.conf", target: "/etc/app.conf", mode: 0o440 }],
    });
    const pod = (objects[0] as Deployment).spec?.template.spec;
    assert.deepEqual(pod?.volumes, [
      { name: "volume-0", persistentVolumeClaim: { claimName: "data" } },
      { name: "volume-1", hostPath: { path: "/var/log" } },
      { name: "volume-2", emptyDir: { medium: "Memory" } },
      { name: "secret-0", secret: { secretName: "db-pass", defaultMode: 0o444 } },
      { name: "config-0", configMap: { name: "app.conf", defaultMode: 0o440 } },
    ]);
    assert.deepEqual(pod?.containers[0].volumeMounts?.slice(3), [
      { name: "secret-0", mountPath: "/run/secrets/db-pass", subPath: "value", readOnly: true },
      { name: "config-0", mountPath: "/etc/app.conf", subPath: "value", readOnly: true },
    ]);
  });

  it("placement: node affinity, one pod per node, topology spread", () => {
    const pod = (
      render({
        image: "a",
        placement: {
          constraints: ["node.labels.zone==a", "node.labels.disk!=hdd", "node.platform.arch==x86_64"],
          maxPerNode: 1,
          spread: "node.labels.zone",
        },
      })[0] as Deployment
    ).spec?.template.spec;
    assert.deepEqual(
      pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]
        .matchExpressions,
      [
        { key: "zone", operator: "In", values: ["a"] },
        { key: "disk", operator: "NotIn", values: ["hdd"] },
        { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      ],
    );
    assert.equal(
      pod?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0].topologyKey,
      "kubernetes.io/hostname",
    );
    assert.deepEqual(pod?.topologySpreadConstraints?.[0].topologyKey, "zone");
  });

  it("global -> DaemonSet with hostPort; dnsrr -> headless Service", () => {
    const objects = render({
      image: "agent",
      mode: "global",
      endpointMode: "dnsrr",
      ports: [{ target: 9100, public: true, publishMode: "host" }],
    });
    assert.deepEqual(kinds(objects), ["DaemonSet/svc", "Service/svc"]);
    assert.equal((objects[0] as DaemonSet).spec?.updateStrategy?.type, "RollingUpdate");
    assert.deepEqual(container(objects).ports, [{ containerPort: 9100, protocol: "TCP", hostPort: 9100 }]);
    assert.equal(find<Service>(objects, "Service").spec?.clusterIP, "None");
  });

  it("job -> Job with completions, parallelism, backoff and restart policy", () => {
    const job = render({
      image: "migrate",
      mode: "job",
      replicas: 2,
      restart: { condition: "none", maxAttempts: 3 },
    })[0] as Job;
    assert.equal(job.kind, "Job");
    assert.equal(job.spec?.completions, 2);
    assert.equal(job.spec?.parallelism, 2);
    assert.equal(job.spec?.backoffLimit, 3);
    assert.equal(job.spec?.template.spec?.restartPolicy, "Never");
  });

  it("autoscale -> HPA and no fixed replica count; HTTP ports -> Ingress with TLS", () => {
    const objects = render({
      image: "a",
      resources: { reservations: { cpu: "100m", memory: "64Mi" } },
      autoscale: { min: 2, max: 10, cpuPercent: 70, memoryPercent: 80 },
      ports: [{ target: 8080, public: true, http: { host: "app.example.com", path: "/api", tls: true } }],
    });
    assert.equal((objects[0] as Deployment).spec?.replicas, undefined);
    const hpa = find<HorizontalPodAutoscaler>(objects, "HorizontalPodAutoscaler");
    assert.equal(hpa.apiVersion, "autoscaling/v2");
    assert.deepEqual([hpa.spec?.minReplicas, hpa.spec?.maxReplicas], [2, 10]);
    assert.deepEqual(
      hpa.spec?.metrics?.map((m) => [m.resource?.name, m.resource?.target.averageUtilization]),
      [
        ["cpu", 70],
        ["memory", 80],
      ],
    );
    const ingress = find<Ingress>(objects, "Ingress");
    assert.deepEqual(ingress.spec?.rules?.[0], {
      host: "app.example.com",
      http: {
        paths: [
          { path: "/api", pathType: "Prefix", backend: { service: { name: "svc", port: { number: 8080 } } } },
        ],
      },
    });
    assert.deepEqual(ingress.spec?.tls, [{ hosts: ["app.example.com"], secretName: "svc-tls" }]);
    assert.equal(
      find(objects, "Service", "svc-public"),
      undefined,
      "HTTP-routed ports need no load balancer of their own",
    );
    assert.ok(find(objects, "PodDisruptionBudget"), "min 2 replicas gets a disruption budget");
  });

  it("no PodDisruptionBudget for a single replica", () => {
    assert.deepEqual(kinds(render({ image: "a" })), ["Deployment/svc"]);
  });

  it("refuses, all together, what Kubernetes cannot honour", () => {
    const issues = refusals({
      image: "a",
      logging: { driver: "syslog" },
      networks: ["back"],
      restart: { condition: "on-failure", delay: "1s", window: "1m", maxAttempts: 2 },
      update: { failureAction: "continue", maxFailureRatio: 0.5 },
      labels: { "bad label": "x" },
      user: "www-data",
      placement: { constraints: ["node.role==worker"], maxPerNode: 2 },
      autoscale: { min: 1, max: 2 },
    });
    assert.deepEqual(issues.map((i) => i.path).sort(), [
      "autoscale.cpuPercent",
      "labels.bad label",
      "logging",
      "networks",
      "placement.constraints[0]",
      "placement.maxPerNode",
      "restart.condition",
      "restart.delay",
      "restart.maxAttempts",
      "restart.window",
      "update.failureAction",
      "update.maxFailureRatio",
      "user",
    ]);
    for (const issue of issues) assert.match(issue.message, /^is not supported on kubernetes; /);
    assert.match(issues.find((i) => i.path === "user")?.message ?? "", /numeric ids only/);
  });

  it("refuses scaling on requests and points at cpuPercent", () => {
    const issues = refusals({
      image: "a",
      ports: [{ target: 80, public: true, http: { path: "/" } }],
      resources: { reservations: { cpu: 0.5 } },
      autoscale: { min: 1, max: 4, cpuPercent: 70, requestsPerTarget: 300 },
    });
    assert.deepEqual(
      issues.map((i) => i.path),
      ["autoscale.requestsPerTarget"],
    );
    assert.match(issues[0].message, /^is not supported on kubernetes; .*custom metrics adapter.*cpuPercent/);
  });

  it("drops ignorable fields with a notice", () => {
    const ignored: string[] = [];
    const objects = render(
      {
        image: "a",
        networks: ["back"],
        logging: { driver: "syslog" },
        ignoreUnsupported: ["networks", "logging"],
      },
      "svc",
      (i) => ignored.push(i.path),
    );
    assert.deepEqual(ignored, ["logging", "networks"]);
    assert.equal(objects[0].kind, "Deployment");
  });
});
