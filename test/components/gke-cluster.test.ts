import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { ContainerService } from "../../components";
import { GkeCluster, type GkeClusterArgs, GkeClusterError } from "../../components/kubernetes/gke";
import { runProgram, unknownValue, type ProgramRun, type RunOptions } from "../support/harness";
import {
  gcpMockInvoke,
  gcpMockResource,
  gcpProject,
  gcpProjectNumber,
  gcpRegion,
  gcpTypes as t,
  gkeCaCertificate,
  gkePublicEndpoint,
} from "../support/gcp-mocks";
import { ofType, OptionsCapture } from "../support/vm-nodes";
import { kubernetesMockDynamic } from "../support/kubernetes-mocks";

const gcpConfig = { "gcp:project": gcpProject, "gcp:region": gcpRegion };
/** The network tests name as the only one allowed to reach the control plane. */
const office = { cidr: "198.51.100.0/24", displayName: "office" };

/** `args` with the office as authorized network, unless they say how the endpoint is reached. */
function withEndpoint<T extends object>(args: T): T {
  const reached = ["authorizedNetworks", "publicEndpoint", "privateEndpoint"].some((f) => f in args);
  return reached ? args : { ...args, authorizedNetworks: [office] };
}
const componentType = "berth:kubernetes:GkeCluster";

/** Deploys one cluster named `shop` under mocks, in the configured project and region. */
function deploy(
  args: GkeClusterArgs = {},
  options: { capture?: OptionsCapture; run?: RunOptions } = {},
): Promise<ProgramRun> {
  return runProgram(
    () => {
      const cluster = new GkeCluster("shop", withEndpoint(args), {
        transformations: options.capture ? [options.capture.transformation] : [],
      });
      return {
        kubeconfig: cluster.kubeconfig,
        kubeconfigIsSecret: pulumi.isSecret(cluster.kubeconfig),
        gkeClusterName: cluster.gkeClusterName,
        endpoint: cluster.endpoint,
        location: cluster.location,
        workloadPool: cluster.workloadPool,
        nodeServiceAccountEmail: cluster.nodeServiceAccountEmail,
        namespace: cluster.namespace,
      };
    },
    { config: gcpConfig, mockResource: gcpMockResource, mockInvoke: gcpMockInvoke, ...options.run },
  );
}

const gcpResources = (run: ProgramRun) => run.resources.filter((r) => r.type.startsWith("gcp:"));
const inputsOf = (run: ProgramRun, name: string, type: string) => run.byName(name, type).inputs;
const clusterOf = (run: ProgramRun) => inputsOf(run, "shop-cluster", t.cluster);

