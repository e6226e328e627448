import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ContainerService, type ServiceCluster } from "../../components";
import { ComposeStack } from "../../components/compose";
import { EcsCluster } from "../../components/ecs";
import { GkeCluster, KubernetesCluster } from "../../components/kubernetes";
import { LocalSwarm, SwarmCluster } from "../../components/swarm";
import { BerthMocks, type MockedResource, mockedPlaceholder } from "../../components/testing";
import { ArgoCd, GitOpsApplication, GitOpsProject, HelmRelease } from "../../components/kubernetes";
import { Logging, Monitoring } from "../../components/observability";
import { Tenant } from "../../components/tenant";

type Registered = { type: string; name: string; inputs: Record<string, unknown> };

/**
 * Runs `program` under `mocks` as a user's unit test does, and resolves once `until` holds for what was
 * registered. A crash inside Berth surfaces as an unhandled rejection: it fails the run with that error.
 */
async function underMocks(
  mocks: pulumi.runtime.Mocks,
  registered: Registered[],
  program: () => void,
  until: (registered: Registered[]) => boolean,
): Promise<void> {
  const failures: unknown[] = [];
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);
  try {
    await pulumi.runtime.setMocks(mocks, "shop", "dev", false);
    program();
    const deadline = Date.now() + 20_000;
    while (!until(registered) && failures.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    // Give anything still serializing a moment to fail.
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  if (failures.length > 0) throw failures[0];
  assert.ok(
    until(registered),
    `not registered in time: ${registered.map((r) => `${r.type} ${r.name}`).join(", ")}`,
  );
}

/** The mock most users write: a resource's state is its inputs, a call answers its inputs. */
function plainMocks(): { mocks: pulumi.runtime.Mocks; registered: Registered[] } {
  const registered: Registered[] = [];
  return {
    registered,
    mocks: {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
  };
}

/** One service with everything that needs a computed value: secret variables and files, a config file. */
function service(cluster: ServiceCluster, files = true) {
  return new ContainerService("api", {
    cluster,
    image: "nginx:1.27",
    ports: [{ target: 80 }],
    secretEnv: { TOKEN: pulumi.secret("t0ken") },
    ...(files && {
      secrets: [{ source: "key", data: pulumi.secret("k3y") }],
      configs: [{ source: "app.conf", target: "/etc/app.conf", data: "x=1" }],
    }),
  });
}

const has = (type: string, name: string) => (r: Registered[]) =>
  r.some((x) => x.type === type && x.name === name);
const kubeconfig = "apiVersion: v1\nkind: Config\n";

describe("a program under a user's plain mocks (state = inputs)", () => {
  it("runs a Kubernetes service with secrets: the Secret is named under a placeholder salt", async () => {
    const { mocks, registered } = plainMocks();
    await underMocks(
      mocks,
      registered,
      () => service(new KubernetesCluster("prod", { kubeconfig })),
      has("kubernetes:apps/v1:Deployment", "api"),
    );
    const secret = registered.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "api-env");
    const name = (secret?.inputs.metadata as { name?: string } | undefined)?.name;
    assert.match(name ?? "", /^api-env-[0-9a-f]{10}$/);
  });

  it("runs a service and a Compose stack on GKE", async () => {
    const { mocks, registered } = plainMocks();
    await underMocks(
      mocks,
      registered,
      () => {
        const cluster = new GkeCluster("gke", {
          project: "my-project-1",
          region: "europe-west1",
          authorizedNetworks: [{ cidr: "10.0.0.0/8" }],
        });
        service(cluster);
        new ComposeStack("shop", {
          cluster,
          project: { workingDir: "/", content: "services:\n  db:\n    image: postgres:16\n" },
        });
      },
      (r) =>
        has("kubernetes:apps/v1:Deployment", "api")(r) && has("kubernetes:apps/v1:Deployment", "shop-db")(r),
    );
  });

  it("runs an ECS service with secret variables: zones and parameter ARNs are placeholders", async () => {
    const { mocks, registered } = plainMocks();
    await underMocks(
      mocks,
      registered,
      () => service(new EcsCluster("prod", {}), false),
      has("aws:ecs/taskDefinition:TaskDefinition", "api"),
    );
    const task = registered.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
    const [container] = JSON.parse(String(task?.inputs.containerDefinitions)) as {
      secrets: { name: string; valueFrom: string }[];
    }[];
    assert.deepEqual(container.secrets, [{ name: "TOKEN", valueFrom: mockedPlaceholder("parameter-arn") }]);
    const subnet = registered.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.name === "prod-private-0");
    assert.equal(subnet?.inputs.availabilityZone, mockedPlaceholder("zone-0"));
  });

  it("runs a Swarm service and a Compose stack on the local engine", async () => {
    const { mocks, registered } = plainMocks();
    const type = "pulumi-nodejs:dynamic/berth/swarm:SwarmService";
    await underMocks(
      mocks,
      registered,
      () => {
        const cluster = new LocalSwarm("local", {});
        service(cluster);
        new ComposeStack("shop", {
          cluster,
          project: { workingDir: "/", content: "services:\n  db:\n    image: postgres:16\n" },
        });
      },
      (r) => has(type, "api")(r) && r.some((x) => x.type === type && x.name !== "api"),
    );
  });

  it("runs a service with metrics on GKE: its PodMonitoring is registered", async () => {
    const { mocks, registered } = plainMocks();
    await underMocks(
      mocks,
      registered,
      () =>
        new ContainerService("api", {
          cluster: new GkeCluster("gke", {
            project: "my-project-1",
            region: "europe-west1",
            authorizedNetworks: [{ cidr: "10.0.0.0/8" }],
          }),
          image: "nginx:1.27",
          metrics: { port: 9100 },
        }),
      has("kubernetes:monitoring.googleapis.com/v1:PodMonitoring", "api"),
    );
  });

  it("runs Swarm clusters reached through @pulumi/docker providers, with a log driver and metrics", async () => {
    const { mocks, registered } = plainMocks();
    const type = "pulumi-nodejs:dynamic/berth/swarm:SwarmService";
    await underMocks(
      mocks,
      registered,
      () => {
        const local = new LocalSwarm("local", {
          connection: new docker.Provider("engine", { host: "unix:///var/run/docker.sock" }),
          logging: { driver: "local" },
        });
        new ContainerService("api", { cluster: local, image: "nginx:1.27", metrics: { port: 9100 } });
        const remote = new docker.Provider("m1-engine", {
          host: "tcp://10.0.0.5:2376",
          caMaterial: "CA",
          certMaterial: "CERT",
          keyMaterial: "KEY",
        });
        const fleet = new SwarmCluster("fleet", {
          nodes: [{ name: "m1", role: "manager", docker: { provider: remote } }],
        });
        new ContainerService("web", { cluster: fleet, image: "nginx:1.27" });
      },
      (r) => has(type, "api")(r) && has(type, "web")(r),
    );
    const api = registered.find((r) => r.type === type && r.name === "api");
    const spec = api?.inputs.spec as { TaskTemplate: { LogDriver: unknown }; Labels: Record<string, string> };
    assert.deepEqual(spec.TaskTemplate.LogDriver, { Name: "local", Options: {} });
    assert.equal(spec.Labels["prometheus.io/port"], "9100");
  });
});

