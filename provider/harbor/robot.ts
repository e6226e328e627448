import type * as pulumi from "@pulumi/pulumi";
import { isKnown, isUnknown } from "../unknowns";
import type { Robot } from "./api-types";
import { type HarborConnection, harborClient, isNotFound } from "./client";
import {
  aboutObject,
  booleanProblem,
  changedKeys,
  type CheckFailure,
  connectionOrEnvironment,
  storedConnection,
  connectionProblems,
  nameProblem,
  requireSameObject,
} from "./common";

/** One permission of a project robot: an action on a resource of its project (e.g. pull on repository). */
export interface RobotAccess {
  /** The kind of resource (`repository`, ...). */
  resource: string;
  /** What may be done with it (`push`, `pull`, ...). */
  action: string;
}

/** A project-scoped Harbor robot account as Berth manages it. */
export interface RobotInputs {
  connection: HarborConnection;
  /** The name of the project the robot belongs to. */
  project: string;
  /** The robot's own name; Harbor names it `robot$<project>+<name>`. */
  name: string;
  description: string;
  /** Days until the robot expires; -1 never. */
  durationDays: number;
  disabled: boolean;
  access: RobotAccess[];
  /** Any value: a change asks Harbor for a new secret, in place. */
  rotate: string;
}

export interface RobotOutputs extends RobotInputs {
  robotId: number;
  /** The name clients log in with: `robot$<project>+<name>`. */
  fullName: string;
  /**
   * The robot's secret. Harbor shows it only when the robot is created or its secret refreshed, so
   * state is the only place it is kept; an imported robot has none ("") until it is rotated.
   */
  secret: string;
  /** When the robot expires (seconds since the epoch); -1 never. */
  expiresAt: number;
}

export const robotDefaults = { description: "", durationDays: -1, disabled: false, rotate: "" } as const;

const updatedInPlace = ["connection", "description", "durationDays", "disabled", "access", "rotate"] as const;
const identity = ["project", "name"] as const;

/** Access in one order, without repeats: Harbor's order is no change. */
function canonicalAccess(access: RobotAccess[]): RobotAccess[] {
  const seen = new Map(
    access.map((a) => [`${a.resource}\u0000${a.action}`, { resource: a.resource, action: a.action }]),
  );
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, a]) => a);
}

function accessProblems(access: unknown): CheckFailure[] {
  if (isUnknown(access)) return [];
  if (!Array.isArray(access) || access.length === 0)
    return [{ property: "access", reason: "must list at least one { resource, action }" }];
  return access.flatMap((a: unknown, i) => {
    if (isUnknown(a)) return [];
    const entry = (a ?? {}) as Record<string, unknown>;
    return (["resource", "action"] as const)
      .filter(
        (k) => !isUnknown(entry[k]) && !(typeof entry[k] === "string" && (entry[k] as string).length > 0),
      )
      .map((k) => ({ property: `access[${i}].${k}`, reason: "must be a non-empty string" }));
  });
}

function permissionsOf(inputs: RobotInputs) {
  return [{ kind: "project", namespace: inputs.project, access: inputs.access }];
}

/** The robot's fields as the inputs spell them. */
function asWritten(robot: Robot) {
  const permission = robot.permissions?.find((p) => p.kind === "project");
  const project = permission?.namespace ?? "";
  const fullName = robot.name ?? "";
  const marker = `${project}+`;
  return {
    project,
    name: fullName.includes(marker) ? fullName.slice(fullName.indexOf(marker) + marker.length) : fullName,
    fullName,
    description: robot.description ?? "",
    durationDays: robot.duration ?? -1,
    disabled: robot.disable ?? false,
    access: canonicalAccess(
      (permission?.access ?? []).map((a) => ({ resource: a.resource ?? "", action: a.action ?? "" })),
    ),
    expiresAt: robot.expires_at ?? -1,
  };
}

/**
 * The dynamic provider for project robot accounts. Identity is Harbor's robot ID; a new project or
 * name replaces the robot (Harbor cannot rename one), everything else updates in place. Harbor shows
 * the secret only on create and on refresh, so it lives in state (secret) and `rotate` refreshes it
 * in place. Ownership is the ID in state: create never takes over an existing robot (Harbor's 409),
 * and read, update and delete act on the recorded ID only while it still bears the robot's full name.
 */
