import { dirname, resolve } from "path";
import { mergeCompose } from "./merge";
import type { FileModel } from "./file-model";
import { type Dict, isDict } from "./dict";

/** One `include` entry in long form, paths absolute. */
export interface IncludeRequest {
  files: string[];
  projectDirectory: string;
  /**
   * `.env`-format files for the included project's interpolation.
   * @default its directory's `.env`
   */
  envFiles?: string[];
}

/**
 * Loads an included project (itself merged, extended and included) to its plain tree; undefined when
 * it has problems, which the loader reports (`index` is the entry's place in `include`).
 */
export type LoadIncluded = (request: IncludeRequest, index: number) => Dict | undefined;

const kinds = ["services", "networks", "volumes", "secrets", "configs"];

/**
 * Applies the top-level `include`: each included project is loaded on its own (its own directory and
 * `.env`) and its services and resources are added to this file's. A name this file defines too is
 * merged, this file's definition over the included one, as in current Compose.
 */
export function applyIncludes(model: FileModel, loadIncluded: LoadIncluded): void {
  const entries = model.tree.include;
  delete model.tree.include;
  if (!Array.isArray(entries)) return;
  entries.forEach((entry, i) => {
    const long: Dict = isDict(entry) ? entry : { path: entry };
    const paths = (Array.isArray(long.path) ? long.path : [long.path]).map((p) =>
      resolve(model.baseDir, String(p)),
    );
    const projectDirectory =
      typeof long.project_directory === "string"
        ? resolve(model.baseDir, long.project_directory)
        : dirname(paths[0]);
    const envFiles =
      long.env_file === undefined
        ? undefined
        : (Array.isArray(long.env_file) ? long.env_file : [long.env_file]).map((p) =>
            resolve(model.baseDir, String(p)),
          );
    const included = loadIncluded({ files: paths, projectDirectory, envFiles }, i);
    if (!included) return;
    for (const kind of kinds) {
      if (!isDict(included[kind])) continue;
      const own = isDict(model.tree[kind]) ? model.tree[kind] : (model.tree[kind] = {});
      for (const [name, value] of Object.entries(included[kind])) {
        own[name] = name in own ? mergeCompose(value, own[name], [kind, name], model.marks) : value;
      }
    }
  });
}
