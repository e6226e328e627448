import type { ServiceInput } from "../../components/spec";

/** Images the example runs; each can be replaced through stack config. */
export interface AppImages {
  web: string;
  api: string;
  cache: string;
}

export const publicImages: AppImages = {
  web: "nginx:1.27-alpine",
  api: "traefik/whoami:v1.10",
  cache: "redis:7-alpine",
};

/** The example app as portable services: a public web front, an API behind it and a cache. */
export function appServices(images: AppImages): Record<string, ServiceInput> {
  return {
    web: {
      image: images.web,
      ports: [{ target: 80, published: 8080 }],
      replicas: 2,
      update: { order: "start-first", failureAction: "rollback" },
      resources: { cpu: 0.25, memory: "64Mi" },
    },
    api: {
      image: images.api,
      ports: [{ target: 80 }],
      replicas: 2,
      update: { order: "start-first", failureAction: "rollback" },
      resources: { cpu: 0.25, memory: "64Mi" },
    },
    cache: {
      image: images.cache,
      ports: [{ target: 6379 }],
      resources: { memory: "128Mi" },
    },
  };
}
