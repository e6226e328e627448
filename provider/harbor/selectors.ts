import type { TagRule } from "./api-types";
import type { CheckFailure } from "./common";
import { isUnknown } from "../shared/unknowns";

/** Which tags of which repositories a retention or immutability rule applies to (doublestar patterns). */
export interface TagSelection {
  /** Tag pattern, e.g. `v*` or `**`. */
  tags: string;
  /** The rule applies to tags NOT matching `tags`. */
  excludeTags: boolean;
  /** Repository pattern, without the project, e.g. `web/**` or `**`. */
  repositories: string;
  /** The rule applies to repositories NOT matching `repositories`. */
  excludeRepositories: boolean;
}

export const selectionDefaults: TagSelection = {
  tags: "**",
  excludeTags: false,
  repositories: "**",
  excludeRepositories: false,
};

/** The selection as Harbor's rule selectors spell it. */
export function selectorsOf(
  selection: TagSelection,
  extras?: string,
): Required<Pick<TagRule, "tag_selectors" | "scope_selectors">> {
  return {
    tag_selectors: [
      {
        kind: "doublestar",
        decoration: selection.excludeTags ? "excludes" : "matches",
        pattern: selection.tags,
        ...(extras === undefined ? {} : { extras }),
      },
    ],
    scope_selectors: {
      repository: [
        {
          kind: "doublestar",
          decoration: selection.excludeRepositories ? "repoExcludes" : "repoMatches",
          pattern: selection.repositories,
        },
      ],
    },
  };
}

/** The selection a Harbor rule holds. */
export function selectionOf(rule: TagRule): TagSelection {
  const tag = rule.tag_selectors?.[0];
  const repository = rule.scope_selectors?.repository?.[0];
  return {
    tags: tag?.pattern ?? "**",
    excludeTags: tag?.decoration === "excludes",
    repositories: repository?.pattern ?? "**",
    excludeRepositories: repository?.decoration === "repoExcludes",
  };
}

/** Problems with the known fields of a selection at `at`. */
export function selectionProblems(selection: Partial<TagSelection>, at: string): CheckFailure[] {
  const problems: CheckFailure[] = [];
  for (const key of ["tags", "repositories"] as const) {
    const value: unknown = selection[key];
    if (!isUnknown(value) && !(typeof value === "string" && value.length > 0))
      problems.push({ property: `${at}${key}`, reason: "must be a non-empty pattern" });
  }
  for (const key of ["excludeTags", "excludeRepositories"] as const) {
    const value: unknown = selection[key];
    if (!isUnknown(value) && typeof value !== "boolean")
      problems.push({ property: `${at}${key}`, reason: "must be true or false" });
  }
  return problems;
}
