import * as pulumi from "@pulumi/pulumi";
import { containsUnknown, isKnown, isUnknown } from "../shared/unknowns";
import { contentAddressedName, contentDigest } from "../shared/content-name";
import { type EngineConnections, managerClient } from "./managers";
import { engineMessage, isNotFound } from "../shared/engine-errors";
import {
  knownConnectionProblems,
  notOwnedReason,
  ownerFromLabels,
  requireSameSwarm,
  sameValue,
  swarmIdOf,
} from "./identity";
import { adoptionRefusal, isOwnedBy, type Owner, ownerLabelKeys, ownerLabels, userLabels } from "./ownership";

function randomHex(bytes: number): string {
  return (require("crypto") as typeof import("crypto")).randomBytes(bytes).toString("hex");
}

/** Swarm secrets and configs: immutable file objects with the same lifecycle. */
export type FileObjectKind = "secret" | "config";

export interface FileObjectInputs {
  connection: EngineConnections;
  /** Base name; the engine object is named `<name>-<first 12 hex of contentHash>`. */
  name: string;
  /** The content, UTF-8. */
  data: string;
  owner: Owner;
  labels: Record<string, string>;
}

/**
 * What the provider keeps in state; the content itself never is.
 *
 * Import (`pulumi import`, read with empty props) reads the object from the local engine and its owner
 * from its `berth.*` labels (an object without them is refused: Berth takes over only what it
 * labelled). A config's content is read back, so its state is whole. A secret's content cannot be read
 * back: its `contentHash` and `salt` are imported empty, and the next `up` replaces the secret by a new
 * one with the program's content (created before the old one is deleted, so services move over).
 */
export interface FileObjectOutputs extends Omit<FileObjectInputs, "data"> {
  /** The engine object's name (content-addressed). */
  objectName: string;
  /**
   * Config: SHA-256 of the content, hex. Secret: HMAC-SHA-256 of the content keyed with `salt`, so the
   * name does not let anyone who can list secrets confirm a guessed value. "" when not known (import).
   */
  contentHash: string;
  /** Secret only: the random key of `contentHash`, made at create. Secret. */
  salt?: string;
  /** The swarm the object was made in (its cluster ID). */
  swarmId: string;
}

/** Swarm's limit on secret and config content. */
const maxContentBytes = 500 * 1024;
const baseNamePattern = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,49}[a-zA-Z0-9])?$/;

/** Hex digits of the content's digest in an engine object's name. */
const nameDigits = 12;

/** The content's digest: HMAC under `salt` for a secret, plain SHA-256 for a config. */
function contentHash(kind: FileObjectKind, data: string, salt = ""): string {
  return contentDigest(data, kind === "secret" ? salt : undefined);
}

/**
 * The engine object's name, `<name>-<first 12 hex of the content's digest>`, and that digest (the
 * state's `contentHash`). A secret's digest is keyed with its `salt`.
 */
export function fileObjectName(
  kind: FileObjectKind,
  name: string,
  data: string,
  salt?: string,
): { name: string; digest: string } {
  return contentAddressedName(name, data, {
    hexDigits: nameDigits,
    ...(kind === "secret" && { key: salt ?? "" }),
  });
}

/** Whether `data` is the content the object in `olds` was made with (false when that is not known). */
function sameContent(kind: FileObjectKind, olds: FileObjectOutputs, data: string): boolean {
  // Secret state without a salt (import, or a secret named by its plain hash) is replaced.
  if (!olds.contentHash || (kind === "secret" && !olds.salt)) return false;
  return contentHash(kind, data, olds.salt) === olds.contentHash;
}

/** The base name of an engine object named `<name>-<12 hex>`. */
function baseName(objectName: string): string {
  return new RegExp(`^(.+)-[0-9a-f]{${nameDigits}}$`).exec(objectName)?.[1] ?? objectName;
}

