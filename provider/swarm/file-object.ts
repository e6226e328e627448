import * as pulumi from "@pulumi/pulumi";
import { connectionProblems, type EngineConnection, engineClient } from "./engine";
import { engineMessage, isNotFound } from "./engine-errors";
import { isOwnedBy, type Owner, ownerLabels, userLabels } from "./ownership";

/** Swarm secrets and configs: immutable file objects with the same lifecycle. */
export type FileObjectKind = "secret" | "config";

export interface FileObjectInputs {
  connection: EngineConnection;
  /** Base name; the engine object is named `<name>-<first 12 hex of the content's SHA-256>`. */
  name: string;
  /** The content, UTF-8. */
  data: string;
  owner: Owner;
  labels: Record<string, string>;
}

export interface FileObjectOutputs extends Omit<FileObjectInputs, "data"> {
  /** The engine object's name (content-addressed). */
  objectName: string;
  /** SHA-256 of the content, hex; the content itself is never kept in outputs. */
  contentHash: string;
}

/** Swarm's limit on secret and config content. */
const maxContentBytes = 500 * 1024;
const baseNamePattern = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,49}[a-zA-Z0-9])?$/;

function contentHash(data: string): string {
  const { createHash } = require("crypto") as typeof import("crypto");
  return createHash("sha256").update(data, "utf8").digest("hex");
}

/** The Engine API calls for one kind; dockerode names them differently for secrets and configs. */
function api(kind: FileObjectKind, connection: EngineConnection) {
  const docker = engineClient(connection);
  type Handle = {
    inspect(): Promise<{
      ID: string;
      Version: { Index: number };
      Spec: { Name: string; Labels?: Record<string, string> };
    }>;
    remove(): Promise<unknown>;
    update(opts: object): Promise<unknown>;
  };
  return kind === "secret"
    ? {
        create: (opts: object) => docker.createSecret(opts) as Promise<{ id: string }>,
        get: (id: string) => docker.getSecret(id) as unknown as Handle,
        list: (opts: object) =>
          docker.listSecrets(opts) as Promise<
            { ID: string; Spec: { Name: string; Labels?: Record<string, string> } }[]
          >,
      }
    : {
        create: (opts: object) => docker.createConfig(opts) as Promise<{ id: string }>,
        get: (id: string) => docker.getConfig(id) as unknown as Handle,
        list: (opts: object) =>
          docker.listConfigs(opts) as Promise<
            { ID: string; Spec: { Name: string; Labels?: Record<string, string> } }[]
          >,
      };
}

function sameEngine(a: EngineConnection = {}, b: EngineConnection = {}): boolean {
  return a.socketPath === b.socketPath && a.protocol === b.protocol && a.host === b.host && a.port === b.port;
}

/** The dynamic provider for Swarm secrets (`kind: "secret"`) or configs (`kind: "config"`). */
export function fileObjectProvider(kind: FileObjectKind): pulumi.dynamic.ResourceProvider {
  return {
    async check(_olds: FileObjectInputs, news: FileObjectInputs) {
      const failures = connectionProblems(news.connection);
      if (typeof news.name !== "string" || !baseNamePattern.test(news.name)) {
        failures.push({
          property: "name",
          reason: `${JSON.stringify(news.name)} must be 1-51 letters, digits, "_", "." or "-", starting and ending with a letter or digit`,
        });
      }
      if (typeof news.data !== "string") failures.push({ property: "data", reason: "must be a string" });
      else if (Buffer.byteLength(news.data, "utf8") > maxContentBytes) {
        failures.push({
          property: "data",
          reason: `is larger than Swarm's ${maxContentBytes / 1024} KiB limit`,
        });
      }
      return { inputs: news, failures };
    },

    async diff(_id: string, olds: FileObjectOutputs, news: FileObjectInputs) {
      const replaces: string[] = [];
      if (olds.contentHash !== contentHash(news.data)) replaces.push("data");
      if (olds.name !== news.name) replaces.push("name");
      if (!sameEngine(olds.connection, news.connection)) replaces.push("connection");
      const labelsChanged = JSON.stringify(olds.labels ?? {}) !== JSON.stringify(news.labels ?? {});
      // Content is immutable in Swarm: a new object is created before the old one is deleted, so
      // services can move to it without a gap.
      return { changes: replaces.length > 0 || labelsChanged, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: FileObjectInputs) {
      const hash = contentHash(inputs.data);
      const objectName = `${inputs.name}-${hash.slice(0, 12)}`;
      const labels = { ...inputs.labels, ...ownerLabels(inputs.owner) };
      const engine = api(kind, inputs.connection);
      const existing = (await engine.list({ filters: JSON.stringify({ name: [objectName] }) })).find(
        (o) => o.Spec.Name === objectName,
      );
      let id: string;
      if (existing) {
        // Left by an interrupted run of this stack: take it back. Anything else is not Berth's to touch.
        if (!isOwnedBy(existing.Spec.Labels, inputs.owner)) {
          throw new Error(
            `${kind} ${objectName} already exists and does not belong to stack ${inputs.owner.project}/${inputs.owner.stack}; Berth will not take it over`,
          );
        }
        id = existing.ID;
      } else {
        // Body only: dockerode would otherwise copy the options, content included, into the URL.
        const created = await engine.create({
          _query: {},
          _body: {
            Name: objectName,
            Labels: labels,
            Data: Buffer.from(inputs.data, "utf8").toString("base64"),
          },
        });
        id = created.id;
      }
      const { data: _content, ...rest } = inputs;
      const outs: FileObjectOutputs = { ...rest, objectName, contentHash: hash };
      return { id, outs };
    },

    async read(id: string, props: FileObjectOutputs) {
      try {
        const found = await api(kind, props.connection).get(id).inspect();
        return {
          id,
          props: { ...props, objectName: found.Spec.Name, labels: userLabels(found.Spec.Labels) },
        };
      } catch (err) {
        if (isNotFound(err)) return {};
        throw err;
      }
    },

    async update(id: string, olds: FileObjectOutputs, news: FileObjectInputs) {
      const handle = api(kind, news.connection).get(id);
      const current = await handle.inspect();
      // Only labels may change on a Swarm secret or config; the rest of the spec is sent back as read.
      await handle.update({
        _query: { version: current.Version.Index },
        _body: { ...current.Spec, Labels: { ...news.labels, ...ownerLabels(news.owner) } },
      });
      const { data: _content, ...rest } = news;
      return { outs: { ...rest, objectName: olds.objectName, contentHash: olds.contentHash } };
    },

    async delete(id: string, props: FileObjectOutputs) {
      const handle = api(kind, props.connection).get(id);
      try {
        const current = await handle.inspect();
        if (!isOwnedBy(current.Spec.Labels, props.owner)) {
          throw new Error(
            `${kind} ${current.Spec.Name} does not belong to stack ${props.owner.project}/${props.owner.stack}; not deleting it`,
          );
        }
        await handle.remove();
      } catch (err) {
        if (isNotFound(err)) return;
        throw new Error(`cannot delete ${kind} ${props.objectName}: ${engineMessage(err)}`, { cause: err });
      }
    },
  };
}
