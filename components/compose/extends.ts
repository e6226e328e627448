import { resolve } from "path";
import { mergeCompose } from "./merge";
import type { ComposePath } from "./types";
import type { FileModel } from "./file-model";
import { type Dict, isDict } from "./dict";
import { keepShortSyntaxMarks } from "./short-syntax";

/** Loads another file for `extends: { file }` (cached by the caller), or undefined when it failed. */
export type LoadOtherFile = (absolutePath: string) => FileModel | undefined;

/**
 * Replaces every service's `extends` with the service it names, merged underneath it with Compose's
 * merge rules, in the same file or another one (whose relative paths stay relative to that file).
 * Chains are followed; a cycle or a missing service is reported.
 */
export function applyExtends(
  model: FileModel,
  loadOther: LoadOtherFile,
  report: (model: FileModel, path: ComposePath, message: string) => void,
): void {
  const services = model.tree.services;
  if (!isDict(services)) return;
  for (const name of Object.keys(services)) {
    const resolved = resolveService(model, name, loadOther, report, []);
    if (resolved) services[name] = resolved;
  }
}

function resolveService(
  model: FileModel,
  name: string,
  loadOther: LoadOtherFile,
  report: (model: FileModel, path: ComposePath, message: string) => void,
  chain: string[],
): Dict | undefined {
  const problems = model.serviceProblems?.get(name);
  if (problems) {
    // Reported here, where the service is needed, and once however many services extend it.
    for (const { path, message } of problems) report(model, path, message);
    model.serviceProblems?.set(name, []);
    return undefined;
  }
  const service = (model.tree.services as Dict)[name];
  if (!isDict(service)) return undefined;
  const ext = service.extends;
  if (!isDict(ext)) return service;
  const at: ComposePath = ["services", name, "extends"];
  const link = `${model.file}#${name}`;
  if (chain.includes(link)) {
    report(model, at, `extends makes a cycle: ${[...chain, link].map((l) => l.split("#")[1]).join(" -> ")}`);
    return undefined;
  }
  const baseName = String(ext.service);
  const baseModel =
    typeof ext.file === "string"
      ? loadOther(resolve(model.baseDir, ext.file))
      : (model as FileModel | undefined);
  if (!baseModel) {
    report(model, [...at, "file"], `cannot load ${String(ext.file)}`);
    return undefined;
  }
  if (!isDict(baseModel.tree.services) || !isDict(baseModel.tree.services[baseName])) {
    const where = typeof ext.file === "string" ? ` in ${String(ext.file)}` : "";
    report(model, [...at, "service"], `extends an undefined service "${baseName}"${where}`);
    return undefined;
  }
  const base = resolveService(baseModel, baseName, loadOther, report, [...chain, link]);
  if (!base) return undefined;
  const own = { ...service };
  delete own.extends;
  const copy = structuredClone(base);
  keepShortSyntaxMarks(base, copy);
  const merged = mergeCompose(copy, own, ["services", name], model.marks) as Dict;
  delete merged.extends;
  return merged;
}
