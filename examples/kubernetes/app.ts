import type * as pulumi from "@pulumi/pulumi";
import { ContainerService, type ServiceCluster } from "pulumi-berth";
import { apiPage, apiProxyScript, webPage, workerScript } from "../local/app";

/** What the app needs besides its cluster. */
export interface KubernetesAppArgs {
  /** One small image with busybox's tools (httpd, wget, sh) runs every service. */
  image: string;
  /** The token the api gets as a file and the worker as a variable. */
  apiToken: pulumi.Output<string>;
}

/**
 * The example's three services (web, api, worker) on a Kubernetes cluster: the pages and the CGI
 * script come from ConfigMaps, the token from Secrets, every container runs as nobody on unprivileged
 * ports, and only web is public (a LoadBalancer Service on port 80).
 */
export function kubernetesApp(cluster: ServiceCluster, { image, apiToken }: KubernetesAppArgs) {
  // Start the new pods before stopping old ones, and roll back when they fail their health checks.
  const update = { order: "start-first", failureAction: "rollback" } as const;
  const resources = { cpu: 0.1, memory: "64Mi" };
  /** Every container runs as nobody: the servers listen on unprivileged ports. */
  const user = "65534:65534";
  const apiPort = 8080;
  const webPort = 8080;

  const api = new ContainerService("api", {
    cluster,
    image,
    user,
    command: ["httpd", "-f", "-p", String(apiPort), "-h", "/srv/api"],
    replicas: 2,
    // Internal: only the stack's pods reach it, at its cluster DNS name.
    ports: [{ target: apiPort }],
    configs: [{ source: "index", target: "/srv/api/index.html", data: apiPage }],
    secrets: [{ source: "token", data: apiToken }],
    healthCheck: { http: { path: "/", port: apiPort }, interval: "5s", timeout: "3s", retries: 3 },
    update,
    resources,
    stopGracePeriod: "2s",
  });

  /** The API's cluster DNS name, as the other services call it. */
  const apiHost = api.endpoints.apply((endpoints) => endpoints[0].host);

  const web = new ContainerService(
    "web",
    {
      cluster,
      image,
      user,
      command: ["httpd", "-f", "-p", String(webPort), "-h", "/srv/www"],
      replicas: 2,
      // Public: a LoadBalancer Service listens on port 80 and forwards to the pods.
      ports: [{ target: webPort, published: 80, public: true }],
      configs: [
        { source: "index", target: "/srv/www/index.html", data: webPage },
        {
          source: "api-cgi",
          target: "/srv/www/cgi-bin/api",
          mode: 0o555,
          data: apiHost.apply((host) => apiProxyScript(host, apiPort)),
        },
      ],
      healthCheck: { http: { path: "/", port: webPort }, interval: "5s", timeout: "3s", retries: 3 },
      update,
      resources,
      stopGracePeriod: "2s",
    },
    { dependsOn: [api] },
  );

  const worker = new ContainerService(
    "worker",
    {
      cluster,
      image,
      user,
      // The script's URL names "$API_HOST", which the shell expands to the API's cluster DNS name.
      command: ["sh", "-c", workerScript("$API_HOST", apiPort)],
      env: { API_HOST: apiHost },
      secretEnv: { API_TOKEN: apiToken },
      healthCheck: { command: "test -f /tmp/healthy", interval: "5s", retries: 3, startPeriod: "10s" },
      update,
      resources,
      stopGracePeriod: "1s",
    },
    { dependsOn: [api] },
  );

  return {
    web,
    api,
    worker,
    /** The web's LoadBalancer address, once the cloud assigned one. */
    url: web.endpoints.apply((endpoints) => {
      const published = endpoints.find((e) => e.publicAddress);
      return published && `http://${published.publicAddress}/`;
    }),
    /** The API's cluster DNS name and port. */
    apiEndpoint: api.endpoints.apply((endpoints) => `${endpoints[0].host}:${endpoints[0].port}`),
    services: { web: web.serviceName, api: api.serviceName, worker: worker.serviceName },
  };
}
