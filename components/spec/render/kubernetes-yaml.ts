import { stringify } from "yaml";
import type { KubernetesObject } from "./kubernetes";

/** Kubernetes objects as one multi-document YAML text, each document opened by `---`. */
export const kubernetesYaml = (objects: readonly KubernetesObject[]): string =>
  objects.map((o) => `---\n${stringify(o)}`).join("");
