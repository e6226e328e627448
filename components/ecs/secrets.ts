import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials, WorkloadFile } from "../cluster";

/** One SecureString parameter whose value is kept as a Pulumi secret. */
function secureString(
  resourceName: string,
  parameterName: string,
  value: pulumi.Input<string>,
  description: string,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): aws.ssm.Parameter {
  return new aws.ssm.Parameter(
    resourceName,
    { name: parameterName, type: "SecureString", value: pulumi.secret(value), description, tags },
    opts,
  );
}

/**
 * `secretEnv` values live in SSM Parameter Store as SecureString parameters, one per variable, named
 * `<prefix>/<service>/<VARIABLE>` as `renderEcs` names them. Parameters rather than Secrets Manager:
 * they cost nothing at the standard tier, the hierarchical name says whose value it is, and ECS reads
 * them by ARN like secrets; with the account's default `aws/ssm` key the execution role needs no KMS
 * grant. The values are Pulumi secrets, so the state holds them encrypted.
 */
export function secretEnvParameters(
  name: string,
  parameters: { key: string; name: string }[],
  values: pulumi.Input<Record<string, pulumi.Input<string>>>,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): Map<string, aws.ssm.Parameter> {
  const all = pulumi.output(values);
  return new Map(
    parameters.map((p) => {
      const value = all.apply((v) => {
        const found = v[p.key];
        if (found === undefined) throw new Error(`secretEnv ${p.key} of ${name} has no value`);
        return found;
      });
      const parameter = secureString(
        `${name}-env-${p.key}`,
        p.name,
        value,
        `secretEnv ${p.key} of ${name}`,
        tags,
        opts,
      );
      return [p.key, parameter];
    }),
  );
}

/**
 * The content of secret files, one SecureString parameter each (`<prefix>/<service>/files/<source>`, as
 * `renderEcs` names them), keyed by the secret's `source`. Only the init container that writes the
 * files reads them; the content is a Pulumi secret. A parameter holds at most 4 KB (standard tier).
 */
export function secretFileParameters(
  name: string,
  parameters: { source: string; name: string }[],
  files: WorkloadFile[],
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): Map<string, aws.ssm.Parameter> {
  return new Map(
    parameters.map((p) => {
      const file = files.find((f) => f.source === p.source);
      if (file === undefined) throw new Error(`secret ${p.source} of ${name} has no data`);
      const description = `secret file ${p.source} of ${name}`;
      return [p.source, secureString(`${name}-file-${p.source}`, p.name, file.data, description, tags, opts)];
    }),
  );
}

/**
 * Registry credentials as ECS takes them: a Secrets Manager secret holding `{username, password}`
 * (`repositoryCredentials` accepts nothing else). The value is a Pulumi secret.
 */
export function registryCredentialsSecret(
  name: string,
  auth: pulumi.Input<RegistryCredentials>,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): { secret: aws.secretsmanager.Secret; version: aws.secretsmanager.SecretVersion } {
  const secret = new aws.secretsmanager.Secret(
    `${name}-registry`,
    { description: `Registry credentials of ${name}`, tags },
    opts,
  );
  const version = new aws.secretsmanager.SecretVersion(
    `${name}-registry`,
    {
      secretId: secret.id,
      secretString: pulumi.secret(
        pulumi.output(auth).apply(({ username, password }) => JSON.stringify({ username, password })),
      ),
    },
    opts,
  );
  return { secret, version };
}
