import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../../provider/reference";
import {
  type GroupType,
  type MemberRole,
  memberDefaults,
  projectMemberProvider,
} from "../../../provider/harbor/project-member";
import { type HarborConnection, harborModule, secretConnection } from "./connection";

export type { GroupType, MemberRole } from "../../../provider/harbor/project-member";

/** Arguments of {@link HarborProjectMember}. */
export interface HarborProjectMemberArgs {
  /** The Harbor instance and its admin credentials. */
  connection: pulumi.Input<HarborConnection>;
  /** The project's Harbor ID (a `HarborProject`'s `projectId`). A new project replaces the member. */
  projectId: pulumi.Input<number>;
  /** A user's name, for a user member. Set exactly one of `user` and `group`. A change replaces the member. */
  user?: pulumi.Input<string>;
  /** A group's name, for a group member. A change replaces the member. */
  group?: pulumi.Input<string>;
  /**
   * The group's kind: "ldap", "http" or "oidc".
   * @default "http"
   */
  groupType?: pulumi.Input<GroupType>;
  /**
   * An LDAP group's DN (required for `groupType: "ldap"`).
   * @default ""
   */
  ldapGroupDn?: pulumi.Input<string>;
  /** "projectAdmin", "maintainer", "developer", "guest" or "limitedGuest"; changes in place. */
  role: pulumi.Input<MemberRole>;
}

/**
 * A user or group's membership of a Harbor project, with a role. A new role updates it in place;
 * another user, group or project replaces it. Refresh reports a role changed in Harbor, and `up`
 * puts it back. Import with `<project ID>/<member ID>`, HARBOR_URL, HARBOR_USERNAME and
 * HARBOR_PASSWORD set.
 */
export class HarborProjectMember extends pulumi.dynamic.Resource {
  /** Harbor's ID of the membership. */
  declare readonly memberId: pulumi.Output<number>;
  /** Harbor's ID of the user or group. */
  declare readonly entityId: pulumi.Output<number>;
  /** The member's role in the project. */
  declare readonly role: pulumi.Output<MemberRole>;

  constructor(name: string, args: HarborProjectMemberArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dynamicProvider("harbor:project-member", projectMemberProvider),
      name,
      {
        connection: secretConnection(args.connection),
        projectId: args.projectId,
        user: args.user ?? memberDefaults.user,
        group: args.group ?? memberDefaults.group,
        groupType: args.groupType ?? memberDefaults.groupType,
        ldapGroupDn: args.ldapGroupDn ?? memberDefaults.ldapGroupDn,
        role: args.role,
        memberId: undefined,
        entityId: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] },
      harborModule,
      "HarborProjectMember",
    );
  }
}