/** The Engine API calls for one kind; dockerode names them differently for secrets and configs. */
function api(kind: FileObjectKind, connection: EngineConnections) {
  const docker = managerClient(connection);
  type Handle = {
    inspect(): Promise<{
      ID: string;
      Version: { Index: number };
      Spec: { Name: string; Labels?: Record<string, string>; Data?: string };
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

/** The dynamic provider for Swarm secrets (`kind: "secret"`) or configs (`kind: "config"`). */
export function fileObjectProvider(kind: FileObjectKind): pulumi.dynamic.ResourceProvider {
  return {
    async check(_olds: FileObjectInputs, news: FileObjectInputs) {
      const failures = knownConnectionProblems(news.connection);
      if (!isUnknown(news.name) && (typeof news.name !== "string" || !baseNamePattern.test(news.name))) {
        failures.push({
          property: "name",
          reason: `${JSON.stringify(news.name)} must be 1-51 letters, digits, "_", "." or "-", starting and ending with a letter or digit`,
        });
      }
      if (isUnknown(news.data)) return { inputs: news, failures };
      if (typeof news.data !== "string") failures.push({ property: "data", reason: "must be a string" });
      else if (Buffer.byteLength(news.data, "utf8") > maxContentBytes) {
        failures.push({
          property: "data",
          reason: `is larger than Swarm's ${maxContentBytes / 1024} KiB limit`,
        });
      }
      return { inputs: news, failures };
    },

    // Content and name are immutable in Swarm: a new object is created before the old one is deleted,
    // so services can move to it without a gap. Labels, owner and connection change in place.
    async diff(_id: string, olds: FileObjectOutputs, news: FileObjectInputs) {
      const replaces: string[] = [];
      if (isKnown(news.name) && olds.name !== news.name) replaces.push("name");
      if (isKnown(news.data) && !sameContent(kind, olds, news.data)) replaces.push("data");
      const changes =
        replaces.length > 0 ||
        containsUnknown([news.name, news.data]) ||
        !sameValue(olds.labels ?? {}, news.labels) ||
        !sameValue(olds.owner, news.owner) ||
        !sameValue(olds.connection ?? {}, news.connection);
      return { changes, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: FileObjectInputs) {
      const swarmId = await swarmIdOf(inputs.connection);
      const salt = kind === "secret" ? randomHex(16) : undefined;
      const { name: objectName, digest: hash } = fileObjectName(kind, inputs.name, inputs.data, salt);
      const engine = api(kind, inputs.connection);
      const existing = (await engine.list({ filters: JSON.stringify({ name: [objectName] }) })).find(
        (o) => o.Spec.Name === objectName,
      );
      let id: string;
      if (existing) {
        // Only this resource's own object, left by an interrupted run, is taken back.
        const refusal = adoptionRefusal(`${kind} ${objectName}`, existing.Spec.Labels, inputs.owner);
        if (refusal) throw new Error(refusal);
        id = existing.ID;
      } else {
        // Body only: dockerode would otherwise copy the options, content included, into the URL.
        const created = await engine.create({
          _query: {},
          _body: {
            Name: objectName,
            Labels: { ...inputs.labels, ...ownerLabels(inputs.owner) },
            Data: Buffer.from(inputs.data, "utf8").toString("base64"),
          },
        });
        id = created.id;
      }
      const { data: _content, ...rest } = inputs;
      const outs: FileObjectOutputs = {
        ...rest,
        objectName,
        contentHash: hash,
        swarmId,
        ...(salt ? { salt } : {}),
      };
      return { id, outs };
    },

    /**
     * Reports drift in the object's name and labels (an object another resource took over shows its
     * `berth.*` labels among `labels`, and the update that follows refuses it); a gone object reads as
     * {}. With empty props (`pulumi import`): see {@link FileObjectOutputs}.
     */
    async read(id: string, props: Partial<FileObjectOutputs>) {
      const connection = props.connection ?? {};
      const what = `${kind} ${props.objectName ?? id}`;
      const swarmId = await requireSameSwarm(connection, props.swarmId, what);
      let found;
      try {
        found = await api(kind, connection).get(id).inspect();
      } catch (err) {
        if (isNotFound(err)) return {};
        throw err;
      }
      const objectName = found.Spec.Name;
      if (props.owner) {
        const owned = isOwnedBy(found.Spec.Labels, props.owner);
        const labels = owned ? userLabels(found.Spec.Labels) : (found.Spec.Labels ?? {});
        return { id, props: { ...props, connection, objectName, labels, swarmId } };
      }
      const owner = ownerFromLabels(found.Spec.Labels);
      if (!owner?.urn) {
        throw new Error(
          `${kind} ${objectName} carries no Berth owner labels (${Object.values(ownerLabelKeys).join(", ")}); ` +
            `Berth imports only objects it labelled: let Berth create the ${kind} instead`,
        );
      }
      const inputs = { connection, name: baseName(objectName), owner, labels: userLabels(found.Spec.Labels) };
      if (kind === "config") {
        const data = Buffer.from(found.Spec.Data ?? "", "base64").toString("utf8");
        const outs = { ...inputs, objectName, contentHash: contentHash(kind, data), swarmId };
        return { id, props: outs, inputs: { ...inputs, data } };
      }
      // A secret's content cannot be read back: the next up replaces it (see FileObjectOutputs).
      return { id, props: { ...inputs, objectName, contentHash: "", salt: "", swarmId }, inputs };
    },

    async update(id: string, olds: FileObjectOutputs, news: FileObjectInputs) {
      const swarmId = await requireSameSwarm(news.connection, olds.swarmId, `${kind} ${olds.objectName}`);
      const handle = api(kind, news.connection).get(id);
      const current = await handle.inspect();
      const refusal = notOwnedReason(
        `${kind} ${current.Spec.Name}`,
        current.Spec.Labels,
        olds.owner,
        "updating",
      );
      if (refusal) throw new Error(refusal);
      // Only labels may change on a Swarm secret or config; the rest of the spec is sent back as read.
      // A new owner (a rename with an alias) relabels the object to its URN.
      const labels = { ...news.labels, ...ownerLabels(news.owner) };
      if (!sameValue(current.Spec.Labels ?? {}, labels)) {
        await handle.update({
          _query: { version: current.Version.Index },
          _body: { ...current.Spec, Labels: labels },
        });
      }
      const { data: _content, ...rest } = news;
      const kept = { objectName: olds.objectName, contentHash: olds.contentHash, swarmId };
      return { outs: { ...rest, ...kept, ...(olds.salt !== undefined ? { salt: olds.salt } : {}) } };
    },

    async delete(id: string, props: FileObjectOutputs) {
      await requireSameSwarm(props.connection, props.swarmId, `${kind} ${props.objectName}`);
      const handle = api(kind, props.connection).get(id);
      try {
        const current = await handle.inspect();
        const refusal = notOwnedReason(
          `${kind} ${current.Spec.Name}`,
          current.Spec.Labels,
          props.owner,
          "deleting",
        );
        if (refusal) throw new Error(refusal);
        await handle.remove();
      } catch (err) {
        if (isNotFound(err)) return;
        throw new Error(`cannot delete ${kind} ${props.objectName}: ${engineMessage(err)}`, { cause: err });
      }
    },
  };
}
