/**
 * What Google Cloud would answer in component tests: the resource type tokens the GKE components
 * declare, the outputs the provider computes for them, and the provider functions they call.
 */
import type { MockedResource } from "./harness";
import { kubernetesMockResource } from "./kubernetes-mocks";

/** The project tests configure as `gcp:project`. */
export const gcpProject = "berth-test-1";
/** The region tests configure as `gcp:region`. */
export const gcpRegion = "europe-west1";

/** Google Cloud resource type tokens, by a short name. */
export const gcpTypes = {
  network: "gcp:compute/network:Network",
  subnetwork: "gcp:compute/subnetwork:Subnetwork",
  router: "gcp:compute/router:Router",
  routerNat: "gcp:compute/routerNat:RouterNat",
  cluster: "gcp:container/cluster:Cluster",
  nodePool: "gcp:container/nodePool:NodePool",
  serviceAccount: "gcp:serviceaccount/account:Account",
  iamMember: "gcp:projects/iAMMember:IAMMember",
  keyRing: "gcp:kms/keyRing:KeyRing",
  cryptoKey: "gcp:kms/cryptoKey:CryptoKey",
  cryptoKeyIamMember: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
} as const;

/** The public address every mocked cluster's control plane answers on. */
export const gkePublicEndpoint = "203.0.113.10";

/** The CA certificate GKE would return for the cluster named `name`, base64-encoded PEM. */
export const gkeCaCertificate = (name: string) =>
  Buffer.from(`-----BEGIN CERTIFICATE-----\nMOCK-CA-${name}\n-----END CERTIFICATE-----\n`).toString("base64");

/** The second address of a /28 block: where a private control plane answers. */
function privateEndpointOf(masterCidr: string): string {
  const [address] = masterCidr.split("/");
  const octets = address.split(".").map(Number);
  octets[3] += 2;
  return octets.join(".");
}

interface PrivateClusterConfig {
  enablePrivateEndpoint?: boolean;
  masterIpv4CidrBlock?: string;
}

/**
 * What Google Cloud would compute: a cluster's endpoint (its private address when the endpoint is
 * private) and CA certificate, a service account's email and member, self links.
 */
export function gcpMockResource({ type, name, inputs }: MockedResource): Record<string, unknown> {
  const project = typeof inputs.project === "string" ? inputs.project : gcpProject;
  switch (type) {
    case gcpTypes.cluster: {
      const privateConfig = inputs.privateClusterConfig as PrivateClusterConfig | undefined;
      const privateEndpoint = privateConfig?.masterIpv4CidrBlock
        ? privateEndpointOf(privateConfig.masterIpv4CidrBlock)
        : undefined;
      return {
        endpoint: privateConfig?.enablePrivateEndpoint ? privateEndpoint : gkePublicEndpoint,
        masterAuth: {
          ...(inputs.masterAuth as object),
          clusterCaCertificate: gkeCaCertificate(String(inputs.name)),
        },
        ...(privateConfig && {
          privateClusterConfig: { ...privateConfig, privateEndpoint, publicEndpoint: gkePublicEndpoint },
        }),
        selfLink: `https://container.googleapis.com/v1/projects/${project}/locations/${String(inputs.location)}/clusters/${String(inputs.name)}`,
      };
    }
    case gcpTypes.serviceAccount: {
      const email = `${String(inputs.accountId)}@${project}.iam.gserviceaccount.com`;
      return {
        email,
        member: `serviceAccount:${email}`,
        name: `projects/${project}/serviceAccounts/${email}`,
        uniqueId: "104626371458910271354",
      };
    }
    case gcpTypes.network:
      return {
        selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/${name}`,
      };
    case gcpTypes.subnetwork:
      return {
        selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${String(inputs.region)}/subnetworks/${name}`,
      };
    case gcpTypes.router:
      return { name: `${name}-5c1d2e` };
    default:
      // The cluster's own objects (namespace, services' Deployments...) are the API server's to fill in.
      return type.startsWith("kubernetes:") ? kubernetesMockResource({ type, name, inputs }) : {};
  }
}

/** The project number of {@link gcpProject}: the GKE service agent is named after it. */
export const gcpProjectNumber = "123456789012";

/** What Google Cloud provider functions return: the project, by its ID. Other functions fail (undefined). */
export function gcpMockInvoke({
  token,
  args,
}: {
  token: string;
  args: Record<string, unknown>;
}): Record<string, unknown> | undefined {
  switch (token) {
    case "gcp:organizations/getProject:getProject": {
      const projectId = typeof args.projectId === "string" ? args.projectId : gcpProject;
      return { projectId, number: gcpProjectNumber, id: `projects/${projectId}` };
    }
    default:
      return undefined;
  }
}
