/**
 * Docker image references, checked against the grammar of the distribution `reference` package:
 * `[host[:port]/]path[:tag][@algorithm:hex]`.
 */

export interface ImageReference {
  /** Registry host and optional port; undefined means Docker Hub. */
  domain?: string;
  /** Lowercase repository path, e.g. `library/nginx` or `team/app`. */
  path: string;
  /** The tag, if the reference has one. */
  tag?: string;
  /** The digest (`sha256:...`), if the reference has one. */
  digest?: string;
}

const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainPattern = new RegExp(
  `^(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`,
);
const pathComponentPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const maxNameLength = 255;

/** Parses an image reference, or returns the reason it is not one. */
export function parseImageReference(text: string): ImageReference | { error: string } {
  if (text.length === 0) return { error: "must not be empty" };
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) {
      return { error: `digest "${digest}" is not of the form algorithm:hex (e.g. sha256:<64 hex digits>)` };
    }
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > rest.lastIndexOf("/")) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!tagPattern.test(tag)) {
      return { error: `tag "${tag}" must be 1-128 characters of letters, digits, '_', '.' or '-'` };
    }
  }
  if (rest.length > maxNameLength) return { error: `name is longer than ${maxNameLength} characters` };
  const components = rest.split("/");
  let domain: string | undefined;
  const first = components[0];
  if (
    components.length > 1 &&
    (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase())
  ) {
    domain = components.shift();
    if (!domainPattern.test(domain ?? ""))
      return { error: `registry host "${domain}" is not a valid host[:port]` };
  }
  for (const component of components) {
    if (component !== component.toLowerCase()) return { error: "repository path must be lowercase" };
    if (!pathComponentPattern.test(component)) {
      return {
        error: `repository path component "${component}" must be lowercase letters and digits, separated by '.', '_', '__' or '-'`,
      };
    }
  }
  return { domain, path: components.join("/"), tag, digest };
}
