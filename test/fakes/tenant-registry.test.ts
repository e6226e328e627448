/**
 * Tenants with a registry, through the test engine and Pulumi's own dynamic-provider host: Harbor
 * resources run against the contract-checked Harbor fake and GitLab's against the GitLab fake, while the
 * Kubernetes cluster is mocked. Each tenant gets its Harbor project with its storage quota, a pull and a
 * push robot and its owners as members; its services pull with the pull robot (or, with GitLab, a
 * read-only deploy token); robot secrets stay secret in state; destroy removes what was made.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { Deployment } from "kubernetes-types/apps/v1";
import { ContainerService } from "../../components";
import { KubernetesCluster } from "../../components/kubernetes";
import { Tenant, type TenantArgs, TenantArgumentsError } from "../../components/tenant";
import { type HarborFake, startHarborFake } from "../support/harbor-fake";
import { type GitLabFake, startGitLabFake } from "../support/gitlab-fake";
import { type ProgramRun, type RecordedResource, runProgram } from "../support/harness";
import { assertNowherePlain } from "../support/state-queries";
import {
  kubernetesMockDynamic,
  kubernetesMockResource,
  kubernetesTypes as t,
} from "../support/kubernetes-mocks";

let harbor: HarborFake;
let gitlab: GitLabFake;
const harborServer = "harbor.example.com";
const gib = 1024 ** 3;
type TenantOptions = Omit<TenantArgs, "cluster">;

function deploy(
  tenants: Record<string, TenantOptions>,
  options: { preview?: boolean } = {},
): Promise<ProgramRun> {
  return runProgram(
    () => {
      const cluster = new KubernetesCluster("prod", { kubeconfig: "kubeconfig-content", namespace: "shop" });
      return Object.fromEntries(
        Object.entries(tenants).map(([name, args]) => {
          const tenant = new Tenant(name, { cluster, ...args });
          new ContainerService(`${name}-api`, { cluster: tenant, image: `${harborServer}/${name}/api:1` });
          const push = tenant.pushCredentials;
          return [
            name,
            {
              project: tenant.registryProject,
              push,
              pushIsSecret: push && pulumi.output(pulumi.isSecret(push)),
            },
          ];
        }),
      );
    },
    {
      mockResource: kubernetesMockResource,
      mockDynamic: kubernetesMockDynamic,
      project: "tenants",
      stack: "registry",
      ...options,
    },
  );
}

const metadataOf = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace?: string };

/** The registry credentials the tenant's service pulls with: its pod's pull Secret, decoded. */
function pulledWith(
  run: ProgramRun,
  service: string,
): { username: string; password: string; server: string } {
  const deployment = run.byName(service, t.deployment);
  const pod = (deployment.inputs.spec as Deployment["spec"])!.template.spec!;
  const [pullSecret] = pod.imagePullSecrets ?? [];
  const secret = run.resources.find(
    (r) =>
      r.type === t.secret &&
      metadataOf(r).name === pullSecret?.name &&
      metadataOf(r).namespace === metadataOf(deployment).namespace,
  );
  assert.ok(secret, `${service}'s pull Secret is in its namespace`);
  assert.ok(secret.secretInputs.includes("stringData"), "its content is secret in state");
  const config = JSON.parse((secret.inputs.stringData as Record<string, string>)[".dockerconfigjson"]);
  const [[server, auth]] = Object.entries(
    config.auths as Record<string, { username: string; password: string }>,
  );
  return { server, username: auth.username, password: auth.password };
}

/** The custom resources of the run (the test engine records no secret outputs of components). */
const custom = (run: ProgramRun) => run.resources.filter((r) => r.custom);

