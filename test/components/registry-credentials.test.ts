/**
 * `credentialsFor` under mocks: a Harbor robot account's (or given) credentials, consumed by every
 * cluster kind as `registryAuth` (Swarm's X-Registry-Auth, a Kubernetes dockerconfigjson pull Secret,
 * ECS repositoryCredentials in Secrets Manager), secret in state everywhere.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DeploymentSpec } from "kubernetes-types/apps/v1";
import * as pulumi from "@pulumi/pulumi";
import { ContainerService } from "../../components/service";
import type { ServiceCluster } from "../../components/cluster";
import { HarborRobotAccount } from "../../components/registry/harbor";
import { credentialsFor, registryHost } from "../../components/registry/credentials";
import { LocalSwarm } from "../../components/swarm";
import { KubernetesCluster } from "../../components/kubernetes";
import { type MockedResource, runProgram, type ProgramRun } from "../support/harness";
import { kubernetesMockDynamic, kubernetesMockResource, kubernetesTypes } from "../support/kubernetes-mocks";
import { awsMockResource, awsTypes } from "../support/aws-mocks";
import { TestEcsCluster } from "../support/ecs-stand-in";
import { plainHolders } from "../support/state-queries";

const robotType = "pulumi-nodejs:dynamic/berth/harbor:HarborRobotAccount";
const robotName = "robot$apps+pull";
const robotSecret = "robot-secret-5521-zz";
const harborUrl = "https://harbor.example.com:8443/";
const server = "harbor.example.com:8443";

/** A resource of a provider the test engine mocks, holding what it is given. */
class Holder extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs) {
    super("berthtest:index:Holder", name, props);
  }
}

/** A stand-in for EcsCluster: a component that hands its context to deployEcsWorkload. */
/** The robot as Harbor would answer it; swarm mode and rollouts as their mocks do; the rest for real. */
function mockDynamic(resource: MockedResource): Record<string, unknown> | undefined {
  if (resource.type === robotType)
    return { robotId: 3, fullName: robotName, secret: robotSecret, expiresAt: -1 };
  if (resource.type.endsWith(":SwarmMode"))
    return { swarmId: "swarm-1", nodeId: "node-1", initialized: false };
  if (resource.type.startsWith("pulumi-nodejs:dynamic/berth/swarm:")) return {};
  return kubernetesMockDynamic(resource);
}

/** A service on `cluster` that pulls with a robot's credentials. */
function robotPulling(cluster: () => ServiceCluster) {
  return runProgram(
    () => {
      const connection = { url: harborUrl, username: "admin", password: "admin-pw" };
      const robot = new HarborRobotAccount("pull", {
        connection,
        project: "apps",
        access: [{ resource: "repository", action: "pull" }],
      });
      const auth = credentialsFor({ robot, harbor: connection });
      new ContainerService("api", { cluster: cluster(), image: `${server}/apps/api:1`, registryAuth: auth });
      return { auth };
    },
    {
      mockDynamic,
      mockResource: (r) => ({ ...kubernetesMockResource(r), ...awsMockResource(r) }),
    },
  );
}

function assertSecretEverywhere(run: ProgramRun) {
  assert.deepEqual(plainHolders(run, robotSecret), [], "the robot's secret is in no plain input");
  assert.deepEqual(run.outputs.auth, { server, username: robotName, password: robotSecret });
}

describe("credentialsFor (under mocks)", () => {
  it("turns a URL into the registry host and leaves a host as it is", () => {
    assert.equal(registryHost("https://harbor.example.com:8443/"), "harbor.example.com:8443");
    assert.equal(registryHost("http://127.0.0.1:5000"), "127.0.0.1:5000");
    assert.equal(registryHost("registry.example.com"), "registry.example.com");
  });

  it("gives Swarm the robot's credentials as X-Registry-Auth, secret in state", async () => {
    const run = await robotPulling(() => new LocalSwarm("local", { defaultNetwork: { skip: true } }));
    const service = run.byName("api", "pulumi-nodejs:dynamic/berth/swarm:SwarmService");
    assert.deepEqual(service.inputs.registryAuth, {
      serveraddress: server,
      username: robotName,
      password: robotSecret,
    });
    assert.ok(service.secretInputs.includes("registryAuth"));
    assertSecretEverywhere(run);
  });

  it("gives Kubernetes a dockerconfigjson pull Secret named in imagePullSecrets", async () => {
    const run = await robotPulling(() => new KubernetesCluster("k8s", { kubeconfig: "apiVersion: v1\n" }));
    const secret = run.byName("api-registry", kubernetesTypes.secret);
    assert.equal(secret.inputs.type, "kubernetes.io/dockerconfigjson");
    const config = JSON.parse((secret.inputs.stringData as Record<string, string>)[".dockerconfigjson"]);
    assert.deepEqual(config.auths[server], {
      username: robotName,
      password: robotSecret,
      auth: Buffer.from(`${robotName}:${robotSecret}`).toString("base64"),
    });
    const deployment = run.byName("api", kubernetesTypes.deployment);
    const pod = (deployment.inputs.spec as DeploymentSpec).template.spec!;
    assert.deepEqual(pod.imagePullSecrets, [{ name: (secret.inputs.metadata as { name: string }).name }]);
    assertSecretEverywhere(run);
  });

  it("gives ECS repositoryCredentials in Secrets Manager", async () => {
    const run = await robotPulling(() => new TestEcsCluster("prod"));
    const version = run.byName("api-registry", awsTypes.secretVersion);
    assert.deepEqual(JSON.parse(String(version.inputs.secretString)), {
      username: robotName,
      password: robotSecret,
    });
    assert.ok(version.secretInputs.includes("secretString"));
    const task = run.resources.find((r) => r.type === awsTypes.taskDefinition);
    const containers = JSON.parse(String(task?.inputs.containerDefinitions));
    assert.match(containers[0].repositoryCredentials.credentialsParameter, /secret:api-registry/);
    assertSecretEverywhere(run);
  });

  it("keeps given credentials secret even when they were given plain", async () => {
    const run = await runProgram(() => {
      const auth = credentialsFor({ server: "http://127.0.0.1:5000", username: "ci", password: "plain-pw" });
      new Holder("holder", { auth });
      return { auth };
    });
    assert.deepEqual(run.outputs.auth, { server: "127.0.0.1:5000", username: "ci", password: "plain-pw" });
    assert.deepEqual(run.byName("holder").secretInputs, ["auth"]);
  });
});
