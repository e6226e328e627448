import type * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { GkePlacement } from "./gke-args";

/** How often a key Berth makes gets a new primary version: 90 days. */
export const secretsKeyRotationPeriod = "7776000s";
/** The role the GKE service agent needs on the key to encrypt and decrypt Secrets. */
export const secretsKeyRole = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

interface Children {
  sdk: typeof gcp;
  name: string;
  parent: pulumi.Resource;
  placement: GkePlacement;
}

/** The key that encrypts the cluster's Secrets in etcd, and what the cluster must wait for. */
export interface SecretsKey {
  keyName: pulumi.Input<string>;
  /** The key's IAM binding for the GKE service agent, when Berth made the key. */
  ready: pulumi.Resource[];
}

/**
 * The Cloud KMS key of application-layer Secrets encryption: the given one, or a new key ring and key in
 * the cluster's region, rotated every 90 days, that the project's GKE service agent
 * (`service-<project number>@container-engine-robot.iam.gserviceaccount.com`) may encrypt and decrypt with.
 * A key ring cannot be deleted in Google Cloud: destroying the stack leaves it, empty of usable keys.
 */
export function gkeSecretsKey(c: Children, given: pulumi.Input<string> | undefined): SecretsKey {
  if (given !== undefined) return { keyName: given, ready: [] };
  const { sdk, name, placement } = c;
  const child = { parent: c.parent };
  const ring = new sdk.kms.KeyRing(
    `${name}-secrets`,
    { project: placement.project, location: placement.region },
    child,
  );
  const key = new sdk.kms.CryptoKey(
    `${name}-secrets`,
    { keyRing: ring.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: secretsKeyRotationPeriod },
    child,
  );
  const project = sdk.organizations.getProjectOutput({ projectId: placement.project }, child);
  const binding = new sdk.kms.CryptoKeyIAMMember(
    `${name}-secrets-gke`,
    {
      cryptoKeyId: key.id,
      role: secretsKeyRole,
      member: pulumi.interpolate`serviceAccount:service-${project.number}@container-engine-robot.iam.gserviceaccount.com`,
    },
    child,
  );
  return { keyName: key.id, ready: [binding] };
}