describe("Tenant registries through Pulumi's dynamic-provider host, on the Harbor and GitLab fakes", () => {
  before(async () => {
    harbor = await startHarborFake();
    harbor.addUser("alice");
    gitlab = await startGitLabFake();
    gitlab.addProject("payments/images");
  });
  after(async () => {
    await harbor.close();
    await gitlab.close();
  });
  afterEach(() => {
    assert.deepEqual(harbor.violations.splice(0), [], "requests and responses keep Harbor's contract");
    assert.deepEqual(gitlab.violations.splice(0), [], "requests keep GitLab's contract");
  });

  it("gives each tenant its Harbor project, quota, robots and members, and its services pull with its pull robot", async () => {
    const registry = { harbor: { connection: harbor.connection, server: harborServer } };
    const tenants: Record<string, TenantOptions> = {
      payments: {
        owners: [
          { kind: "user", name: "alice" },
          { kind: "group", name: "payments-devs", role: "edit" },
          { kind: "group", name: "auditors", role: "view" },
        ],
        quota: { storage: "20Gi" },
        registry,
      },
      search: {
        owners: [{ kind: "group", name: "search-team" }],
        registry: { ...registry, storageQuota: "5Gi", groupType: "oidc" },
      },
    };
    const preview = await deploy(tenants, { preview: true });
    assert.ok(preview.byName("payments-api", t.deployment), "the preview plans the services");
    assert.equal(harbor.state.projects.size, 0, "a preview makes nothing in Harbor");
    const run = await deploy(tenants);
    const projects = [...harbor.state.projects.values()];
    assert.deepEqual(projects.map((p) => p.name).sort(), ["payments", "search"]);
    const projectOf = (name: string) => projects.find((p) => p.name === name)!;
    const quotaOf = (name: string) =>
      [...harbor.state.quotas.values()].find((q) => q.ref.id === projectOf(name).project_id)!.hard.storage;
    assert.equal(quotaOf("payments"), 20 * gib, "the tenant's storage quota");
    assert.equal(quotaOf("search"), 5 * gib, "the registry's own storage quota");

    for (const tenant of ["payments", "search"]) {
      const robots = [...harbor.state.robots.values()].filter((r) => r.name.startsWith(`robot$${tenant}+`));
      const accessOf = (full: string) =>
        robots
          .find((r) => r.name === full)!
          .permissions.flatMap((p) =>
            p.access.map((a) => `${p.kind}:${p.namespace}:${a.resource}:${a.action}`),
          )
          .sort();
      assert.deepEqual(accessOf(`robot$${tenant}+pull`), [`project:${tenant}:repository:pull`]);
      assert.deepEqual(accessOf(`robot$${tenant}+push`), [
        `project:${tenant}:repository:pull`,
        `project:${tenant}:repository:push`,
      ]);
      const puller = robots.find((r) => r.name === `robot$${tenant}+pull`)!;
      assert.deepEqual(
        pulledWith(run, `${tenant}-api`),
        { server: harborServer, username: puller.name, password: puller.secret },
        `${tenant}'s service pulls with its pull robot`,
      );
      const pusher = robots.find((r) => r.name === `robot$${tenant}+push`)!;
      assert.deepEqual(run.outputs[tenant], {
        project: tenant,
        push: { server: harborServer, username: pusher.name, password: pusher.secret },
        pushIsSecret: true,
      });
      for (const robot of robots) assertNowherePlain(custom(run), robot.secret);
    }

    const membersOf = (name: string) =>
      [...harbor.state.members.values()]
        .filter((m) => m.project_id === projectOf(name).project_id && m.entity_name !== "admin")
        .map((m) => [m.entity_type, m.entity_name, m.role_id])
        .sort();
    // Harbor's role IDs: 1 project admin, 2 developer (push and pull), 3 guest (pull).
    assert.deepEqual(membersOf("payments"), [
      ["g", "auditors", 3],
      ["g", "payments-devs", 2],
      ["u", "alice", 1],
    ]);
    assert.deepEqual(membersOf("search"), [["g", "search-team", 1]]);
    const groupType = (name: string) =>
      [...harbor.state.groups.values()].find((g) => g.group_name === name)!.group_type;
    assert.equal(groupType("payments-devs"), 2, "an HTTP group by default");
    assert.equal(groupType("search-team"), 3, "an OIDC group when asked");

    await run.destroy();
    assert.deepEqual(
      [...harbor.state.projects.values()].map((p) => p.name),
      [],
      "destroy removes the tenants' projects",
    );
    assert.deepEqual([...harbor.state.robots.values()], []);
  });

  it("with GitLab, pulls with a deploy token that may only read the registry", async () => {
    const run = await deploy({
      payments: { registry: { gitlab: gitlab.connection, project: "payments/images" } },
    });
    const project = [...gitlab.state.projects.values()].find(
      (p) => p.path_with_namespace === "payments/images",
    )!;
    const tokens = [...gitlab.state.deployTokens.values()].filter((d) => d.project_id === project.id);
    assert.equal(tokens.length, 1);
    assert.deepEqual(tokens[0].scopes, ["read_registry"]);
    assert.deepEqual(pulledWith(run, "payments-api"), {
      server: gitlab.registryHost,
      username: tokens[0].username,
      password: tokens[0].token,
    });
    assert.equal(run.outputs.payments && (run.outputs.payments as { push?: unknown }).push, undefined);
    assertNowherePlain(custom(run), tokens[0].token);
    await run.destroy();
    const left = gitlab.state.deployTokens.get(tokens[0].id);
    assert.ok(!left || left.revoked, "destroy revokes the deploy token");
  });

  it("pulls with the tenant's own credentials when it gives them, and still makes its project", async () => {
    const run = await deploy({
      ledger: {
        registry: { harbor: { connection: harbor.connection, server: harborServer } },
        registryAuth: { server: harborServer, username: "robot$ledger+legacy", password: "legacy-pw" },
      },
    });
    assert.equal(pulledWith(run, "ledger-api").username, "robot$ledger+legacy");
    assert.ok([...harbor.state.projects.values()].some((p) => p.name === "ledger"));
    await run.destroy();
  });

  it("refuses a wrong registry before any request", async () => {
    const before = harbor.requests.length;
    let caught: unknown;
    await runProgram(
      () => {
        const cluster = new KubernetesCluster("prod", { kubeconfig: "k", namespace: "shop" });
        try {
          new Tenant("payments", {
            cluster,
            owners: [
              { kind: "user", name: "alice" },
              { kind: "user", name: "alice", role: "view" },
            ],
            registry: {
              harbor: { connection: harbor.connection, server: harborServer },
              storageQuota: "lots",
              groupType: "ldap",
            } as never,
          });
        } catch (err) {
          caught = err;
        }
      },
      { mockResource: kubernetesMockResource, preview: true },
    );
    assert.ok(caught instanceof TenantArgumentsError, String(caught));
    assert.deepEqual(caught.issues.map((i) => i.path).sort(), [
      "owners[1]",
      "registry.groupType",
      "registry.storageQuota",
    ]);
    assert.equal(harbor.requests.length, before, "no request reached Harbor");
  });
});
