/** `berth/kubernetes`: Kubernetes clusters and workloads. */
export { renderKubernetes, failureActionAnnotation, type KubernetesObject } from "../spec/render/kubernetes";
