/**
 * Argo CD under mocks: `GitOpsProject` and `GitOpsApplication` checked strictly by Argo CD's own CRDs,
 * their refusals before any resource, and the secret-ness of repository credentials; `ArgoCd`'s chart,
 * CRDs and values field by field.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "fs";
import path from "path";
import { parse } from "yaml";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  ArgoCd,
  type ArgoCdArgs,
  ArgoCdArgumentsError,
  argoCdChart,
  type ArgoCdConnection,
  GitOpsApplication,
  type GitOpsApplicationArgs,
  GitOpsApplicationArgumentsError,
  GitOpsProject,
  type GitOpsProjectArgs,
  GitOpsProjectArgumentsError,
  KubernetesCluster,
} from "../../components/kubernetes";
import { bcryptHash } from "../../provider/shared/bcrypt";
import { crdValidator } from "../support/crd-schema";
import { runProgram, type ProgramRun } from "../support/harness";
import { CreationOptions, kubernetesMockDynamic, kubernetesMockResource } from "../support/kubernetes-mocks";

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

const argoTypes = {
  release: "kubernetes:helm.sh/v3:Release",
  configFile: "kubernetes:yaml/v2:ConfigFile",
  namespace: "kubernetes:core/v1:Namespace",
  watch: "pulumi-nodejs:dynamic/berth/kubernetes:HelmReleaseWatch",
} as const;

interface ArgoValues {
  crds: { install: boolean };
  configs: {
    cm: Record<string, unknown>;
    params: Record<string, unknown>;
    secret: { argocdServerAdminPassword: string; extra?: Record<string, string> };
  };
  "redis-ha"?: { enabled: boolean };
  server?: { replicas: number };
  repoServer?: { replicas: number };
  applicationSet?: { replicas: number };
}

/** A KubernetesCluster with an ArgoCd of `args` and a project on it, under mocks. */
async function deployArgoCd(args: Omit<ArgoCdArgs, "cluster"> = {}) {
  const capture = new CreationOptions();
  const run = await runProgram(
    () => {
      pulumi.runtime.registerStackTransformation(capture.transformation);
      const cluster = new KubernetesCluster("prod", { kubeconfig: "kubeconfig", namespace: "shop" });
      const argo = new ArgoCd("argo", { cluster, ...args });
      new GitOpsProject("shop", {
        argoCd: argo,
        repositories: [{ url: gitUrl }],
        destinations: [{ namespace: "shop" }],
        applicationNamespaces: [...argo.applicationNamespaces],
      });
      return {
        adminPassword: argo.adminPassword,
        passwordIsSecret: pulumi.isSecret(argo.adminPassword),
        serverUrl: argo.serverUrl,
      };
    },
    { mockResource: kubernetesMockResource, mockDynamic: kubernetesMockDynamic },
  );
  const release = run.byName("argo-argo-cd", argoTypes.release);
  return { run, capture, release, values: release.inputs.values as ArgoValues };
}

const sso = {
  issuer: "https://login.example.com",
  clientId: "argocd",
  clientSecret: "oidc-secret-81c4",
};

