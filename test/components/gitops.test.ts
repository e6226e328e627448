/**
 * Argo CD under mocks: `GitOpsProject` and `GitOpsApplication` checked strictly by Argo CD's own CRDs,
 * their refusals before any resource, and the secret-ness of repository credentials.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  type ArgoCdConnection,
  GitOpsApplication,
  type GitOpsApplicationArgs,
  GitOpsApplicationArgumentsError,
  GitOpsProject,
  type GitOpsProjectArgs,
  GitOpsProjectArgumentsError,
} from "../../components/kubernetes";
import { crdValidator } from "../support/crd-schema";
import { runProgram, type ProgramRun } from "../support/harness";
import { kubernetesMockDynamic, kubernetesMockResource } from "../support/kubernetes-mocks";

const types = {
  project: "kubernetes:argoproj.io/v1alpha1:AppProject",
  application: "kubernetes:argoproj.io/v1alpha1:Application",
  secret: "kubernetes:core/v1:Secret",
} as const;

const validAppProject = crdValidator("argoproj.io_appprojects.yaml", "v1alpha1");
const validApplication = crdValidator("argoproj.io_applications.yaml", "v1alpha1");

const gitUrl = "https://git.example.com/shop/deploy.git";
const sshUrl = "git@git.example.com:shop/config.git";
const chartUrl = "https://charts.example.com/stable";
const token = "glpat-token-3f9a";
const sshKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nkey-5c2e\n-----END OPENSSH PRIVATE KEY-----\n";

/** A hand-made Argo CD connection in namespace `argocd`, watching Applications in `team-apps` too. */
function argoCd(): ArgoCdConnection {
  return {
    namespace: pulumi.output("argocd"),
    provider: new k8s.Provider("argo-cluster", { kubeconfig: "kubeconfig" }),
    applicationNamespaces: ["team-apps"],
    ready: [],
  };
}

type ProjectArgs = Omit<GitOpsProjectArgs, "argoCd">;
const projectArgs: ProjectArgs = {
  description: "the shop team's services",
  repositories: [
    { url: gitUrl, credentials: { username: "deploy", token } },
    { url: sshUrl, credentials: { sshPrivateKey: sshKey } },
    { url: chartUrl, type: "helm" },
  ],
  destinations: [{ namespace: "shop" }, { server: "https://prod.example.com:6443", namespace: "shop" }],
  applicationNamespaces: ["team-apps"],
};

type ApplicationArgs = Omit<GitOpsApplicationArgs, "project">;
const pathApp: ApplicationArgs = {
  source: { repoUrl: gitUrl, targetRevision: "v1.4.0", path: "deploy/prod" },
  destination: { namespace: "shop" },
};
const chartApp: ApplicationArgs = {
  source: {
    repoUrl: chartUrl,
    chart: "redis",
    targetRevision: "19.6.4",
    values: { architecture: "standalone", auth: { enabled: true } },
  },
  destination: { server: "https://prod.example.com:6443", namespace: "shop" },
  namespace: "team-apps",
  sync: { prune: true },
};

function deploy(
  project: ProjectArgs = projectArgs,
  applications: Record<string, ApplicationArgs> = { web: pathApp, cache: chartApp },
): Promise<ProgramRun> {
  return runProgram(
    () => {
      const team = new GitOpsProject("shop", { argoCd: argoCd(), ...project });
      for (const [name, args] of Object.entries(applications))
        new GitOpsApplication(name, { project: team, ...args });
    },
    { mockResource: kubernetesMockResource, mockDynamic: kubernetesMockDynamic },
  );
}

/** What `program` threw, with the resources the run registered. */
async function refusal(program: () => void): Promise<{ error: Error; run: ProgramRun }> {
  let caught: unknown;
  const run = await runProgram(() => {
    try {
      program();
    } catch (err) {
      caught = err;
    }
  });
  assert.ok(caught instanceof Error, `expected a refusal, got ${String(caught)}`);
  return { error: caught, run };
}

