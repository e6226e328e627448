/** The files the example's services serve and run; plain text, kept apart from the program. */

export const webPage = `<!doctype html>
<title>Berth on the local swarm</title>
<h1>Served by Berth's web service</h1>
<p>The API answers at <a href="/cgi-bin/api">/cgi-bin/api</a>, through the web front.</p>
`;

/** A CGI script for the web front: forwards the request to the API by its service name. */
export function apiProxyScript(apiHost: string, apiPort: number): string {
  return `#!/bin/sh
echo "Content-Type: text/plain"
echo
wget -qO- "http://${apiHost}:${apiPort}/" || echo "the API did not answer"
`;
}

export const apiPage = "api: ok\n";

/** The worker calls the API every few seconds and records its last success for its health check. */
export function workerScript(apiHost: string, apiPort: number): string {
  return `while true; do
  if wget -qO /tmp/last "http://${apiHost}:${apiPort}/"; then touch /tmp/healthy; else rm -f /tmp/healthy; fi
  sleep 5
done`;
}