describe("day-two components under a user's plain mocks (state = inputs)", () => {
  const registeredNames = (registered: Registered[], type: string) =>
    registered.filter((r) => r.type === type).map((r) => r.name);

  it("runs Monitoring, Logging, a Tenant, a HelmRelease and Argo CD with a project and an application on Kubernetes", async () => {
    const { mocks, registered } = plainMocks();
    const application = "kubernetes:argoproj.io/v1alpha1:Application";
    const release = "kubernetes:helm.sh/v3:Release";
    await underMocks(
      mocks,
      registered,
      () => {
        const cluster = new KubernetesCluster("prod", {
          kubeconfig,
          monitoring: { scraperNamespace: "monitoring" },
        });
        new Monitoring("mon", {
          cluster,
          receivers: { webhooks: ["https://hooks.example.com/a"] },
        });
        new Logging("logs", { cluster, sink: { kind: "loki", url: "https://loki.example.com" } });
        const team = new Tenant("payments", { cluster, quota: { pods: 20 } });
        service(team);
        new HelmRelease("ingress", {
          cluster,
          chart: "ingress-nginx",
          repository: "https://kubernetes.github.io/ingress-nginx",
          version: "4.11.3",
        });
        const argo = new ArgoCd("argo", { cluster });
        const project = new GitOpsProject("shop", {
          argoCd: argo,
          repositories: [
            {
              url: "https://git.example.com/shop/deploy.git",
              credentials: { username: "ci", token: pulumi.secret("t") },
            },
          ],
          destinations: [{ namespace: "shop" }],
        });
        new GitOpsApplication("web", {
          project,
          source: {
            repoUrl: "https://git.example.com/shop/deploy.git",
            targetRevision: "v1.0.0",
            path: "web",
          },
          destination: { namespace: "shop" },
        });
      },
      (r) =>
        has(application, "web-application")(r) &&
        has(release, "argo-argo-cd")(r) &&
        has(release, "ingress")(r) &&
        has("kubernetes:apps/v1:Deployment", "api")(r) &&
        r.some((x) => x.type === release && x.name.startsWith("mon")) &&
        has("kubernetes:apps/v1:DaemonSet", "logs-fluent-bit")(r) &&
        has("pulumi-nodejs:dynamic/berth/kubernetes:HelmReleaseWatch", "argo-argo-cd-watch")(r),
    );
    // The admin password is a placeholder under these mocks: Argo CD still gets a bcrypt hash of it.
    // Secret inputs reach a mock wrapped, as the engine's wire format carries them.
    const given = registered.find((r) => r.type === release && r.name === "argo-argo-cd")?.inputs.values as {
      value?: unknown;
    };
    const argoValues = (given?.value ?? given) as {
      configs: { secret: { argocdServerAdminPassword: string } };
    };
    assert.match(argoValues.configs.secret.argocdServerAdminPassword, /^\$2b\$10\$/);
    assert.deepEqual(
      registeredNames(registered, "pulumi-nodejs:dynamic/berth/kubernetes:HelmReleaseWatch").sort(),
      ["argo-argo-cd-watch", "ingress-watch", "mon-kube-prometheus-stack-watch"],
    );
  });

  it("runs Monitoring, Logging and a Tenant on the local swarm", async () => {
    const { mocks, registered } = plainMocks();
    const type = "pulumi-nodejs:dynamic/berth/swarm:SwarmService";
    await underMocks(
      mocks,
      registered,
      () => {
        const cluster = new LocalSwarm("local", {});
        new Monitoring("mon", { cluster });
        new Logging("logs", { cluster, sink: { kind: "stdout" } });
        const team = new Tenant("payments", { cluster });
        new ContainerService("payments-api", {
          cluster: team,
          image: "nginx:1.27",
          resources: { cpu: 0.5, memory: "128Mi" },
        });
      },
      (r) =>
        ["mon-prometheus", "mon-alertmanager", "mon-node-exporter", "logs-fluent-bit", "payments-api"].every(
          (n) => r.some((x) => x.type === type && x.name.endsWith(n)),
        ),
    );
  });
});

