import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DaemonSet, Deployment } from "kubernetes-types/apps/v1";
import type { Job } from "kubernetes-types/batch/v1";
import type { Container, Secret, Service, ServiceAccount } from "kubernetes-types/core/v1";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2";
import type { Ingress, NetworkPolicy } from "kubernetes-types/networking/v1";
import {
  normalizeService,
  renderKubernetes,
  SpecError,
  type KubernetesObject,
  type ServiceInput,
  type SpecIssue,
} from "../../components/spec";
import type { KubernetesRenderOptions } from "../../components/spec/render/kubernetes";
import { assertValidKubernetesObjects } from "../support/kubernetes-schema";

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
      "ServiceAccount/web",
      "NetworkPolicy/web",
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

  it("restricts the LoadBalancer Service to the public ports' sourceRanges", () => {
    const ranges = ["203.0.113.0/24", "2001:db8::/32"];
    const objects = render(
      {
        image: "nginx",
        ports: [
          { target: 80, published: 8080, sourceRanges: ranges },
          { target: 53, published: 53, protocol: "udp", sourceRanges: ranges },
        ],
      },
      "web",
    );
    assertValidKubernetesObjects(objects);
    assert.deepEqual(find<Service>(objects, "Service", "web-public").spec?.loadBalancerSourceRanges, ranges);
    const open = render({ image: "nginx", ports: [{ target: 80, published: 8080 }] }, "web");
    assert.equal(find<Service>(open, "Service", "web-public").spec?.loadBalancerSourceRanges, undefined);
  });

  it("refuses sourceRanges it cannot honour: on an Ingress, a host port, or unlike on one LoadBalancer", () => {
    const office = ["203.0.113.0/24"];
    assert.deepEqual(
      refusals({
        image: "a",
        ports: [
          { target: 80, public: true, http: { path: "/" }, sourceRanges: office },
          { target: 81, published: 81, publishMode: "host", sourceRanges: office },
          { target: 82, published: 82, sourceRanges: office },
          { target: 83, published: 83 },
        ],
      }).map((i) => [i.path, i.message.replace(/;.*/, "")]),
      [
        ["ports[3].sourceRanges", "is not supported on kubernetes"],
        ["ports[0].sourceRanges", "is not supported on kubernetes"],
        ["ports[1].sourceRanges", "is not supported on kubernetes"],
      ],
    );
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
      allowPrivilegeEscalation: false,
      seccompProfile: { type: "RuntimeDefault" },
      capabilities: { add: ["NET_ADMIN"], drop: ["ALL"] },
      runAsUser: 1000,
      runAsNonRoot: true,
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
    assert.deepEqual(kinds(objects), [
      "DaemonSet/svc",
      "Service/svc",
      "ServiceAccount/svc",
      "NetworkPolicy/svc",
    ]);
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
    assert.deepEqual(kinds(render({ image: "a" })), [
      "Deployment/svc",
      "ServiceAccount/svc",
      "NetworkPolicy/svc",
    ]);
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

describe("renderKubernetes: secure defaults, identity, network policy and object names", () => {
  const withOptions = (input: ServiceInput, options: KubernetesRenderOptions, name = "svc") =>
    renderKubernetes(normalizeService(name, input), options);

  it("containers never escalate privileges, use RuntimeDefault seccomp, and run as non-root for a numeric user", () => {
    const unset = container(render({ image: "a" }));
    assert.deepEqual(unset.securityContext, {
      readOnlyRootFilesystem: false,
      allowPrivilegeEscalation: false,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const root = container(render({ image: "a", user: "0" }));
    assert.equal(root.securityContext?.runAsUser, 0);
    assert.equal(root.securityContext?.runAsNonRoot, undefined, "uid 0 is root: no runAsNonRoot");
    assert.equal(container(render({ image: "a", user: "10001" })).securityContext?.runAsNonRoot, true);
  });

  it("a capability that grants privileges lifts allowPrivilegeEscalation: false", () => {
    for (const cap of ["SYS_ADMIN", "CAP_SYS_ADMIN", "ALL"]) {
      const c = container(render({ image: "a", capAdd: [cap] }));
      assert.equal(c.securityContext?.allowPrivilegeEscalation, undefined, cap);
      assert.deepEqual(c.securityContext?.seccompProfile, { type: "RuntimeDefault" });
    }
    assert.deepEqual(
      container(render({ image: "a", capAdd: ["NET_BIND_SERVICE"] })).securityContext?.capabilities,
      {
        add: ["NET_BIND_SERVICE"],
      },
    );
  });

  it("pods run as the service's own ServiceAccount, which mounts no API token", () => {
    for (const mode of ["replicated", "global", "job"] as const) {
      const objects = render({ image: "a", mode }, "api");
      const account = find<ServiceAccount>(objects, "ServiceAccount", "api");
      assert.equal(account.automountServiceAccountToken, false, mode);
      assert.equal((objects[0] as Deployment).spec?.template.spec?.serviceAccountName, "api", mode);
    }
  });

  it("NetworkPolicy: the stack's pods reach every declared port, anyone reaches public ports", () => {
    const objects = withOptions(
      {
        image: "a",
        ports: [
          { target: 8080 },
          { target: 9000, published: 443 },
          { target: 53, protocol: "udp" },
          { target: 3000, public: true, http: { host: "x.example.com" } },
        ],
      },
      { partOf: "shop-prod" },
      "api",
    );
    const policy = find<NetworkPolicy>(objects, "NetworkPolicy", "api");
    assert.deepEqual(policy.spec, {
      podSelector: { matchLabels: { "app.kubernetes.io/name": "api" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { "app.kubernetes.io/part-of": "shop-prod" } } }],
          ports: [
            { port: 8080, protocol: "TCP" },
            { port: 9000, protocol: "TCP" },
            { port: 53, protocol: "UDP" },
            { port: 3000, protocol: "TCP" },
          ],
        },
        {
          ports: [
            { port: 9000, protocol: "TCP" },
            { port: 3000, protocol: "TCP" },
          ],
        },
      ],
    });
    const podLabels = (objects[0] as Deployment).spec?.template.metadata?.labels;
    assert.equal(podLabels?.["app.kubernetes.io/part-of"], "shop-prod", "the stack's pods carry the label");
    assert.deepEqual((objects[0] as Deployment).spec?.selector.matchLabels, {
      "app.kubernetes.io/name": "api",
    });
  });

  it("NetworkPolicy with peerAccess any-port: the stack's pods reach every port, ports declared or not", () => {
    for (const ports of [[], [{ target: 5432 }]]) {
      const objects = withOptions(
        { image: "db", ports },
        { partOf: "shop-prod", peerAccess: "any-port" },
        "db",
      );
      assert.deepEqual(find<NetworkPolicy>(objects, "NetworkPolicy", "db").spec?.ingress, [
        { from: [{ podSelector: { matchLabels: { "app.kubernetes.io/part-of": "shop-prod" } } }] },
      ]);
    }
  });

  it("NetworkPolicy: no ports admit nothing; without a stack, the namespace's pods are the peers", () => {
    const closed = find<NetworkPolicy>(render({ image: "a" }), "NetworkPolicy");
    assert.deepEqual(closed.spec, {
      podSelector: { matchLabels: { "app.kubernetes.io/name": "svc" } },
      policyTypes: ["Ingress"],
    });
    const internal = find<NetworkPolicy>(render({ image: "a", ports: [{ target: 80 }] }), "NetworkPolicy");
    assert.deepEqual(internal.spec?.ingress, [
      { from: [{ podSelector: {} }], ports: [{ port: 80, protocol: "TCP" }] },
    ]);
  });

  it("refers to the Secrets and ConfigMaps by the names the workload gave them", () => {
    const objects = withOptions(
      {
        image: "a",
        secretEnv: { TOKEN: "" },
        secrets: [{ source: "db-pass" }, { source: "existing" }],
        configs: [{ source: "app.conf" }],
      },
      {
        objectNames: {
          secretEnv: "svc-env-0123456789",
          secrets: { "db-pass": "svc-db-pass-abcdef0123" },
          configs: { "app.conf": "svc-app.conf-9876543210" },
          imagePullSecret: "svc-registry-5555555555",
        },
      },
    );
    const pod = (objects[0] as Deployment).spec?.template.spec;
    assert.deepEqual(pod?.imagePullSecrets, [{ name: "svc-registry-5555555555" }]);
    assert.deepEqual(
      pod?.volumes?.map((v) => v.secret?.secretName ?? v.configMap?.name),
      ["svc-db-pass-abcdef0123", "existing", "svc-app.conf-9876543210"],
    );
    assert.deepEqual(pod?.containers[0].env, [
      { name: "TOKEN", valueFrom: { secretKeyRef: { name: "svc-env-0123456789", key: "TOKEN" } } },
    ]);
    assert.ok(find<Secret>(objects, "Secret", "svc-env-0123456789"));
  });

  it("every object is valid Kubernetes, strictly", async () => {
    const services: Record<string, ServiceInput> = {
      web: {
        image: "nginx",
        user: "101:101",
        ports: [{ target: 80, published: 8080 }, { target: 9113 }],
        replicas: 3,
        healthCheck: { http: { path: "/", port: 80 }, startPeriod: "30s" },
        secretEnv: { TOKEN: "x" },
        secrets: [{ source: "tls-key" }],
        configs: [{ source: "nginx.conf", target: "/etc/nginx/nginx.conf" }],
        capDrop: ["ALL"],
        capAdd: ["NET_BIND_SERVICE"],
      },
      app: {
        image: "app",
        resources: { reservations: { cpu: "100m" } },
        autoscale: { min: 2, max: 5, cpuPercent: 60 },
        ports: [{ target: 3000, public: true, http: { host: "app.example.com", tls: true } }],
        placement: { constraints: ["node.labels.zone==a"], maxPerNode: 1, spread: "node.labels.zone" },
      },
      agent: {
        image: "agent",
        mode: "global",
        endpointMode: "dnsrr",
        ports: [{ target: 9100, public: true, publishMode: "host" }],
      },
      migrate: {
        image: "migrate",
        mode: "job",
        restart: { condition: "none", maxAttempts: 2 },
        capAdd: ["SYS_ADMIN"],
      },
    };
    const objects = Object.entries(services).flatMap(([name, input]) =>
      withOptions(
        input,
        {
          partOf: "shop-prod",
          objectNames: {
            secretEnv: `${name}-env-0a1b2c3d4e`,
            imagePullSecret: `${name}-registry-0a1b2c3d4e`,
          },
        },
        name,
      ),
    );
    assert.deepEqual([...new Set(objects.map((o) => o.kind))].sort(), [
      "DaemonSet",
      "Deployment",
      "HorizontalPodAutoscaler",
      "Ingress",
      "Job",
      "NetworkPolicy",
      "PodDisruptionBudget",
      "Secret",
      "Service",
      "ServiceAccount",
    ]);
    await assertValidKubernetesObjects(objects);
  });
});
