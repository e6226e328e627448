/**
 * What Berth's dynamic providers compute, as a mock answers it: deterministic values derived from the
 * resource's name and inputs, in the shape the real provider returns, so a program's `apply`s see what
 * they would see after `pulumi up`.
 */
import { createHash } from "crypto";

type Props = Record<string, unknown>;

/** 64 hex digits that depend only on `parts`. */
export const stableHex = (...parts: string[]) => createHash("sha256").update(parts.join("\0")).digest("hex");

/** A positive integer ID (below 100000) that depends only on `parts`. */
const stableNumber = (...parts: string[]) => (parseInt(stableHex(...parts).slice(0, 8), 16) % 99_999) + 1;

const text = (value: unknown, fallback: string) => (typeof value === "string" ? value : fallback);

type Answer = (name: string, inputs: Props) => Props;

const swarmId = (inputs: Props) =>
  `mocked-swarm-${stableHex(JSON.stringify(inputs.connection ?? {})).slice(0, 12)}`;

const fileObject: Answer = (name, inputs) => {
  const hash = stableHex(name, text(inputs.data, ""));
  return {
    objectName: `${text(inputs.name, name)}-${hash.slice(0, 12)}`,
    contentHash: hash,
    swarmId: swarmId(inputs),
  };
};

const token =
  (prefix: string): Answer =>
  (name) => ({
    tokenId: stableNumber(prefix, name),
    token: `${prefix}-${stableHex(prefix, name).slice(0, 20)}`,
    registryUsername: name,
  });

/** Outputs by the dynamic resource's type name (the part of its type token after the colon). */
const answers: Record<string, Answer> = {
  RandomSalt: (name) => ({ salt: stableHex("salt", name) }),
  RandomStackId: (name) => ({ stackId: stableHex("stack-id", name).slice(0, 32) }),
  RandomPassword: (name) => ({ result: stableHex("password", name).slice(0, 32) }),
  SshHostKey: (name) => ({
    publicKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5${Buffer.from(stableHex("host", name).slice(0, 32)).toString("base64")}`,
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\nmocked-${name}\n-----END OPENSSH PRIVATE KEY-----\n`,
  }),
  MachineReady: (_name, inputs) => ({ host: inputs.host, dockerVersion: "mocked" }),
  EngineInfo: (name) => ({
    engineId: `mocked-engine-${stableHex(name).slice(0, 12)}`,
    serverVersion: "mocked",
    apiVersion: "1.47",
    swarmState: "active",
    nodeId: `mocked-node-${stableHex(name).slice(0, 12)}`,
    isManager: true,
  }),
  SwarmMode: (name, inputs) => ({
    swarmId: swarmId(inputs),
    nodeId: `mocked-node-${stableHex(name).slice(0, 12)}`,
    initialized: true,
  }),
  SwarmMembership: (name, inputs) => ({
    swarmId: swarmId(inputs),
    nodeIds: {},
    joinTokens: { worker: `SWMTKN-1-mocked-worker-${name}`, manager: `SWMTKN-1-mocked-manager-${name}` },
    unlockKey: "",
    managerAddresses: [],
  }),
  SwarmService: (_name, inputs) => ({ version: 1, swarmId: swarmId(inputs) }),
  SwarmNetwork: (name, inputs) => ({ name: text(inputs.name, name), swarmId: swarmId(inputs) }),
  SwarmSecret: fileObject,
  SwarmConfig: fileObject,
  Image: (name, inputs) => {
    const digest = `sha256:${stableHex("image", name, JSON.stringify(inputs.tag ?? ""))}`;
    return {
      digest,
      repoDigest: `${text(inputs.repository, name)}@${digest}`,
      imageId: `sha256:${stableHex("image-id", name)}`,
      contextHash: stableHex("context", name),
    };
  },
  KubernetesRollout: () => ({ revision: 1 }),
  Release: (_name, inputs) => ({ stable: inputs.desired, candidate: null }),
  HarborHealth: (_name, inputs) => ({ components: [], url: inputs.url }),
  HarborProject: (name, inputs) => ({ projectId: stableNumber("project", text(inputs.name, name)) }),
  HarborRobotAccount: (name, inputs) => ({
    robotId: stableNumber("robot", name),
    fullName: `robot$${text(inputs.project, "project")}+${text(inputs.name, name)}`,
    secret: stableHex("robot-secret", name).slice(0, 32),
    expiresAt: -1,
  }),
  HarborRetentionPolicy: (name) => ({ policyId: stableNumber("retention", name) }),
  HarborImmutableTagRule: (name) => ({ ruleId: stableNumber("immutable", name) }),
  HarborProjectMember: (name) => ({
    memberId: stableNumber("member", name),
    entityId: stableNumber("entity", name),
  }),
  HarborRegistryEndpoint: (name, inputs) => ({
    registryId: stableNumber("endpoint", name),
    name: text(inputs.name, name),
  }),
  HarborReplicationPolicy: (name) => ({ policyId: stableNumber("replication", name) }),
  GitLabRegistry: (name, inputs) => ({
    projectId: stableNumber("gitlab-project", name),
    projectPath: text(inputs.project, name),
    registryHost: "registry.gitlab.invalid",
    imagePrefix: `registry.gitlab.invalid/${text(inputs.project, name)}`,
  }),
  GitLabDeployToken: (name, inputs) => ({
    ...token("gldt")(name, inputs),
    projectId: stableNumber("gitlab-project", name),
    registryHost: "registry.gitlab.invalid",
  }),
  GitLabProjectAccessToken: (name, inputs) => ({
    ...token("glpat")(name, inputs),
    projectId: stableNumber("gitlab-project", name),
    tokenExpiresAt: "2099-01-01",
    registryHost: "registry.gitlab.invalid",
  }),
  GitLabProtectedRepositoryRule: (name) => ({
    projectId: stableNumber("gitlab-project", name),
    ruleId: stableNumber("rule", name),
  }),
};

/** The dynamic resources' type tokens start with this, then `<family>:<Type>`. */
const dynamicPrefix = "pulumi-nodejs:dynamic/berth/";

/** What Berth's provider would compute for a dynamic resource, or undefined for any other type. */
export function berthComputedOutputs(type: string, name: string, inputs: Props): Props | undefined {
  if (!type.startsWith(dynamicPrefix)) return undefined;
  const answer = answers[type.slice(type.indexOf(":", dynamicPrefix.length) + 1)];
  return answer ? answer(name, inputs) : {};
}
