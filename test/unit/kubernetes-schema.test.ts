import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { normalizeService, renderKubernetes, type ServiceInput } from "../../components/spec";
import type { KubernetesRenderOptions } from "../../components/spec/render/kubernetes";
import { assertValidKubernetesObjects, kubernetesObjectProblems } from "../support/kubernetes-schema";

/** A small valid Deployment; `container` and `extra` are merged into its container and its root. */
function deployment(container: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { "app.kubernetes.io/name": "web" } },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": "web" } },
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "web" } },
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx",
              ports: [{ containerPort: 80, protocol: "TCP" }],
              resources: { limits: { cpu: "500m", memory: 1048576 } },
              readinessProbe: { httpGet: { path: "/", port: "http" } },
              ...container,
            },
          ],
        },
      },
    },
    ...extra,
  };
}

describe("kubernetesObjectProblems", () => {
  it("accepts a valid object, with free-form map keys, quantities and int-or-string ports", async () => {
    const object = deployment({ env: [{ name: "A", value: "1" }] });
    const labels: Record<string, string> = object.metadata.labels;
    labels["tier-typo.exmaple.com/nmae"] = "x";
    assert.deepEqual(await kubernetesObjectProblems(object), []);
    assert.deepEqual(
      await kubernetesObjectProblems({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web", annotations: { "anything.at/all": "yes" } },
        spec: { selector: { whatever: "web" }, ports: [{ port: 80, targetPort: "http" }] },
      }),
      [],
    );
  });

  it("accepts any content in free-form JSON fields", async () => {
    const object = deployment();
    const metadata: Record<string, unknown> = object.metadata;
    metadata.managedFields = [{ manager: "kubectl", fieldsV1: { "f:spec": { "f:replicas": {} } } }];
    assert.deepEqual(await kubernetesObjectProblems(object), []);
  });

  it("fails an unknown field at any depth, naming where it is", async () => {
    assert.deepEqual(await kubernetesObjectProblems(deployment({ imagePullPolicyy: "Always" })), [
      '/spec/template/spec/containers/0/imagePullPolicyy: unknown field "imagePullPolicyy" (IContainer has no such field)',
    ]);
    const problems = await kubernetesObjectProblems(
      deployment(
        { readinessProbe: { httpGet: { path: "/", port: 80, scheme: "HTTP", hots: "a" } } },
        { status2: {} },
      ),
    );
    assert.deepEqual(
      problems.map((p) => p.split(":")[0]),
      ["/spec/template/spec/containers/0/readinessProbe/httpGet/hots", "/status2"],
    );
    assert.match(
      (
        await kubernetesObjectProblems({
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "s" },
          spec: { data: {} },
        })
      ).join(),
      /^\/spec: unknown field "spec"/,
    );
  });

  it("fails a field of the wrong type", async () => {
    const object = deployment({ ports: [{ containerPort: "80" }] });
    assert.deepEqual(await kubernetesObjectProblems(object), [
      "/spec/template/spec/containers/0/ports/0/containerPort: must be integer",
    ]);
    assert.deepEqual(await kubernetesObjectProblems(deployment({ ports: { containerPort: 80 } })), [
      "/spec/template/spec/containers/0/ports: must be array",
    ]);
  });

  it("fails a missing required field", async () => {
    const object = deployment();
    delete (object.spec as { selector?: unknown }).selector;
    assert.deepEqual(await kubernetesObjectProblems(object), ["/spec: must have required property selector"]);
    assert.deepEqual(
      await kubernetesObjectProblems(deployment({ name: undefined, ports: [{ protocol: "TCP" }] })),
      [
        "/spec/template/spec/containers/0: must have required property name",
        "/spec/template/spec/containers/0/ports/0: must have required property containerPort",
      ],
    );
  });

  it("fails an unknown apiVersion or kind", async () => {
    for (const [apiVersion, kind] of [
      ["apps/v1", "Deploymnet"],
      ["apps/v9", "Deployment"],
      ["v1", "Deployment"],
      ["apps/v1/Deployment", "Deployment"],
      ["apps/v1", "DeploymentSpec"],
    ]) {
      assert.deepEqual(await kubernetesObjectProblems({ ...deployment(), apiVersion, kind }), [
        `unknown apiVersion/kind ${apiVersion}/${kind}`,
      ]);
    }
    assert.deepEqual(await kubernetesObjectProblems({ metadata: { name: "x" } }), [
      "apiVersion and kind must be strings",
    ]);
  });
});

