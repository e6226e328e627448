/** Harbor resources, managed through Harbor's v2.0 API. */
export { type HarborConnection } from "../../../provider/harbor/resource-connection";
export { HarborProject, type HarborProjectArgs } from "../../../provider/harbor/project-resource";
export {
  HarborRobotAccount,
  type HarborRobotAccountArgs,
  type RobotAccess,
} from "../../../provider/harbor/robot-account";
export {
  HarborRetentionPolicy,
  type HarborRetentionPolicyArgs,
  type HarborRetentionRuleArgs,
  type RetentionTemplate,
} from "../../../provider/harbor/retention-policy";
export {
  HarborImmutableTagRule,
  type HarborImmutableTagRuleArgs,
} from "../../../provider/harbor/immutable-tag-rule-resource";
export {
  HarborProjectMember,
  type HarborProjectMemberArgs,
  type GroupType,
  type MemberRole,
} from "../../../provider/harbor/project-member-resource";
export {
  HarborRegistryEndpoint,
  type HarborRegistryEndpointArgs,
  type RegistryType,
} from "../../../provider/harbor/registry-endpoint-resource";
export {
  HarborReplicationPolicy,
  type HarborReplicationPolicyArgs,
  type HarborReplicationFiltersArgs,
  type ReplicationResource,
  type ReplicationTriggerType,
} from "../../../provider/harbor/replication-policy-resource";
export {
  HarborGarbageCollection,
  type HarborGarbageCollectionArgs,
} from "../../../provider/harbor/garbage-collection";
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
