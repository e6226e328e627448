/** Harbor resources, managed through Harbor's v2.0 API. */
export { type HarborConnection } from "./connection";
export { HarborProject, type HarborProjectArgs } from "./project";
export { HarborRobotAccount, type HarborRobotAccountArgs, type RobotAccess } from "./robot-account";
export {
  HarborRetentionPolicy,
  type HarborRetentionPolicyArgs,
  type HarborRetentionRuleArgs,
  type RetentionTemplate,
} from "./retention-policy";
export { HarborImmutableTagRule, type HarborImmutableTagRuleArgs } from "./immutable-tag-rule";
export {
  HarborProjectMember,
  type HarborProjectMemberArgs,
  type GroupType,
  type MemberRole,
} from "./project-member";
export {
  HarborRegistryEndpoint,
  type HarborRegistryEndpointArgs,
  type RegistryType,
} from "./registry-endpoint";
export {
  HarborReplicationPolicy,
  type HarborReplicationPolicyArgs,
  type HarborReplicationFiltersArgs,
  type ReplicationResource,
  type ReplicationTriggerType,
} from "./replication-policy";
export { HarborGarbageCollection, type HarborGarbageCollectionArgs } from "./garbage-collection";
export {
  HarborRegistry,
  HarborRegistryError,
  defaultHarborChartVersion,
  type HarborRegistryArgs,
  type HarborInstallArgs,
  type HarborExistingArgs,
  type HarborIngressExpose,
  type HarborLoadBalancerExpose,
  type HarborTlsArgs,
  type HarborPersistenceArgs,
  type HarborDatabaseArgs,
  type HarborRedisArgs,
} from "./registry";