describe("ArgoCd", () => {
  it("installs the pinned chart without its CRDs, after applying them server-side from the same release", async () => {
    const { run, capture, release, values } = await deployArgoCd();
    assert.equal(release.inputs.chart, "argo-cd");
    assert.equal(release.inputs.version, argoCdChart.version);
    assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://argoproj.github.io/argo-helm" });
    assert.equal(release.inputs.namespace, "argocd");
    assert.equal(release.inputs.skipCrds, true);
    assert.equal(release.inputs.atomic, true, "a failed upgrade rolls back");
    assert.equal(release.inputs.timeout, 900);
    const watch = run.byName("argo-argo-cd-watch", argoTypes.watch);
    assert.deepEqual(
      [watch.inputs.release, watch.inputs.namespace, watch.inputs.chartVersion, watch.inputs.kubeconfig],
      ["argocd", "argocd", argoCdChart.version, "kubeconfig"],
      "Argo CD's workloads are reported while Helm waits, through the cluster's kubeconfig",
    );
    assert.equal(values.crds.install, false, "the chart's CRDs are templates, switched off by value");
    const files = run.resources.filter((r) => r.type === argoTypes.configFile).map((r) => r.inputs.file);
    const base = `https://raw.githubusercontent.com/argoproj/argo-cd/${argoCdChart.appVersion}/manifests/crds`;
    assert.deepEqual(files.sort(), [
      `${base}/application-crd.yaml`,
      `${base}/applicationset-crd.yaml`,
      `${base}/appproject-crd.yaml`,
    ]);
    assert.deepEqual(capture.dependsOn(argoTypes.release, "argo-argo-cd"), [
      `${argoTypes.configFile} argo-crds-application`,
      `${argoTypes.configFile} argo-crds-applicationset`,
      `${argoTypes.configFile} argo-crds-appproject`,
    ]);
    // The projects wait for Argo CD.
    assert.ok(capture.dependsOn(types.project, "shop-project").includes(`${argoTypes.release} argo-argo-cd`));
    // The CRD fixtures the tests validate against are the installed version's.
    for (const fixture of ["argoproj.io_applications.yaml", "argoproj.io_appprojects.yaml"]) {
      const header = fs.readFileSync(path.join(__dirname, "../../../test/fixtures/crds", fixture), "utf8");
      assert.match(header.split("\n")[0], new RegExp(`\\(${argoCdChart.appVersion}\\)$`));
    }
  });

  it("gives Argo CD the bcrypt hash of a generated admin password, both kept secret", async () => {
    const { run, release, values } = await deployArgoCd();
    const password = run.outputs.adminPassword as string;
    assert.match(password, /^[A-Za-z0-9]{24}$/);
    assert.equal(run.outputs.passwordIsSecret, true);
    const hash = values.configs.secret.argocdServerAdminPassword;
    assert.match(hash, /^\$2b\$10\$/);
    const salt = bcryptSalt(hash);
    assert.equal(bcryptHash(password, salt, 10), hash, "the hash is of the password given out");
    assert.ok(release.secretInputs.includes("values"), `${release.secretInputs}`);
    assert.equal(values.configs.cm["admin.enabled"], true);
  });

  it("serves TLS, and watches the application namespaces it shares with its projects", async () => {
    const { run, values } = await deployArgoCd({ applicationNamespaces: ["team-apps", "ops-apps"] });
    assert.equal(values.configs.params["server.insecure"], false);
    assert.equal(values.configs.params["application.namespaces"], "team-apps,ops-apps");
    const project = run.byName("shop-project", types.project);
    assert.deepEqual((project.inputs.spec as { sourceNamespaces: string[] }).sourceNamespaces, [
      "team-apps",
      "ops-apps",
    ]);
    assert.deepEqual(validAppProject(project.inputs), []);
    assert.equal(run.outputs.serverUrl, "https://argocd-server.argocd.svc.cluster.local");
  });

  it("disables the admin account once SSO is configured, its client secret kept out of the ConfigMap", async () => {
    const { values } = await deployArgoCd({ url: "https://argocd.example.com", sso });
    assert.equal(values.configs.cm["admin.enabled"], false);
    assert.equal(values.configs.cm.url, "https://argocd.example.com");
    const oidc = parse(values.configs.cm["oidc.config"] as string) as Record<string, unknown>;
    assert.equal(oidc.issuer, sso.issuer);
    assert.equal(oidc.clientID, sso.clientId);
    assert.equal(oidc.clientSecret, "$oidc.clientSecret");
    assert.ok(!JSON.stringify(values.configs.cm).includes(sso.clientSecret));
    assert.deepEqual(values.configs.secret.extra, { "oidc.clientSecret": sso.clientSecret });
  });

  it("runs highly available only when asked", async () => {
    const single = await deployArgoCd();
    assert.equal(single.values["redis-ha"], undefined);
    const { values } = await deployArgoCd({ ha: true });
    assert.deepEqual(values["redis-ha"], { enabled: true });
    assert.equal(values.server?.replicas, 2);
    assert.equal(values.repoServer?.replicas, 2);
    assert.equal(values.applicationSet?.replicas, 2);
  });

  it("refuses SSO without a URL and its own namespace as an application namespace, before any resource", async () => {
    const { error, run } = await refusal(() => {
      const cluster = new KubernetesCluster("prod", { kubeconfig: "kubeconfig", namespace: "shop" });
      new ArgoCd("argo", {
        cluster,
        sso,
        applicationNamespaces: ["argocd"],
        url: "http://argocd.example.com",
      });
    });
    assert.ok(error instanceof ArgoCdArgumentsError);
    assert.match(error.message, /url: "http:\/\/argocd\.example\.com" is not an https:\/\/ URL/);
    assert.match(error.message, /applicationNamespaces\[0\]: Argo CD's own namespace is always watched/);
    assert.deepEqual(
      run.resources.filter((r) => r.type === argoTypes.release || r.type === argoTypes.configFile),
      [],
    );
    const missing = await refusal(() => {
      const cluster = new KubernetesCluster("prod", { kubeconfig: "kubeconfig", namespace: "shop" });
      new ArgoCd("argo", { cluster, sso });
    });
    assert.match(missing.error.message, /url: required with sso/);
    const watch = await refusal(() => {
      const cluster = new KubernetesCluster("prod", { kubeconfig: "kubeconfig", namespace: "shop" });
      new ArgoCd("argo", { cluster, watch: "off" as unknown as boolean });
    });
    assert.match(watch.error.message, /watch: must be true or false, got "off"/);
  });

  it("follows no release with watch: false", async () => {
    const { run } = await deployArgoCd({ watch: false });
    assert.equal(run.resources.filter((r) => r.type === argoTypes.watch).length, 0);
    assert.equal(run.byName("argo-argo-cd", argoTypes.release).inputs.atomic, true);
  });
});

const bcryptAlphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** The 16 salt bytes of a bcrypt hash (its 22 characters after `$2b$NN$`). */
function bcryptSalt(hash: string): Buffer {
  const bits = [...hash.slice(7, 29)]
    .map((c) => bcryptAlphabet.indexOf(c).toString(2).padStart(6, "0"))
    .join("");
  return Buffer.from(Array.from({ length: 16 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2)));
}