const argoResources = (run: ProgramRun) =>
  run.resources.filter(
    (r) => r.type === types.project || r.type === types.application || r.type === types.secret,
  );

describe("GitOpsProject", () => {
  it("is an AppProject Argo CD's CRD accepts, its lists and namespaces given once", async () => {
    const run = await deploy();
    const project = run.byName("shop-project", types.project);
    assert.deepEqual(validAppProject(project.inputs), []);
    const spec = project.inputs.spec as Record<string, unknown>;
    assert.deepEqual(spec.sourceRepos, [gitUrl, sshUrl, chartUrl]);
    assert.deepEqual(spec.destinations, [
      { server: "https://kubernetes.default.svc", namespace: "shop" },
      { server: "https://prod.example.com:6443", namespace: "shop" },
    ]);
    assert.deepEqual(spec.sourceNamespaces, ["team-apps"]);
    assert.deepEqual(spec.clusterResourceWhitelist, []);
    const metadata = project.inputs.metadata as { name: string; namespace: string };
    assert.equal(metadata.name, "shop");
    assert.equal(metadata.namespace, "argocd");
  });

  it("keeps repository credentials as project-scoped repository Secrets, secret", async () => {
    const run = await deploy();
    const secrets = run.resources.filter((r) => r.type === types.secret);
    assert.equal(secrets.length, 2, "one Secret per repository with credentials");
    const byUrl = new Map(
      secrets.map((s) => [(s.inputs.stringData as Record<string, string>).url, s] as const),
    );
    const https = byUrl.get(gitUrl);
    const ssh = byUrl.get(sshUrl);
    assert.ok(https && ssh);
    for (const s of [https, ssh]) {
      const metadata = s.inputs.metadata as { namespace: string; labels: Record<string, string> };
      assert.equal(metadata.namespace, "argocd");
      assert.equal(metadata.labels["argocd.argoproj.io/secret-type"], "repository");
      assert.equal((s.inputs.stringData as Record<string, string>).project, "shop");
    }
    assert.deepEqual(https.inputs.stringData, {
      type: "git",
      url: gitUrl,
      project: "shop",
      username: "deploy",
      password: token,
    });
    assert.equal((ssh.inputs.stringData as Record<string, string>).sshPrivateKey, sshKey);
    // The whole stringData is a Pulumi secret, so the token and the key never reach the state in clear.
    assert.deepEqual(https.secretInputs, ["stringData"]);
    assert.deepEqual(ssh.secretInputs, ["stringData"]);
  });

  it("refuses the default project, empty lists and unwatched namespaces before any resource", async () => {
    const { error, run } = await refusal(
      () =>
        new GitOpsProject("default", {
          argoCd: argoCd(),
          repositories: [],
          destinations: [],
          applicationNamespaces: ["elsewhere"],
        }),
    );
    assert.ok(error instanceof GitOpsProjectArgumentsError);
    assert.match(error.message, /projectName: "default" is Argo CD's built-in project/);
    assert.match(error.message, /repositories: at least one/);
    assert.match(error.message, /destinations: at least one/);
    assert.match(error.message, /applicationNamespaces\[0\]: Argo CD watches .* "elsewhere"/);
    assert.deepEqual(argoResources(run), []);
  });

  it("refuses credentials that cannot read their URL", async () => {
    const { error } = await refusal(
      () =>
        new GitOpsProject("shop", {
          argoCd: argoCd(),
          repositories: [
            { url: gitUrl, credentials: { sshPrivateKey: sshKey } },
            { url: sshUrl, credentials: { username: "deploy", token } },
          ],
          destinations: [{ namespace: "shop" }],
        }),
    );
    assert.match(error.message, /repositories\[0\]\.credentials: an SSH key cannot read an https/);
    assert.match(error.message, /repositories\[1\]\.credentials: a token reads only an https/);
  });
});

describe("GitOpsApplication", () => {
  it("is an Application Argo CD's CRD accepts, with safe sync defaults and the resources finalizer", async () => {
    const run = await deploy();
    const app = run.byName("web-application", types.application);
    assert.deepEqual(validApplication(app.inputs), []);
    const metadata = app.inputs.metadata as { name: string; namespace: string; finalizers: string[] };
    assert.equal(metadata.name, "web");
    assert.equal(metadata.namespace, "argocd");
    assert.deepEqual(metadata.finalizers, ["resources-finalizer.argocd.argoproj.io"]);
    const spec = app.inputs.spec as Record<string, unknown>;
    assert.equal(spec.project, "shop");
    assert.deepEqual(spec.source, { repoURL: gitUrl, targetRevision: "v1.4.0", path: "deploy/prod" });
    assert.deepEqual(spec.destination, { server: "https://kubernetes.default.svc", namespace: "shop" });
    assert.deepEqual(spec.syncPolicy, {
      automated: { enabled: true, selfHeal: true, prune: false },
      syncOptions: ["ServerSideApply=true", "CreateNamespace=false"],
    });
  });

  it("deploys a chart with structured values, pruning only when asked", async () => {
    const run = await deploy();
    const app = run.byName("cache-application", types.application);
    assert.deepEqual(validApplication(app.inputs), []);
    assert.equal((app.inputs.metadata as { namespace: string }).namespace, "team-apps");
    const spec = app.inputs.spec as Record<string, Record<string, unknown>>;
    assert.deepEqual(spec.source, {
      repoURL: chartUrl,
      chart: "redis",
      targetRevision: "19.6.4",
      helm: { releaseName: "cache", valuesObject: { architecture: "standalone", auth: { enabled: true } } },
    });
    assert.deepEqual(spec.syncPolicy.automated, { enabled: true, selfHeal: true, prune: true });
    assert.ok((spec.syncPolicy.syncOptions as string[]).includes("PruneLast=true"));
  });

  it("leaves syncs to a person when automated is off", async () => {
    const run = await deploy(projectArgs, { web: { ...pathApp, sync: { automated: false } } });
    const app = run.byName("web-application", types.application);
    assert.deepEqual(validApplication(app.inputs), []);
    assert.equal(
      (app.inputs.spec as { syncPolicy: { automated?: unknown } }).syncPolicy.automated,
      undefined,
    );
  });

  it("refuses the default project with the reason, before any resource", async () => {
    const { error, run } = await refusal(
      () =>
        new GitOpsApplication("web", {
          project: { projectName: "default", argoCd: argoCd() },
          ...pathApp,
        }),
    );
    assert.ok(error instanceof GitOpsApplicationArgumentsError);
    assert.match(
      error.message,
      /GitOpsApplication web:\n {2}project: "default" is Argo CD's built-in project/,
    );
    assert.match(error.message, /escapes the restrictions/);
    assert.deepEqual(argoResources(run), []);
  });

  it("refuses a missing targetRevision and sources or destinations the project does not allow", async () => {
    const { error, run } = await refusal(() => {
      const team = new GitOpsProject("shop", { argoCd: argoCd(), ...projectArgs });
      new GitOpsApplication("web", {
        project: team,
        source: { repoUrl: "https://git.example.com/other.git", path: "deploy" } as never,
        destination: { namespace: "billing" },
        namespace: "other-apps",
      });
    });
    assert.ok(error instanceof GitOpsApplicationArgumentsError);
    assert.match(error.message, /source\.targetRevision: required: .*HEAD/);
    assert.match(error.message, /source\.repoUrl: "https:\/\/git\.example\.com\/other\.git" is not one of/);
    assert.match(error.message, /destination: .* "billing" is not one of the project's destinations/);
    assert.match(error.message, /namespace: the project admits Applications only/);
    assert.deepEqual(
      run.resources.filter((r) => r.type === types.application),
      [],
    );
  });
});