describe("BerthMocks", () => {
  it("answers what Berth's providers compute, and finds the objects of a service on each target", async () => {
    const mocks = new BerthMocks();
    const registered: Registered[] = mocks.resources;
    await underMocks(
      mocks,
      registered,
      () => {
        service(new KubernetesCluster("k8s", { kubeconfig }));
        service(new EcsCluster("ecs", {}), false);
      },
      (r) =>
        has("kubernetes:apps/v1:Deployment", "api")(r) &&
        has("aws:ecs/taskDefinition:TaskDefinition", "api")(r),
    );
    const salt = mocks.resourcesOf("pulumi-nodejs:dynamic/berth/random:RandomSalt")[0];
    assert.match(String(salt.state.salt), /^[0-9a-f]{64}$/);
    assert.equal(
      mocks.resourcesOf("pulumi-nodejs:dynamic/berth/kubernetes:KubernetesRollout")[0].state.revision,
      1,
    );

    const kinds = mocks.kubernetesObjects("api").map((r: MockedResource) => r.type);
    assert.ok(kinds.includes("kubernetes:apps/v1:Deployment"), kinds.join(", "));
    assert.ok(kinds.includes("kubernetes:core/v1:Service"), kinds.join(", "));

    const [container] = mocks.ecsContainerDefinitions("api");
    const [secret] = container.secrets as { valueFrom: string }[];
    assert.match(secret.valueFrom, /^arn:aws:ssm:us-east-1:123456789012:parameter\//);
  });

  it("lets the user's own mocks answer first and fills in only what they left out", async () => {
    const mocks = new BerthMocks({
      newResource: (args) => ({
        id: `${args.name}-custom`,
        state: args.type.endsWith(":RandomSalt") ? { ...args.inputs, salt: "chosen" } : args.inputs,
      }),
      call: (args) => (args.token === "aws:index/getRegion:getRegion" ? { name: "eu-north-1" } : args.inputs),
    });
    await underMocks(
      mocks,
      mocks.resources,
      () => service(new LocalSwarm("local", {})),
      has("pulumi-nodejs:dynamic/berth/swarm:SwarmService", "api"),
    );
    const [swarmService] = mocks.resourcesOf("pulumi-nodejs:dynamic/berth/swarm:SwarmService");
    assert.equal(swarmService.id, "api-custom");
    assert.equal(swarmService.state.version, 1);
    assert.match(String(swarmService.state.swarmId), /^mocked-swarm-/);
    assert.equal(
      (mocks.swarmServiceSpec("api").TaskTemplate as { ContainerSpec: { Image: string } }).ContainerSpec
        .Image,
      "nginx:1.27",
    );
    assert.deepEqual(await mocks.call({ token: "aws:index/getRegion:getRegion", inputs: {}, provider: "" }), {
      name: "eu-north-1",
      region: "us-east-1",
      id: "us-east-1",
    });
  });
});
