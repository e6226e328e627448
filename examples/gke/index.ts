import * as pulumi from "@pulumi/pulumi";
import { GkeCluster } from "pulumi-berth/kubernetes";
import { kubernetesApp } from "../kubernetes/app";

const config = new pulumi.Config();
/** Every service runs busybox's tools (httpd, wget, sh), so one small public image serves the whole app. */
const image = config.get("image") ?? "busybox:1.36";
const apiToken = config.requireSecret("apiToken");
/** A zone makes a zonal cluster: one control plane replica and nodes in one zone, cheaper. */
const zone = config.get("zone");
/** The address block kubectl and Pulumi reach the control plane from, e.g. your address with /32. */
const adminCidr = config.require("adminCidr");

// A private, VPC-native cluster in a new network with Cloud NAT (the nodes pull busybox from Docker
// Hub through it), with one autoscaled pool of nodes running as their own least-privilege account, and
// Secrets encrypted with a Cloud KMS key Berth makes.
const cluster = new GkeCluster("berth", {
  ...(zone !== undefined && { zone }),
  // Only this block reaches the control plane's endpoint (CIS GKE 5.6.3).
  authorizedNetworks: [{ cidr: adminCidr, displayName: "admin" }],
  nodePools: [
    { name: "apps", machineType: "e2-standard-2", min: 1, max: 2, spot: config.getBoolean("spot") },
  ],
  // An example is meant to be destroyed again; keep GKE's protection on for clusters that matter.
  deletionProtection: false,
});

export const { url, apiEndpoint, services } = kubernetesApp(cluster, { image, apiToken });

export const clusterName = cluster.gkeClusterName;
export const kubeconfig = cluster.kubeconfig;
export const namespace = cluster.namespace;
