import { normalizeService } from "../spec/normalize";
import {
  type KubernetesObject,
  type KubernetesRenderOptions,
  renderKubernetes,
} from "../spec/render/kubernetes";
import { kubernetesYaml } from "../spec/render/kubernetes-yaml";
import { SpecError } from "../spec/errors";
import type { ServiceInput } from "../spec/types";
import { placedIn } from "./objects";

/** How {@link renderKubernetesManifests} renders a service for a repository. */
export interface KubernetesManifestOptions extends Pick<
  KubernetesRenderOptions,
  "partOf" | "peerAccess" | "monitoring" | "objectNames"
> {
  /**
   * The namespace written into every object. Leave it out to let whatever applies the manifests (an
   * Argo CD Application's destination, `kubectl -n`) choose.
   */
  namespace?: string;
  /**
   * What to do with `secretEnv`, whose Secret would hold its values in clear text in the repository:
   * `"refuse"` throws; `"omit"` leaves the Secret out (its pods still read it: create it by other
   * means, named `objectNames.secretEnv` or `<service>-env`).
   * @default "refuse"
   */
  secretEnv?: "refuse" | "omit";
}

/**
 * The Kubernetes objects a `ContainerService` named `name` would create for `service` on a
 * `KubernetesCluster`, as multi-document YAML a Git repository can hold, for an Argo CD Application
 * (or any GitOps tool) to deploy: the same service description then deploys by push (`pulumi up`) or
 * by pull. `berth render --target kubernetes` prints the same objects.
 *
 * What only a deployment does is left out: no rollout waits, no canary (a canaried service renders its
 * stable Deployment), and no content-named Secrets or ConfigMaps for file data (name existing ones with
 * `objectNames`).
 *
 * @throws `SpecError` when the description has problems, or it has `secretEnv` and
 *   `options.secretEnv` is not `"omit"`.
 */
export function renderKubernetesManifests(
  name: string,
  service: ServiceInput,
  options: KubernetesManifestOptions = {},
): string {
  return kubernetesYaml(kubernetesManifestObjects(name, service, options));
}

/** The objects {@link renderKubernetesManifests} writes, before YAML. */
export function kubernetesManifestObjects(
  name: string,
  service: ServiceInput,
  options: KubernetesManifestOptions = {},
): KubernetesObject[] {
  const { namespace, secretEnv = "refuse", ...renderOptions } = options;
  const normalized = normalizeService(name, service);
  const secretNames = Object.keys(normalized.secretEnv);
  if (secretNames.length > 0 && secretEnv !== "omit")
    throw new SpecError(name, [
      {
        path: "secretEnv",
        message:
          `${secretNames.join(", ")} would be written in clear text into the manifests; keep them out ` +
          `of the repository (secretEnv: "omit") and create their Secret by other means`,
      },
    ]);
  const objects = renderKubernetes(normalized, renderOptions).filter(
    (o) => !(o.kind === "Secret" && secretNames.length > 0),
  );
  return namespace === undefined ? objects : objects.map((o) => placedIn(o, namespace));
}
