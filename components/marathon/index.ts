/**
 * `pulumi-berth/marathon`: Marathon app definitions (Mesos/Marathon is retired) converted to Berth's
 * portable service descriptions or a Compose file. Pure functions on plain data.
 *
 * @module pulumi-berth/marathon
 */
export { fromMarathonApp, serviceNameOf, type MarathonConversion } from "./app";
export { fromMarathonGroup, type MarathonGroupConversion } from "./group";
export { toComposeFile, type MarathonComposeFile } from "./compose";
export type * from "./types";