describe("assertValidKubernetesObjects", () => {
  it("lists each invalid object by kind/name with every problem", async () => {
    const bad = deployment({ ports: [{ containerPort: "80" }], tty2: true });
    await assert.rejects(
      assertValidKubernetesObjects([
        deployment(),
        bad,
        { apiVersion: "v1", kind: "Nope", metadata: { name: "n" } },
      ]),
      (err: unknown) => {
        assert.ok(err instanceof assert.AssertionError);
        assert.equal(
          err.message,
          [
            "invalid Kubernetes objects:",
            "Deployment/web:",
            "  /spec/template/spec/containers/0/ports/0/containerPort: must be integer",
            '  /spec/template/spec/containers/0/tty2: unknown field "tty2" (IContainer has no such field)',
            "Nope/n:",
            "  unknown apiVersion/kind v1/Nope",
          ].join("\n"),
        );
        return true;
      },
    );
  });
});

/** Services covering every spec feature the Kubernetes renderer accepts. */
const services: Record<string, ServiceInput> = {
  minimal: { image: "nginx" },
  web: {
    image: "nginx:1.27",
    replicas: 3,
    ports: [
      { target: 80, published: 8080 },
      { target: 443, public: true, http: { host: "app.example.com", path: "/", tls: true } },
      { target: 8081, public: true, http: { path: "/admin" } },
      { target: 9000 },
      { target: 53, protocol: "udp", public: true },
    ],
    labels: { team: "web", "example.com/tier": "front" },
    update: { order: "stop-first", parallelism: 2, delay: "10s", monitor: "20s", failureAction: "pause" },
    stopGracePeriod: "30s",
  },
  "all-at-once": { image: "a", update: { parallelism: 0 } },
  agent: {
    image: "agent",
    mode: "global",
    endpointMode: "dnsrr",
    ports: [{ target: 9100, public: true, publishMode: "host" }],
    volumes: [{ type: "bind", source: "/var/log", target: "/host-log", readOnly: true }],
    placement: { constraints: ["node.platform.os==linux", "node.hostname!=n1"] },
  },
  headless: { image: "a", endpointMode: "dnsrr" },
  migrate: { image: "migrate", mode: "job", replicas: 2, restart: { condition: "none", maxAttempts: 3 } },
  "job-retrying": { image: "migrate", mode: "job" },
  "check-exec": {
    image: "postgres",
    healthCheck: { command: ["CMD", "pg_isready", "-q"], interval: "15s", timeout: "500ms", retries: 4 },
  },
  "check-shell": { image: "a", healthCheck: { command: "curl -f localhost", startPeriod: "1m" } },
  "check-http": { image: "a", healthCheck: { http: { path: "/up", port: 8080 }, startPeriod: "30s" } },
  "check-tcp": { image: "a", healthCheck: { tcp: { port: 5432 } } },
  "check-none": { image: "a", healthCheck: { command: ["NONE"] } },
  api: {
    image: "registry.example.com/team/api@sha256:" + "a".repeat(64),
    entrypoint: ["/app"],
    command: ["serve", "--port", "8080"],
    workingDir: "/srv",
    env: { MODE: "prod", LOG: "info" },
    secretEnv: { TOKEN: "t0k", DB_PASSWORD: "pw" },
    resources: { cpu: "500m", memory: "512Mi", reservations: { cpu: 0.25, memory: "256Mi" } },
    autoscale: { min: 2, max: 10, cpuPercent: 70, memoryPercent: 80 },
    ports: [{ target: 8080, public: true, http: { host: "api.example.com", path: "/api", tls: true } }],
    user: "1000:2000",
    capAdd: ["NET_ADMIN"],
    capDrop: ["ALL"],
    readOnlyRootFilesystem: true,
  },
  "scaled-default": { image: "a", resources: { reservations: { cpu: 1 } }, autoscale: { min: 1, max: 3 } },
  "scaled-memory": {
    image: "a",
    resources: { memory: "1Gi" },
    autoscale: { min: 1, max: 2, memoryPercent: 60 },
  },
  placed: {
    image: "a",
    replicas: 4,
    placement: {
      constraints: ["node.labels.zone==a", "node.labels.disk!=hdd", "node.platform.arch==x86_64"],
      maxPerNode: 1,
      spread: "node.labels.zone",
    },
  },
  files: {
    image: "a",
    user: "1000",
    volumes: [
      { type: "volume", source: "data", target: "/data" },
      { type: "bind", source: "/etc/ssl", target: "/etc/ssl", readOnly: true },
      { type: "tmpfs", target: "/cache" },
    ],
    secrets: [{ source: "db-pass" }, { source: "tls-key", target: "key.pem", mode: 0o400 }],
    configs: [{ source: "app.conf", target: "/etc/app.conf", mode: 0o440 }, { source: "motd" }],
  },
  runtime: {
    image: "a",
    hostname: "runner-1",
    stdinOpen: true,
    tty: true,
    sysctls: { "net.ipv4.tcp_keepalive_time": "600" },
    dns: ["10.0.0.10"],
    dnsSearch: ["svc.example.com"],
    dnsOptions: ["ndots:2"],
    extraHosts: { "db.local": "10.0.0.5" },
    securityOpt: { noNewPrivileges: true, seccomp: "unconfined", appArmor: "unconfined" },
    resources: { reservations: { genericResources: { "nvidia.com/gpu": 1 } } },
    volumes: [
      { type: "volume", target: "/scratch" },
      { type: "tmpfs", target: "/tmp", tmpfs: { size: "64Mi" } },
    ],
  },
  ignoring: {
    image: "a",
    networks: ["back"],
    logging: { driver: "syslog" },
    ignoreUnsupported: ["networks", "logging"],
  },
};

