/** `EcsCluster`'s `logging` argument: FireLens, a log router in every task, and its checks. */
import type { LogSink } from "../observability-contract";
import { type AddIssue, isObject, isWhole, show, unknownFields } from "../arguments/issues";
import { logSinkIssues } from "../observability/log-sink-args";
import { parseImageReference } from "../spec/image";

/** How an ECS cluster's services ship their logs. */
export interface EcsLoggingArgs {
  /**
   * Route the logs of every service that names no log driver of its own through a log router in its
   * task (FireLens, with AWS for Fluent Bit) to `sink`, instead of `awslogs` to the service's log group.
   * @default none: `awslogs`
   */
  firelens?: EcsFirelensArgs;
}

/** A FireLens log router in every task of the cluster's services. */
export interface EcsFirelensArgs {
  /**
   * Where the logs go. ECS options are one value per name: an `http` sink takes at most one header;
   * a `cloudwatch` sink is written with the task's role (Berth grants it the group), never with keys.
   */
  sink: LogSink;
  /**
   * Memory reserved for the router, in MiB. ECS gives Fluent Bit's input half of it as its buffer
   * (`Mem_Buf_Limit`), so that a slow or dead sink pauses the router instead of growing it until the
   * task runs out of memory. The router gets no hard limit: the task's memory bounds it.
   * @default 50
   */
  memoryReservation?: number;
  /**
   * Log events each application container's log driver holds in memory while the router is slow (ECS's
   * `log-driver-buffer-limit`, 0 to 536870911); beyond it, events are dropped, and the application never
   * waits.
   * @default ECS's (1048576 events)
   */
  bufferLimit?: number;
  /**
   * The router's image: AWS for Fluent Bit, or any Fluent Bit image that FireLens can configure.
   * @default AWS for Fluent Bit 3.4.17 from Amazon ECR Public, pinned by digest
   */
  image?: string;
}

/**
 * AWS for Fluent Bit from Amazon ECR Public, pinned by the digest of its multi-platform index, so that a
 * moved tag cannot change what reads every task's logs.
 */
export const awsForFluentBitImage =
  "public.ecr.aws/aws-observability/aws-for-fluent-bit:3.4.17@sha256:940eee58ec25fc5b92328da54e9c834c0bb4656c76320ceb24be7a8dd4063029";

/** The router's memory reservation unless given, in MiB. */
export const defaultRouterMemoryMiB = 50;

/** Every problem with `logging`, at `logging.firelens.<field>`. */
export function ecsLoggingIssues(logging: unknown, add: AddIssue): void {
  if (!isObject(logging)) return add("logging", "must be { firelens }");
  unknownFields(logging, ["firelens"], "logging.", add);
  const firelens = logging.firelens;
  if (firelens === undefined) return;
  const path = "logging.firelens";
  if (!isObject(firelens)) return add(path, "must be { sink, memoryReservation?, bufferLimit?, image? }");
  unknownFields(firelens, ["sink", "memoryReservation", "bufferLimit", "image"], `${path}.`, add);
  logSinkIssues(firelens.sink, `${path}.sink`, add);
  const sink = firelens.sink as Partial<Record<string, unknown>> | undefined;
  if (sink?.kind === "http" && isObject(sink.headers) && Object.keys(sink.headers).length > 1)
    add(`${path}.sink.headers`, "FireLens passes one value per option: give at most one header");
  if (sink?.kind === "cloudwatch" && sink.credentials !== undefined)
    add(
      `${path}.sink.credentials`,
      "the router writes with the task's role, which Berth grants the log group: leave credentials out",
    );
  const reservation = firelens.memoryReservation;
  if (reservation !== undefined && !isWhole(reservation, 6, 16384))
    add(
      `${path}.memoryReservation`,
      `must be a whole number of MiB from 6 to 16384, not ${show(reservation)}`,
    );
  const limit = firelens.bufferLimit;
  if (limit !== undefined && !isWhole(limit, 0, 536870911))
    add(`${path}.bufferLimit`, `must be a whole number of events from 0 to 536870911, not ${show(limit)}`);
  const image = firelens.image;
  if (image !== undefined) {
    const parsed = typeof image === "string" ? parseImageReference(image) : { error: "must be a string" };
    if ("error" in parsed) add(`${path}.image`, `${show(image)} is not an image reference: ${parsed.error}`);
  }
}
