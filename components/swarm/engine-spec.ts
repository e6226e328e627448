import * as pulumi from "@pulumi/pulumi";
import type { RegistryCredentials } from "../cluster";
import type { SwarmServiceSpec } from "../spec";
import type { ProviderServiceSpec, RegistryAuth } from "../../provider/swarm";

/** Registry credentials as the engine takes them in `X-Registry-Auth`; undefined when none are given. */
export function engineRegistryAuth(
  credentials: pulumi.Input<RegistryCredentials> | undefined,
): pulumi.Output<RegistryAuth> | undefined {
  return (
    credentials &&
    pulumi.output(credentials).apply((auth) => ({
      serveraddress: auth.server,
      username: auth.username,
      password: auth.password,
    }))
  );
}

/** A rendered spec whose secrets and configs point at the engine objects' names (by source name). */
export function engineSpec(
  rendered: SwarmServiceSpec,
  secretNames: Record<string, string>,
  configNames: Record<string, string>,
): ProviderServiceSpec {
  const container = rendered.TaskTemplate.ContainerSpec;
  return {
    ...rendered,
    TaskTemplate: {
      ...rendered.TaskTemplate,
      ContainerSpec: {
        ...container,
        Secrets: container.Secrets?.map((s) => ({
          ...s,
          SecretName: secretNames[s.SecretName] ?? s.SecretName,
        })),
        Configs: container.Configs?.map((c) => ({
          ...c,
          ConfigName: configNames[c.ConfigName] ?? c.ConfigName,
        })),
      },
    },
  };
}