/** What a workload passes when it creates the Secrets and ConfigMaps itself and deploys a stack. */
const stackOptions: KubernetesRenderOptions = {
  partOf: "shop",
  objectNames: {
    secretEnv: "api-env-5f2c1a",
    secrets: { "db-pass": "db-pass-91ab0c", "tls-key": "tls-key-77de21" },
    configs: { "app.conf": "app-conf-0c4e9d" },
    imagePullSecret: "registry-credentials",
  },
};

const rendered = Object.entries(services).flatMap(([name, input]) =>
  [
    { title: name, options: {} },
    { title: `${name} (in a stack)`, options: stackOptions },
  ].map(({ title, options }) => ({
    title,
    objects: renderKubernetes(normalizeService(name, input), { ...options, onIgnored: () => undefined }),
  })),
);

describe("renderKubernetes output is strictly valid Kubernetes", () => {
  it("the table renders every kind of object the renderer makes", () => {
    const kinds = new Set<string | undefined>(rendered.flatMap((r) => r.objects.map((o) => o.kind)));
    const expected = [
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
    ];
    assert.deepEqual(
      expected.filter((k) => !kinds.has(k)),
      [],
    );
  });

  it("the check is strict for every kind rendered: an unknown field at the root and in the spec fails", async () => {
    const firstOfKind = new Map(rendered.flatMap((r) => r.objects).map((o) => [o.kind, o]));
    for (const [kind, object] of [...firstOfKind].reverse()) {
      const problems = await kubernetesObjectProblems({ ...object, extra: 1 });
      assert.deepEqual(problems, [`/extra: unknown field "extra" (I${kind} has no such field)`], kind);
      if ("spec" in object) {
        const withSpecField = { ...object, spec: { ...object.spec, replica: 1 } };
        assert.match(
          (await kubernetesObjectProblems(withSpecField)).join(),
          /^\/spec\/replica: unknown field/,
          kind,
        );
      }
    }
  });

  for (const { title, objects } of rendered) {
    it(`${title}: ${objects.map((o) => o.kind).join(", ")}`, async () => {
      await assertValidKubernetesObjects(objects);
    });
  }
});
