import path from "path";
import type * as pulumi from "@pulumi/pulumi";
import * as catalog from "./catalog";

/**
 * Whether this copy of Berth is an installed package. Pulumi serializes code that lives under
 * node_modules by `require("<package>/<subpath>")`, and inlines everything else.
 */
const installed = __dirname.split(path.sep).includes("node_modules");

/**
 * The provider to hand `pulumi.dynamic.Resource`. Installed from npm, it is a set of small methods
 * that look the provider up by `name` in the installed Berth at run time (`pulumi-berth/providers`), so state
 * holds a reference instead of a frozen copy of the code and upgrading Berth upgrades the provider of
 * existing resources. From a source tree (Berth's own repository), the provider itself is inlined.
 *
 * The delegating methods do what Pulumi's dynamic-provider host does when a method is missing.
 */
export function dynamicProvider(
  name: catalog.ProviderName,
  local: pulumi.dynamic.ResourceProvider,
): pulumi.dynamic.ResourceProvider {
  if (!installed) return local;
  // One object per name: Pulumi serializes a provider once per object, not once per resource.
  let reference = references.get(name);
  if (!reference) {
    reference = referenceTo(name);
    references.set(name, reference);
  }
  return reference;
}

const references = new Map<catalog.ProviderName, pulumi.dynamic.ResourceProvider>();

function referenceTo(name: catalog.ProviderName): pulumi.dynamic.ResourceProvider {
  return {
    async check(olds, news) {
      const provider = catalog.providerNamed(name);
      return provider.check ? provider.check(olds, news) : { inputs: news };
    },
    async diff(id, olds, news) {
      const provider = catalog.providerNamed(name);
      return provider.diff ? provider.diff(id, olds, news) : {};
    },
    async create(inputs) {
      return catalog.providerNamed(name).create(inputs);
    },
    async read(id, props) {
      const provider = catalog.providerNamed(name);
      return provider.read ? provider.read(id, props) : { id, props };
    },
    async update(id, olds, news) {
      const provider = catalog.providerNamed(name);
      return provider.update ? provider.update(id, olds, news) : { outs: news };
    },
    async delete(id, props) {
      const provider = catalog.providerNamed(name);
      if (provider.delete) await provider.delete(id, props);
    },
  };
}
