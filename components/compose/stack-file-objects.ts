import type { ComposeIssue, ComposeProject } from "./types";

/**
 * What a stack cannot create of the secrets and configs its services use, on any cluster: each key
 * named, at its path, all at once.
 */
export function stackFileObjectIssues(
  project: ComposeProject,
  used: { secrets: Set<string>; configs: Set<string> },
): ComposeIssue[] {
  const issues: ComposeIssue[] = [];
  for (const kind of ["secrets", "configs"] as const) {
    for (const key of used[kind]) {
      const object = project[kind]?.[key];
      if (!object || object.external) continue;
      for (const field of ["driver", "driver_opts", "template_driver"]) {
        if (object[field] === undefined) continue;
        const what = field === "template_driver" ? "templated content" : `${kind.slice(0, -1)} drivers`;
        issues.push({
          path: `${kind}.${key}.${field}`,
          message: `"${field}" is not supported by Berth yet: ${what} cannot be deployed; give the content in file, environment${kind === "configs" ? ", content" : ""} or ComposeStack's values`,
        });
      }
    }
  }
  return issues;
}
