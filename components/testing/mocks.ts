import type * as pulumi from "@pulumi/pulumi";
import { cloudCallAnswer, mockedAwsArn } from "./cloud-answers";
import { berthComputedOutputs } from "./computed-outputs";

type Props = Record<string, unknown>;

/** A resource the program registered, as the mocks answered it. */
export interface MockedResource {
  /** The type token, e.g. `kubernetes:apps/v1:Deployment` or `pulumi-nodejs:dynamic/berth/swarm:SwarmService`. */
  type: string;
  /** The Pulumi resource name. */
  name: string;
  /** What the program gave it. */
  inputs: Props;
  /** What the mocks answered: the inputs with what the provider would compute. */
  state: Props;
  /** The resource's ID, as the mocks answered it. */
  id: string;
}

/** The type token of Berth's Swarm service resource. */
export const swarmServiceType = "pulumi-nodejs:dynamic/berth/swarm:SwarmService";

/** Keys whose value is undefined are not an answer: a mock that returns its inputs leaves them so. */
function answered(props: Props | undefined): Props {
  return Object.fromEntries(Object.entries(props ?? {}).filter(([, v]) => v !== undefined));
}

/**
 * Mocks for `pulumi.runtime.setMocks` that answer for what Berth creates: its dynamic resources get
 * what their providers would compute (salts, passwords, service versions, rollout revisions, image
 * digests, Harbor and GitLab IDs and tokens), AWS resources get ARNs, and the provider functions Berth
 * calls (regions, availability zones, the caller's account) get answers in one mocked account.
 *
 * Composes with your own mocks: `base` answers first, and Berth fills in only what it left undefined
 * (the usual mock returns a resource's inputs as its state, which leaves every computed output
 * undefined). Every resource is recorded, for the finders below.
 *
 * @example
 * const mocks = new BerthMocks();
 * pulumi.runtime.setMocks(mocks, "project", "stack", false);
 * await import("../index"); // the program
 * await mocks.settled();
 * const [web] = mocks.resourcesOf("kubernetes:apps/v1:Deployment");
 */
export class BerthMocks implements pulumi.runtime.Mocks {
  /** Every resource registered so far, in order. */
  readonly resources: MockedResource[] = [];

  private inFlight = 0;
  private lastActivity = Date.now();

  /** @param base your own mocks, asked first. Default: none (a resource's state is its inputs). */
  constructor(private readonly base?: pulumi.runtime.Mocks) {}

  async newResource(
    args: pulumi.runtime.MockResourceArgs,
  ): Promise<{ id: string | undefined; state: Props }> {
    this.inFlight++;
    try {
      return await this.answerResource(args);
    } finally {
      this.inFlight--;
      this.lastActivity = Date.now();
    }
  }

  /**
   * Resolves once the program has stopped registering resources: nothing in flight and nothing new
   * for `quietMs`. Await it after importing the program, before looking at what it created.
   * @param quietMs how long nothing may happen. Default: 100.
   * @param timeoutMs how long to wait in all before failing. Default: 30000.
   */
  async settled(quietMs = 100, timeoutMs = 30_000): Promise<void> {
    const start = Date.now();
    const deadline = start + timeoutMs;
    for (;;) {
      const quietSince = Math.max(this.lastActivity, start);
      if (this.inFlight === 0 && Date.now() - quietSince >= quietMs) return;
      if (Date.now() > deadline)
        throw new Error(`the program still registered resources after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs, 20)));
    }
  }

  private async answerResource(args: pulumi.runtime.MockResourceArgs) {
    const given = this.base ? await this.base.newResource(args) : undefined;
    const inputs = args.inputs as Props;
    const computed = {
      ...berthComputedOutputs(args.type, args.name, inputs),
      ...(inputs.arn === undefined && { arn: mockedAwsArn(args.type, args.name) }),
    };
    const state = { ...answered(inputs), ...answered(computed), ...answered(given?.state) };
    const id = given?.id ?? `${args.name}-id`;
    this.resources.push({ type: args.type, name: args.name, inputs, state, id });
    return { id, state };
  }

  async call(args: pulumi.runtime.MockCallArgs): Promise<Props> {
    this.lastActivity = Date.now();
    const given = this.base ? answered(await this.base.call(args)) : {};
    const inputs = args.inputs as Props;
    return { ...inputs, ...cloudCallAnswer(args.token, inputs), ...given };
  }

  /** The resources of one type token, in the order they were registered. */
  resourcesOf(type: string): MockedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource of `type` named `name`; throws, listing what there is, when there is none. */
  resource(type: string, name: string): MockedResource {
    const found = this.resourcesOf(type).find((r) => r.name === name);
    if (!found) {
      const names = this.resourcesOf(type).map((r) => r.name);
      throw new Error(`no ${type} named ${name}; there are: ${names.join(", ") || "none"}`);
    }
    return found;
  }

  /** The Engine API spec of the Swarm service named `serviceName` on the swarm (its `Name`). */
  swarmServiceSpec(serviceName: string): Props {
    const specs = this.resourcesOf(swarmServiceType).map((r) => r.inputs.spec as Props);
    const found = specs.find((spec) => spec?.Name === serviceName);
    if (!found) {
      const names = specs.map((spec) => String(spec?.Name));
      throw new Error(`no Swarm service named ${serviceName}; there are: ${names.join(", ") || "none"}`);
    }
    return found;
  }

  /** The Kubernetes objects made for the service named `serviceName` (by its `app.kubernetes.io/name` label). */
  kubernetesObjects(serviceName: string): MockedResource[] {
    return this.resources.filter((r) => {
      if (!r.type.startsWith("kubernetes:") || r.type.startsWith("kubernetes:core/v1:Namespace"))
        return false;
      const labels = (r.inputs.metadata as { labels?: Record<string, string> } | undefined)?.labels;
      return labels?.["app.kubernetes.io/name"] === serviceName;
    });
  }

  /** The container definitions of the ECS task definition registered for the service named `serviceName`. */
  ecsContainerDefinitions(serviceName: string): Props[] {
    const definitions = this.resourcesOf("aws:ecs/taskDefinition:TaskDefinition");
    const found = definitions.find((r) => r.name === serviceName);
    if (!found) {
      throw new Error(
        `no ECS task definition for ${serviceName}; there are: ${definitions.map((r) => r.name).join(", ") || "none"}`,
      );
    }
    return JSON.parse(String(found.state.containerDefinitions)) as Props[];
  }
}