async function refusal(
  args: Record<string, unknown>,
  config: Record<string, string> = gcpConfig,
  endpoint: "as given" | "office unless given" = "office unless given",
) {
  let caught: unknown;
  const run = await runProgram(
    () => {
      try {
        new GkeCluster("shop", (endpoint === "as given" ? args : withEndpoint(args)) as GkeClusterArgs);
      } catch (err) {
        caught = err;
      }
    },
    { config, mockResource: gcpMockResource, mockInvoke: gcpMockInvoke },
  );
  assert.ok(caught instanceof GkeClusterError, `expected a GkeClusterError, got ${String(caught)}`);
  assert.ok(pulumi.ResourceError.isInstance(caught), "reported against the component");
  assert.equal(caught.resourceName, "shop");
  assert.equal(caught.message.split("\n")[0], "GkeCluster shop:");
  assert.deepEqual(
    run.resources.filter((r) => r.custom).map((r) => r.name),
    [],
    "nothing was created",
  );
  return caught.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("GkeCluster under mocks", () => {
  it("makes a network with Cloud NAT, the cluster, one node pool and the node service account, all children of the component", async () => {
    const run = await deploy();
    const component = run.byName("shop", componentType);
    for (const r of gcpResources(run)) assert.equal(r.parent, component.urn, `${r.name} is a child`);
    assert.deepEqual(
      gcpResources(run)
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
      [
        `${t.network} shop-network`,
        `${t.subnetwork} shop-nodes`,
        `${t.keyRing} shop-secrets`,
        `${t.cryptoKey} shop-secrets`,
        `${t.cryptoKeyIamMember} shop-secrets-gke`,
        `${t.router} shop-router`,
        `${t.routerNat} shop-nat`,
        `${t.cluster} shop-cluster`,
        `${t.nodePool} shop-pool-default`,
        `${t.serviceAccount} shop-nodes`,
        `${t.iamMember} shop-nodes-logging-logWriter`,
        `${t.iamMember} shop-nodes-monitoring-metricWriter`,
        `${t.iamMember} shop-nodes-monitoring-viewer`,
        `${t.iamMember} shop-nodes-stackdriver-resourceMetadata-writer`,
        `${t.iamMember} shop-nodes-artifactregistry-reader`,
      ].sort(),
    );
  });

  it("is regional, VPC-native in its own subnetwork, on the REGULAR channel, without its default node pool", async () => {
    const run = await deploy();
    const cluster = clusterOf(run);
    assert.equal(cluster.name, "shop");
    assert.equal(cluster.project, gcpProject);
    assert.equal(cluster.location, gcpRegion, "the region: a regional cluster");
    assert.equal(cluster.networkingMode, "VPC_NATIVE");
    assert.equal(cluster.network, "shop-network-id");
    assert.equal(cluster.subnetwork, "shop-nodes-id");
    assert.deepEqual(cluster.ipAllocationPolicy, {
      clusterSecondaryRangeName: "pods",
      servicesSecondaryRangeName: "services",
    });
    assert.equal(cluster.removeDefaultNodePool, true);
    assert.equal(cluster.initialNodeCount, 1);
    assert.deepEqual(cluster.releaseChannel, { channel: "REGULAR" });
    assert.equal(cluster.deletionProtection, true);
    assert.equal(cluster.resourceLabels, undefined);
    assert.equal(run.outputs.location, gcpRegion);
    assert.equal(run.outputs.gkeClusterName, "shop");

    const subnet = inputsOf(run, "shop-nodes", t.subnetwork);
    assert.deepEqual(
      [subnet.region, subnet.network, subnet.ipCidrRange, subnet.privateIpGoogleAccess],
      [gcpRegion, "shop-network-id", "10.0.0.0/20", true],
    );
    assert.deepEqual(subnet.secondaryIpRanges, [
      { rangeName: "pods", ipCidrRange: "10.16.0.0/14" },
      { rangeName: "services", ipCidrRange: "10.20.0.0/20" },
    ]);
    assert.equal(inputsOf(run, "shop-network", t.network).autoCreateSubnetworks, false);
    const nat = inputsOf(run, "shop-nat", t.routerNat);
    assert.equal(nat.router, "shop-router-5c1d2e");
    assert.equal(nat.natIpAllocateOption, "AUTO_ONLY");
    assert.equal(nat.sourceSubnetworkIpRangesToNat, "LIST_OF_SUBNETWORKS");
    assert.deepEqual(nat.subnetworks, [{ name: "shop-nodes-id", sourceIpRangesToNats: ["ALL_IP_RANGES"] }]);
  });

  it("is secure by default: Workload Identity, shielded nodes, Dataplane V2, private nodes, no ABAC, no client certificate", async () => {
    const run = await deploy();
    const cluster = clusterOf(run);
    assert.deepEqual(cluster.workloadIdentityConfig, { workloadPool: `${gcpProject}.svc.id.goog` });
    assert.equal(run.outputs.workloadPool, `${gcpProject}.svc.id.goog`);
    assert.equal(cluster.enableShieldedNodes, true);
    assert.equal(cluster.datapathProvider, "ADVANCED_DATAPATH");
    assert.deepEqual(cluster.privateClusterConfig, {
      enablePrivateNodes: true,
      enablePrivateEndpoint: false,
      masterIpv4CidrBlock: "172.16.0.0/28",
    });
    assert.deepEqual(
      cluster.masterAuthorizedNetworksConfig,
      { cidrBlocks: [{ cidrBlock: "198.51.100.0/24", displayName: "office" }] },
      "only the networks named reach the control plane",
    );
    assert.equal(cluster.enableLegacyAbac, false);
    // Basic auth is gone from GKE and its provider: the client certificate is what remains to refuse.
    assert.deepEqual(cluster.masterAuth, { clientCertificateConfig: { issueClientCertificate: false } });
  });

  it("encrypts Secrets in etcd with a new rotated Cloud KMS key the GKE service agent may use, made before the cluster", async () => {
    const capture = new OptionsCapture();
    const run = await deploy({}, { capture });
    const ring = inputsOf(run, "shop-secrets", t.keyRing);
    assert.deepEqual([ring.project, ring.location], [gcpProject, gcpRegion]);
    const key = inputsOf(run, "shop-secrets", t.cryptoKey);
    assert.deepEqual(
      [key.keyRing, key.purpose, key.rotationPeriod],
      ["shop-secrets-id", "ENCRYPT_DECRYPT", "7776000s"],
    );
    const binding = inputsOf(run, "shop-secrets-gke", t.cryptoKeyIamMember);
    assert.deepEqual(
      [binding.cryptoKeyId, binding.role, binding.member],
      [
        "shop-secrets-id",
        "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        `serviceAccount:service-${gcpProjectNumber}@container-engine-robot.iam.gserviceaccount.com`,
      ],
    );
    assert.deepEqual(clusterOf(run).databaseEncryption, { state: "ENCRYPTED", keyName: "shop-secrets-id" });
    assert.ok(
      capture.dependsOnOf("shop-cluster").includes("shop-secrets-gke"),
      "GKE checks its access to the key when it makes the cluster",
    );

    const given = "projects/keys-1/locations/europe-west1/keyRings/gke/cryptoKeys/secrets";
    const own = await deploy({ secretsEncryptionKey: given });
    assert.deepEqual(clusterOf(own).databaseEncryption, { state: "ENCRYPTED", keyName: given });
    assert.deepEqual(
      gcpResources(own).filter((r) => r.type.startsWith("gcp:kms/")),
      [],
      "no key of Berth's own",
    );
    assert.deepEqual(
      await refusal({ secretsEncryptionKey: "projects/keys-1/locations/us-east1/keyRings/gke/cryptoKeys/s" }),
      ['secretsEncryptionKey: is in "us-east1": GKE needs a key in the cluster\'s region, "europe-west1"'],
    );
    assert.deepEqual(await refusal({ secretsEncryptionKey: "secrets" }), [
      'secretsEncryptionKey: must be a Cloud KMS key: projects/<project>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>, not "secrets"',
    ]);
  });

  it("logs the new subnetwork's flows", async () => {
    const run = await deploy();
    assert.deepEqual(inputsOf(run, "shop-nodes", t.subnetwork).logConfig, {
      aggregationInterval: "INTERVAL_5_SEC",
      flowSampling: 0.5,
      metadata: "INCLUDE_ALL_METADATA",
    });
  });

  it("refuses a public endpoint nobody asked for, and contradicting endpoint settings", async () => {
    assert.deepEqual(await refusal({}, gcpConfig, "as given"), [
      "authorizedNetworks: is required: name the networks that may reach the control plane (CIS GKE 5.6.3), or set publicEndpoint: true to let any address reach it, or privateEndpoint: true",
    ]);
    assert.deepEqual(
      await refusal(
        { publicEndpoint: true, privateEndpoint: true, authorizedNetworks: [office] },
        gcpConfig,
        "as given",
      ),
      [
        "publicEndpoint: contradicts privateEndpoint: give one of them",
        "publicEndpoint: opens the endpoint to any address: remove it to allow only authorizedNetworks",
      ],
    );
    assert.deepEqual(await refusal({ publicEndpoint: "yes" }, gcpConfig, "as given"), [
      'publicEndpoint: must be true or false, not "yes"',
      "authorizedNetworks: is required: name the networks that may reach the control plane (CIS GKE 5.6.3), or set publicEndpoint: true to let any address reach it, or privateEndpoint: true",
    ]);
    // Asked for by name, the endpoint is open to any address: no authorized networks.
    const open = await deploy({ publicEndpoint: true });
    assert.equal(clusterOf(open).masterAuthorizedNetworksConfig, undefined);
  });

  it("runs every node pool as the dedicated service account with five roles, on Shielded VMs with the GKE metadata server", async () => {
    const capture = new OptionsCapture();
    const run = await deploy({}, { capture });
    const account = inputsOf(run, "shop-nodes", t.serviceAccount);
    assert.equal(account.accountId, "shop-nodes");
    assert.equal(account.project, gcpProject);
    const email = `shop-nodes@${gcpProject}.iam.gserviceaccount.com`;
    assert.equal(run.outputs.nodeServiceAccountEmail, email);
    assert.deepEqual(
      ofType(run, t.iamMember).map((m) => [m.inputs.project, m.inputs.role, m.inputs.member]),
      [
        "roles/artifactregistry.reader",
        "roles/logging.logWriter",
        "roles/monitoring.metricWriter",
        "roles/monitoring.viewer",
        "roles/stackdriver.resourceMetadata.writer",
      ].map((role) => [gcpProject, role, `serviceAccount:${email}`]),
    );

    const pool = inputsOf(run, "shop-pool-default", t.nodePool);
    assert.deepEqual(
      [pool.name, pool.project, pool.location, pool.cluster, pool.initialNodeCount],
      ["default", gcpProject, gcpRegion, "shop", 1],
    );
    assert.deepEqual(pool.autoscaling, { minNodeCount: 1, maxNodeCount: 3 });
    assert.deepEqual(pool.management, { autoRepair: true, autoUpgrade: true });
    assert.deepEqual(pool.nodeConfig, {
      machineType: "e2-standard-2",
      spot: false,
      diskSizeGb: 100,
      diskType: "pd-balanced",
      serviceAccount: email,
      oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
      workloadMetadataConfig: { mode: "GKE_METADATA" },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      metadata: { "disable-legacy-endpoints": "true" },
    });
    assert.deepEqual(capture.optionsOf("shop-pool-default").ignoreChanges, ["initialNodeCount"]);
    assert.deepEqual(
      capture.dependsOnOf("shop-pool-default").sort(),
      [...ofType(run, t.iamMember).map((m) => m.name), "shop-nat"].sort(),
      "nodes boot once their roles are bound and the NAT exists",
    );
  });

  it("gives a secret kubeconfig in the gke-gcloud-auth-plugin exec form, and a provider and namespace made with it", async () => {
    const run = await deploy();
    const kubeconfig = run.outputs.kubeconfig as string;
    const context = `gke_${gcpProject}_${gcpRegion}_shop`;
    assert.deepEqual(parse(kubeconfig), {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: context,
          cluster: {
            server: `https://${gkePublicEndpoint}`,
            "certificate-authority-data": gkeCaCertificate("shop"),
          },
        },
      ],
      contexts: [{ name: context, context: { cluster: context, user: context } }],
      "current-context": context,
      preferences: {},
      users: [
        {
          name: context,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "gke-gcloud-auth-plugin",
              installHint:
                "Install gke-gcloud-auth-plugin for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin",
              provideClusterInfo: true,
            },
          },
        },
      ],
    });
    assert.equal(run.outputs.kubeconfigIsSecret, true, "the kubeconfig output is a secret");
    const component = run.byName("shop", componentType);
    const provider = run.byName("shop-provider", "pulumi:providers:kubernetes");
    assert.equal(provider.parent, component.urn);
    assert.equal(provider.inputs.kubeconfig, kubeconfig, "the provider reaches this cluster");
    assert.ok(provider.secretInputs.includes("kubeconfig"), "and is a secret in the provider's state");
    const namespace = run.byName("shop-namespace", "kubernetes:core/v1:Namespace");
    assert.equal(namespace.parent, component.urn);
    assert.equal(run.outputs.namespace, "berth-test-test");
  });

  it("is zonal when given a zone, taking the region from it", async () => {
    const run = await deploy({ zone: "us-central1-c" }, { run: { config: { "gcp:project": gcpProject } } });
    assert.equal(clusterOf(run).location, "us-central1-c");
    assert.equal(inputsOf(run, "shop-pool-default", t.nodePool).location, "us-central1-c");
    assert.equal(inputsOf(run, "shop-nodes", t.subnetwork).region, "us-central1");
    assert.equal(inputsOf(run, "shop-router", t.router).region, "us-central1");
    assert.match(run.outputs.kubeconfig as string, new RegExp(`gke_${gcpProject}_us-central1-c_shop`));
  });

  it("takes project and region from its arguments over the provider's config", async () => {
    const run = await deploy({ project: "other-project", region: "asia-east1", clusterName: "shop-prod" });
    const cluster = clusterOf(run);
    assert.deepEqual(
      [cluster.project, cluster.location, cluster.name],
      ["other-project", "asia-east1", "shop-prod"],
    );
    assert.deepEqual(cluster.workloadIdentityConfig, { workloadPool: "other-project.svc.id.goog" });
    assert.equal(inputsOf(run, "shop-nodes", t.serviceAccount).accountId, "shop-prod-nodes");
    for (const m of ofType(run, t.iamMember)) assert.equal(m.inputs.project, "other-project");
  });

  it("uses an existing network's secondary ranges by name, making no network of its own", async () => {
    const run = await deploy({
      network: {
        network: "shared-vpc",
        subnetwork: "gke-nodes",
        podsRangeName: "gke-pods",
        servicesRangeName: "gke-services",
      },
    });
    for (const type of [t.network, t.subnetwork, t.router, t.routerNat])
      assert.deepEqual(ofType(run, type), [], `no ${type}`);
    const cluster = clusterOf(run);
    assert.deepEqual([cluster.network, cluster.subnetwork], ["shared-vpc", "gke-nodes"]);
    assert.deepEqual(cluster.ipAllocationPolicy, {
      clusterSecondaryRangeName: "gke-pods",
      servicesSecondaryRangeName: "gke-services",
    });
  });

  it("lets GKE make the ranges of an existing subnetwork, of the sizes given", async () => {
    const run = await deploy({
      network: { network: "shared-vpc", subnetwork: "gke-nodes" },
      podsCidr: "10.64.0.0/14",
      servicesCidr: "10.68.0.0/20",
    });
    assert.deepEqual(clusterOf(run).ipAllocationPolicy, {
      clusterIpv4CidrBlock: "10.64.0.0/14",
      servicesIpv4CidrBlock: "10.68.0.0/20",
    });
    const gkeChooses = await deploy({ network: { network: "shared-vpc", subnetwork: "gke-nodes" } });
    assert.deepEqual(clusterOf(gkeChooses).ipAllocationPolicy, {}, "still VPC-native");
  });

  it("closes the control plane to a private endpoint and authorized networks", async () => {
    const run = await deploy({
      privateEndpoint: true,
      masterCidr: "172.16.8.0/28",
      authorizedNetworks: [{ cidr: "10.0.0.0/20", displayName: "nodes" }, { cidr: "192.168.0.0/24" }],
    });
    const cluster = clusterOf(run);
    assert.deepEqual(cluster.privateClusterConfig, {
      enablePrivateNodes: true,
      enablePrivateEndpoint: true,
      masterIpv4CidrBlock: "172.16.8.0/28",
    });
    assert.deepEqual(cluster.masterAuthorizedNetworksConfig, {
      cidrBlocks: [
        { cidrBlock: "10.0.0.0/20", displayName: "nodes" },
        { cidrBlock: "192.168.0.0/24", displayName: "192.168.0.0/24" },
      ],
    });
    assert.match(
      run.outputs.kubeconfig as string,
      /server: https:\/\/172\.16\.8\.2\n/,
      "the private address",
    );
    const vpcOnly = await deploy({ privateEndpoint: true });
    assert.deepEqual(clusterOf(vpcOnly).masterAuthorizedNetworksConfig, { cidrBlocks: [] });
  });

  it("gives nodes public addresses and no NAT only when asked", async () => {
    const run = await deploy({ privateNodes: false });
    assert.equal(clusterOf(run).privateClusterConfig, undefined);
    assert.deepEqual(ofType(run, t.routerNat), []);
    assert.deepEqual(ofType(run, t.router), []);
  });

  it("honours the release channel, deletion protection and labels", async () => {
    const run = await deploy({
      releaseChannel: "STABLE",
      deletionProtection: false,
      labels: { team: "shop", "cost-center": "c42" },
    });
    const cluster = clusterOf(run);
    assert.deepEqual(cluster.releaseChannel, { channel: "STABLE" });
    assert.equal(cluster.deletionProtection, false);
    assert.deepEqual(cluster.resourceLabels, { team: "shop", "cost-center": "c42" });
  });

  it("makes each node pool given: machine type, per-zone autoscaling, Spot, labels, taints and disk", async () => {
    const run = await deploy({
      nodePools: [
        { name: "general", machineType: "n2d-standard-4", min: 0, max: 5 },
        {
          name: "batch",
          spot: true,
          min: 2,
          max: 2,
          labels: { "berth.dev/tier": "batch" },
          taints: [
            { key: "berth.dev/batch", value: "true", effect: "NoSchedule" },
            { key: "spot", effect: "PreferNoSchedule" },
            { key: "drain", effect: "NoExecute" },
          ],
          diskSizeGb: 50,
          diskType: "pd-ssd",
        },
      ],
    });
    assert.deepEqual(
      ofType(run, t.nodePool).map((p) => p.name),
      ["shop-pool-batch", "shop-pool-general"],
    );
    const general = inputsOf(run, "shop-pool-general", t.nodePool);
    assert.deepEqual(general.autoscaling, { minNodeCount: 0, maxNodeCount: 5 });
    assert.equal(general.initialNodeCount, 0);
    const generalNodes = general.nodeConfig as Record<string, unknown>;
    assert.deepEqual([generalNodes.machineType, generalNodes.spot], ["n2d-standard-4", false]);
    const batch = inputsOf(run, "shop-pool-batch", t.nodePool);
    assert.deepEqual(batch.autoscaling, { minNodeCount: 2, maxNodeCount: 2 });
    const nodes = batch.nodeConfig as Record<string, unknown>;
    assert.deepEqual(
      [nodes.machineType, nodes.spot, nodes.diskSizeGb, nodes.diskType],
      ["e2-standard-2", true, 50, "pd-ssd"],
    );
    assert.deepEqual(nodes.labels, { "berth.dev/tier": "batch" });
    assert.deepEqual(nodes.taints, [
      { key: "berth.dev/batch", value: "true", effect: "NO_SCHEDULE" },
      { key: "spot", value: "", effect: "PREFER_NO_SCHEDULE" },
      { key: "drain", value: "", effect: "NO_EXECUTE" },
    ]);
    for (const pool of [general, batch]) {
      const config = pool.nodeConfig as Record<string, unknown>;
      assert.equal(config.serviceAccount, `shop-nodes@${gcpProject}.iam.gserviceaccount.com`);
      assert.deepEqual(config.workloadMetadataConfig, { mode: "GKE_METADATA" });
    }
  });

  it("previews with nothing known yet, making the same graph, the kubeconfig unknown", async () => {
    const preview = await runProgram(
      () => ({ kubeconfig: new GkeCluster("shop", withEndpoint({})).kubeconfig }),
      { preview: true, config: gcpConfig, mockResource: gcpMockResource, mockInvoke: gcpMockInvoke },
    );
    const graph = (run: ProgramRun) => run.resources.map((r) => `${r.type} ${r.name}`).sort();
    assert.deepEqual(graph(preview), graph(await deploy()));
    assert.equal(preview.outputs.kubeconfig, unknownValue);
  });

  it("refuses min above max, zero nodes, bad pool names and machine types, listing every problem", async () => {
    const lines = await refusal({
      nodePools: [
        { name: "Default", min: 4, max: 2 },
        { name: "zero", max: 0, machineType: "e2 standard 2" },
        { name: "zero", machineTyp: "e2-standard-4" },
        { machineType: "E2-STANDARD-4", spot: "yes", diskSizeGb: 5, diskType: "pd-sdd" },
      ],
    });
    assert.deepEqual(lines, [
      'nodePools[0].name: "Default" is not a node pool name: lowercase letters, digits and -, starting with a letter, at most 40',
      "nodePools[0].min: is more than nodePools[0].max (4 > 2)",
      'nodePools[1].machineType: "e2 standard 2" is not a machine type such as "e2-standard-4"',
      "nodePools[1].max: must be a whole number from 1 to 1000, not 0",
      'nodePools[2].machineTyp: unknown field; did you mean "machineType"?',
      'nodePools[2].name: "zero" is used twice',
      "nodePools[3].name: is required",
      'nodePools[3].machineType: "E2-STANDARD-4" is not a machine type such as "e2-standard-4"',
      'nodePools[3].spot: must be true or false, not "yes"',
      "nodePools[3].diskSizeGb: must be a whole number of GB from 10 to 65536, not 5",
      'nodePools[3].diskType: must be one of "pd-balanced", "pd-standard", "pd-ssd", not "pd-sdd"; did you mean "pd-ssd"?',
    ]);
    assert.deepEqual(await refusal({ nodePools: [] }), ["nodePools: must list at least one node pool"]);
  });

  it("refuses overlapping ranges, a master range that is not a /28, and misaligned blocks", async () => {
    assert.deepEqual(
      await refusal({
        nodesCidr: "10.16.0.0/20",
        servicesCidr: "10.17.0.0/20",
        masterCidr: "10.0.0.0/24",
      }),
      [
        "masterCidr: must be a /28, not /24",
        "podsCidr: 10.16.0.0/14 overlaps nodesCidr (10.16.0.0/20)",
        "servicesCidr: 10.17.0.0/20 overlaps podsCidr (10.16.0.0/14)",
      ],
    );
    assert.deepEqual(await refusal({ masterCidr: "10.0.0.0/28", podsCidr: "10.0.1.0/14" }), [
      'podsCidr: "10.0.1.0/14" has host bits set; did you mean "10.0.0.0/14"?',
      "masterCidr: 10.0.0.0/28 overlaps nodesCidr (10.0.0.0/20)",
    ]);
  });

  it("refuses an authorized network that is not a CIDR, and a private endpoint without private nodes", async () => {
    assert.deepEqual(
      await refusal({
        privateNodes: false,
        privateEndpoint: true,
        masterCidr: "172.16.0.0/28",
        authorizedNetworks: [
          { cidr: "203.0.113.7" },
          { cidr: "office" },
          { cidr: "10.1.0.0/16" },
          "10.2.0.0/16",
        ],
      }),
      [
        "masterCidr: is for private nodes: privateNodes is false",
        "privateEndpoint: needs private nodes: privateNodes is false",
        'authorizedNetworks[0].cidr: must be an IPv4 CIDR block such as "10.0.0.0/16", not "203.0.113.7"',
        'authorizedNetworks[1].cidr: must be an IPv4 CIDR block such as "10.0.0.0/16", not "office"',
        'authorizedNetworks[3]: must be { cidr, displayName? }, not "10.2.0.0/16"',
      ],
    );
  });

  it("refuses a half-given or conflicting existing network", async () => {
    assert.deepEqual(
      await refusal({
        network: { network: "vpc", podsRangeName: "pods", subnet: "s" },
        podsCidr: "10.64.0.0/14",
        nodesCidr: "10.0.0.0/20",
      }),
      [
        'network.subnet: unknown field; did you mean "subnetwork"?',
        "network.subnetwork: is required with network",
        "network.servicesRangeName: is required with network.podsRangeName",
        "podsCidr: cannot be given with network's secondary range names: the ranges already exist",
        "nodesCidr: shapes a new subnetwork and cannot be given with network (an existing one)",
      ],
    );
  });

  it("refuses a missing project and region, a zone outside the region, and bad names, channels and labels", async () => {
    assert.deepEqual(await refusal({}, {}), [
      "project: is required: give project or set the gcp:project config",
      "region: is required: give region (or zone) or set the gcp:region config",
    ]);
    assert.deepEqual(
      await refusal({
        project: "Shop",
        region: "europe-west1",
        zone: "us-east1-b",
        clusterName: "shop_prod",
        releaseChannel: "regular",
        labels: { Team: "shop" },
        namespace: "Shop",
        deletionProtection: "no",
        privateNode: false,
      }),
      [
        'privateNode: unknown field; did you mean "privateNodes"?',
        'project: "Shop" is not a Google Cloud project ID',
        'zone: "us-east1-b" is not in region "europe-west1"',
        'clusterName: "shop_prod" is not a GKE cluster name: lowercase letters, digits and -, starting with a letter, at most 40',
        'releaseChannel: must be one of "RAPID", "REGULAR", "STABLE", "EXTENDED", not "regular"; did you mean "REGULAR"?',
        'deletionProtection: must be true or false, not "no"',
        'labels.Team: "Team" is not a Google Cloud label key',
        'namespace: "Shop" is not a DNS label: at most 63 lower case letters, digits or "-", starting and ending with a letter or digit',
      ],
    );
  });

  it("refuses taints and node labels Kubernetes would refuse", async () => {
    assert.deepEqual(
      await refusal({
        nodePools: [
          {
            name: "main",
            labels: { "bad key!": "x", ok: "no spaces allowed" },
            taints: [
              { key: "dedicated", value: "gpu", effect: "NoScheduled" },
              { value: "x", effect: "NoExecute" },
            ],
          },
        ],
      }),
      [
        'nodePools[0].labels.bad key!: "bad key!" is not a Kubernetes label key',
        'nodePools[0].labels.ok: "no spaces allowed" is not a Kubernetes label value',
        'nodePools[0].taints[0].effect: must be one of "NoSchedule", "PreferNoSchedule", "NoExecute", not "NoScheduled"; did you mean "NoSchedule"?',
        "nodePools[0].taints[1].key: is required",
      ],
    );
  });

  it("runs a ContainerService: its Kubernetes objects use the GKE cluster's provider, in its namespace", async () => {
    const withProvider = new Map<string, boolean>();
    const run = await runProgram(
      () => {
        const objects = new Map<string, pulumi.ProviderResource | undefined>();
        pulumi.runtime.registerStackTransformation((a) => {
          if (a.type.startsWith("kubernetes:")) objects.set(`${a.type} ${a.name}`, a.opts.provider);
          return undefined;
        });
        const cluster = new GkeCluster("shop", withEndpoint({}));
        new ContainerService("web", {
          cluster,
          image: "registry.example.com/web:1",
          replicas: 2,
          ports: [{ target: 8080 }],
        });
        for (const [key, provider] of objects) withProvider.set(key, provider === cluster.provider);
      },
      {
        config: gcpConfig,
        mockResource: gcpMockResource,
        mockInvoke: gcpMockInvoke,
        mockDynamic: kubernetesMockDynamic,
      },
    );
    const service = run.byName("web", "berth:index:ContainerService");
    const below = (urn: string): boolean => {
      const r = run.resources.find((x) => x.urn === urn);
      return r !== undefined && (r === service || below(r.parent));
    };
    const serviceObjects = run.resources.filter((r) => r.type.startsWith("kubernetes:") && below(r.urn));
    assert.ok(
      serviceObjects.some((r) => r.type === "kubernetes:apps/v1:Deployment"),
      "the service runs as a Deployment",
    );
    for (const r of serviceObjects) {
      assert.equal(
        withProvider.get(`${r.type} ${r.name}`),
        true,
        `${r.type} ${r.name} uses the cluster's provider`,
      );
      const metadata = r.inputs.metadata as { namespace?: string };
      assert.equal(metadata.namespace, "berth-test-test", `${r.name} is in the cluster's namespace`);
    }
    const deployment = serviceObjects.find((r) => r.type === "kubernetes:apps/v1:Deployment");
    assert.equal((deployment?.inputs.spec as { replicas: number }).replicas, 2);
  });

  it("makes an arm64 node pool on t2a machines, and refuses a machine type of another architecture", async () => {
    const run = await deploy({
      nodePools: [
        { name: "arm", architecture: "arm64" },
        { name: "x86", machineType: "n2-standard-4" },
      ],
    });
    const nodes = (pool: string) =>
      inputsOf(run, `shop-pool-${pool}`, t.nodePool).nodeConfig as Record<string, unknown>;
    assert.equal(nodes("arm").machineType, "t2a-standard-2");
    assert.equal(nodes("x86").machineType, "n2-standard-4");
    const issues = await refusal({
      nodePools: [
        { name: "arm", architecture: "arm64", machineType: "e2-standard-4" },
        { name: "x86", architecture: "amd64", machineType: "t2a-standard-4" },
        { name: "odd", architecture: "s390x" },
      ],
    });
    assert.deepEqual(
      issues.map((i) => i.split(":").slice(0, 2).join(":")),
      [
        'nodePools[0].machineType: "e2-standard-4" is an amd64 type, but nodePools[0].architecture is "arm64"',
        'nodePools[1].machineType: "t2a-standard-4" is an arm64 type, but nodePools[1].architecture is "amd64"',
        'nodePools[2].architecture: must be "amd64" or "arm64", not "s390x"',
      ],
    );
  });

  it("switches Managed Service for Prometheus on unless its monitoring says otherwise, and checks that setting", async () => {
    const managed = { enableComponents: ["SYSTEM_COMPONENTS"], managedPrometheus: { enabled: true } };
    assert.deepEqual(clusterOf(await deploy()).monitoringConfig, managed);
    const operator = await deploy({
      monitoring: { discovery: "podMonitor", scraperNamespace: "monitoring" },
    });
    assert.equal(clusterOf(operator).monitoringConfig, undefined);
    assert.deepEqual(
      await refusal({ monitoring: { discovery: "servicemonitor", scraperNamespace: "Monitoring" } }),
      [
        'monitoring.discovery: must be one of "annotations", "podMonitor", "podMonitoring", not "servicemonitor"',
        'monitoring.scraperNamespace: "Monitoring" is not a namespace name (a DNS label)',
      ],
    );
  });
});
