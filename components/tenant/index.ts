/**
 * `pulumi-berth/tenant`: teams sharing a cluster. A {@link Tenant} is itself a cluster: services deployed
 * on it land in its namespace or network, obey its quota and limits, and pull with its credentials.
 *
 * @module pulumi-berth/tenant
 */
export { Tenant } from "./tenant";
export { type TenantArgs, TenantArgumentsError } from "./tenant-args";
export {
  harborRoleOf,
  type TenantGitLabRegistry,
  type TenantHarbor,
  type TenantHarborRegistry,
  type TenantRegistry,
} from "./registry";
export { countedTasks, type ServiceUsage, type TenantUsage } from "./usage";
export {
  type NormalizedTenantLimits,
  type NormalizedTenantQuota,
  type TenantLimits,
  type TenantOwner,
  type TenantPlacement,
  type TenantQuota,
  type TenantRequest,
  type TenantArgoCd,
  type TenantGitOps,
  tenantPoolLabel,
} from "../tenant-contract";
