import * as pulumi from "@pulumi/pulumi";
import { normalizeService, renderSwarm } from "../../components/spec";
import { EngineInfo } from "../../components/swarm";
import { type AppImages, appServices, publicImages } from "./app";

const config = new pulumi.Config();
const sharedImage = config.get("image");
const images: AppImages = {
  web: config.get("webImage") ?? sharedImage ?? publicImages.web,
  api: config.get("apiImage") ?? sharedImage ?? publicImages.api,
  cache: config.get("cacheImage") ?? sharedImage ?? publicImages.cache,
};

// Every service is validated and rendered before anything touches the engine: a bad spec fails the
// preview with all of its problems listed.
const specs = Object.entries(appServices(images)).map(([name, input]) =>
  renderSwarm(normalizeService(name, input)),
);

const engine = new EngineInfo("local-engine");

export const engineVersion = engine.serverVersion;
export const swarmState = engine.swarmState;
export const services = specs.map((s) => ({ name: s.Name, image: s.TaskTemplate.ContainerSpec.Image }));
