import type { StackSupport } from "../stack-contract";

/** What a Compose stack may hold on Kubernetes, one workload per service (see {@link StackSupport}). */
export const kubernetesStackSupport: StackSupport = {
  oneNetwork: "Kubernetes has one pod network",
  // The renderer mounts a named volume as the PersistentVolumeClaim of that name.
  namedVolumes: {
    kind: "existing-claims",
    refusal: (volume) =>
      `the named volume "${volume}" cannot be created on kubernetes: Berth creates no PersistentVolumeClaims yet; create one and declare the volume external (volumes.${volume}: {external: true, name: <claim>})`,
  },
  containerLabelsIgnored: "kubernetes has no container labels; deploy.labels label the workload",
  // A headless Service gives a service without ports its cluster DNS name.
  namesPortlessServices: true,
};