export const robotProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: RobotInputs, news: RobotInputs) {
    const inputs = { ...robotDefaults, ...news } as RobotInputs;
    const failures: CheckFailure[] = [
      ...connectionProblems(inputs.connection),
      ...nameProblem("project", inputs.project),
      ...nameProblem("name", inputs.name),
      ...booleanProblem("disabled", inputs.disabled),
      ...accessProblems(inputs.access),
    ];
    const days: unknown = inputs.durationDays;
    if (
      !isUnknown(days) &&
      !(days === -1 || (typeof days === "number" && Number.isInteger(days) && days > 0))
    )
      failures.push({
        property: "durationDays",
        reason: "must be -1 (never expires) or a positive number of days",
      });
    if (failures.length === 0 && isKnown(inputs.access)) inputs.access = canonicalAccess(inputs.access);
    return { inputs, failures };
  },

  async diff(_id: string, olds: RobotOutputs, news: RobotInputs) {
    const replaces = identity.filter((k) => isKnown(news[k]) && olds[k] !== news[k]);
    const changed = changedKeys<RobotInputs>(olds, news, [...identity, ...updatedInPlace]);
    return { changes: changed.length > 0, replaces };
  },

  async create(inputs: RobotInputs) {
    const what = `harbor robot ${inputs.project}/${inputs.name}`;
    const client = harborClient(inputs.connection);
    try {
      const created = await client.createRobot({
        name: inputs.name,
        description: inputs.description,
        level: "project",
        disable: inputs.disabled,
        duration: inputs.durationDays,
        permissions: permissionsOf(inputs),
      });
      const outs: RobotOutputs = {
        ...inputs,
        robotId: created.id ?? 0,
        fullName: created.name ?? "",
        secret: created.secret ?? "",
        expiresAt: created.expires_at ?? -1,
      };
      return { id: String(created.id), outs };
    } catch (err) {
      throw aboutObject(what, err);
    }
  },

  /**
   * Reads the robot back in the shape of its inputs; its secret cannot be read and is kept from state.
   * With empty props (`pulumi import <type> <name> <robot ID>`), the connection comes from HARBOR_URL,
   * HARBOR_USERNAME and HARBOR_PASSWORD, and the secret is "" until the robot is rotated.
   */
  async read(id: string, props: Partial<RobotOutputs>) {
    const what = `harbor robot ${props.project ?? ""}/${props.name ?? id}`;
    const connection = connectionOrEnvironment(props.connection, what);
    let found: Robot;
    try {
      found = await harborClient(connection).getRobot(Number(id));
      requireSameObject("robot", id, connection, props.fullName, found.name);
    } catch (err) {
      if (isNotFound(err)) return {};
      throw aboutObject(what, err);
    }
    if (found.level !== "project")
      throw new Error(`${what}: robot ${id} is a ${found.level} robot, not a project robot`);
    const { fullName, expiresAt, ...fields } = asWritten(found);
    const inputs: RobotInputs = {
      ...props,
      connection: storedConnection(props.connection, connection),
      rotate: props.rotate ?? "",
      ...fields,
    };
    const outs: RobotOutputs = {
      ...props,
      ...inputs,
      robotId: Number(id),
      fullName,
      expiresAt,
      secret: props.secret ?? "",
    };
    return props.name === undefined ? { id, props: outs, inputs } : { id, props: outs };
  },

  async update(id: string, olds: RobotOutputs, news: RobotInputs) {
    const what = `harbor robot ${news.project}/${news.name}`;
    const client = harborClient(news.connection);
    try {
      const current = await client.getRobot(Number(id));
      requireSameObject("robot", id, news.connection, olds.fullName, current.name);
      const changed = changedKeys<RobotInputs>(olds, news, [
        "description",
        "durationDays",
        "disabled",
        "access",
      ]);
      if (changed.length > 0) {
        await client.updateRobot(Number(id), {
          ...current,
          description: news.description,
          duration: news.durationDays,
          disable: news.disabled,
          permissions: permissionsOf(news),
        });
      }
      const secret =
        (olds.rotate ?? "") !== news.rotate
          ? ((await client.refreshRobotSecret(Number(id))).secret ?? "")
          : olds.secret;
      const after = changed.length > 0 ? asWritten(await client.getRobot(Number(id))) : undefined;
      const outs: RobotOutputs = {
        ...news,
        robotId: Number(id),
        fullName: current.name ?? olds.fullName,
        secret,
        expiresAt: after?.expiresAt ?? olds.expiresAt,
      };
      return { outs };
    } catch (err) {
      throw aboutObject(what, err);
    }
  },

  async delete(id: string, props: RobotOutputs) {
    const what = `harbor robot ${props.project}/${props.name}`;
    const connection = connectionOrEnvironment(props.connection, what);
    const client = harborClient(connection);
    try {
      requireSameObject("robot", id, connection, props.fullName, (await client.getRobot(Number(id))).name);
      await client.deleteRobot(Number(id));
    } catch (err) {
      if (isNotFound(err)) return;
      throw aboutObject(what, err);
    }
  },
};
