import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { providerComputed } from "../mocked-values";
import { combine } from "../outputs";
import type { RegistryCredentials, WorkloadFile } from "../cluster";
import { fileContentKey } from "../spec/render/kubernetes-pod";
import { configObjectName, secretObjectName, variablesContent } from "./object-names";

/** How the workload creates its objects: the SDK, the Pulumi name prefix and the common settings. */
export interface ObjectFactory {
  sdk: typeof k8s;
  /** Prefix of the Pulumi resource names. */
  name: string;
  /** The service's name on the cluster, which the object names start with. */
  serviceName: string;
  namespace: pulumi.Output<string>;
  salt: pulumi.Output<string>;
  labels: Record<string, string>;
  opts: pulumi.CustomResourceOptions;
}

/** A created Secret or ConfigMap and its name on the cluster, which pods refer to. */
export interface NamedObject<T> {
  resource: T;
  objectName: pulumi.Output<string>;
}

/**
 * A Secret named by the HMAC of its content; the name itself is no secret, so pods that refer to it are
 * not either.
 */
function salted(
  f: ObjectFactory,
  pulumiName: string,
  base: string,
  source: string,
  content: pulumi.Input<string>,
  type: string,
  stringData: (content: string) => Record<string, string>,
): NamedObject<k8s.core.v1.Secret> {
  const secretContent = pulumi.secret(content);
  const objectName = pulumi.unsecret(
    combine(secretContent, f.salt, (c, salt) =>
      secretObjectName(base, source, c, providerComputed(salt, pulumiName, "salt")),
    ),
  );
  const resource = new f.sdk.core.v1.Secret(
    pulumiName,
    {
      metadata: { name: objectName, namespace: f.namespace, labels: f.labels },
      type,
      // Derived from a secret, so secret.
      stringData: secretContent.apply(stringData),
      immutable: true,
    },
    f.opts,
  );
  return { resource, objectName };
}

/** The Secret holding `secretEnv`'s values (a Pulumi secret), one key per variable. */
export function secretEnvSecret(
  f: ObjectFactory,
  values: pulumi.Input<Record<string, pulumi.Input<string>>>,
): NamedObject<k8s.core.v1.Secret> {
  const all = pulumi.output(values) as pulumi.Output<Record<string, string>>;
  return salted(
    f,
    `${f.name}-env`,
    `${f.serviceName}-env`,
    "env",
    all.apply(variablesContent),
    "Opaque",
    (c) => Object.fromEntries(JSON.parse(c) as [string, string][]),
  );
}

/** A Secret per secret file created with the service, its content under {@link fileContentKey}. */
export function secretFiles(
  f: ObjectFactory,
  files: WorkloadFile[],
): Map<string, NamedObject<k8s.core.v1.Secret>> {
  return new Map(
    files.map((file) => [
      file.source,
      salted(
        f,
        `${f.name}-secret-${file.source}`,
        `${f.serviceName}-${file.source}`,
        file.source,
        file.data,
        "Opaque",
        (c) => ({ [fileContentKey]: c }),
      ),
    ]),
  );
}

/** A ConfigMap per config file created with the service, named by the SHA-256 of its content. */
export function configFiles(
  f: ObjectFactory,
  files: WorkloadFile[],
): Map<string, NamedObject<k8s.core.v1.ConfigMap>> {
  return new Map(
    files.map((file) => {
      const content = pulumi.output(file.data);
      const objectName = content.apply((c) =>
        configObjectName(`${f.serviceName}-${file.source}`, file.source, c),
      );
      const resource = new f.sdk.core.v1.ConfigMap(
        `${f.name}-config-${file.source}`,
        {
          metadata: { name: objectName, namespace: f.namespace, labels: f.labels },
          data: content.apply((c) => ({ [fileContentKey]: c })),
          immutable: true,
        },
        f.opts,
      );
      return [file.source, { resource, objectName }];
    }),
  );
}

/** Docker's config file with one registry's credentials, as `kubernetes.io/dockerconfigjson` holds it. */
export function dockerConfigJson({ server, username, password }: RegistryCredentials): string {
  const auth = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
  return JSON.stringify({ auths: { [server]: { username, password, auth } } });
}

/** The image pull Secret (`kubernetes.io/dockerconfigjson`) holding the registry credentials. */
export function registrySecret(
  f: ObjectFactory,
  auth: pulumi.Input<RegistryCredentials>,
): NamedObject<k8s.core.v1.Secret> {
  const config = pulumi.output(auth).apply(dockerConfigJson);
  return salted(
    f,
    `${f.name}-registry`,
    `${f.serviceName}-registry`,
    "registry",
    config,
    "kubernetes.io/dockerconfigjson",
    (c) => ({
      ".dockerconfigjson": c,
    }),
  );
}
