#!/usr/bin/env bash
# Brings up what the engine-backed tests need on this machine: Docker's engine in swarm mode, the
# local test images local/busybox:1 (no registry is reachable, so the image is imported from busybox-static)
# and local/{prometheus,alertmanager,node-exporter}:test (Debian's binaries),
# the programs the registry-credential tests run: docker-registry (distribution 2.8) and htpasswd, and
# sshd for the multi-node swarm test.
# Safe to run again: every step is skipped when already done.
set -euo pipefail

need_packages=()
command -v dockerd >/dev/null 2>&1 || need_packages+=(docker.io)
# grep -q would close the pipe early, and pipefail would count busybox's SIGPIPE as a failure.
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -x httpd >/dev/null || need_packages+=(busybox-static)
[ -x /usr/bin/docker-registry ] || need_packages+=(docker-registry)
[ -x /usr/bin/htpasswd ] || need_packages+=(apache2-utils)
# The multi-node swarm test reaches each "VM" (a network namespace) over SSH.
[ -x /usr/sbin/sshd ] || need_packages+=(openssh-server)
if [ ${#need_packages[@]} -gt 0 ]; then
  echo "testbed: installing ${need_packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

# Where invoke-rc.d is allowed to start services (no policy-rc.d says 101), the package starts its own
# registry on :5000, on every interface. Tests start theirs on loopback, so that one is only in the way.
# Matching on --exec, not the init script's status, because a stopped registry can linger as a zombie
# under an init that does not reap.
registry_pid=/var/run/docker-registry.pid
if [ -f "$registry_pid" ] && start-stop-daemon --status --pidfile "$registry_pid" --exec /usr/bin/docker-registry; then
  echo "testbed: stopping the packaged docker-registry service"
  start-stop-daemon --stop --quiet --retry TERM/10 --pidfile "$registry_pid" --exec /usr/bin/docker-registry
fi

if ! docker info >/dev/null 2>&1; then
  echo "testbed: starting dockerd (log: /tmp/dockerd.log)"
  nohup dockerd >/tmp/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "testbed: dockerd did not answer within 60 s"; tail -20 /tmp/dockerd.log; exit 1; }
fi

if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != "active" ]; then
  echo "testbed: initialising swarm mode"
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
fi

if ! docker image inspect local/busybox:1 >/dev/null 2>&1; then
  echo "testbed: importing local/busybox:1"
  dir=$(mktemp -d)
  mkdir -p "$dir/bin" "$dir/www" "$dir/tmp"
  cp /bin/busybox "$dir/bin/busybox"
  for tool in sh httpd sleep wget cat echo nc ls test true false env; do ln -s busybox "$dir/bin/$tool"; done
  echo ok >"$dir/www/index.html"
  tar -C "$dir" -c . | docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - local/busybox:1 >/dev/null
  rm -rf "$dir"
fi
# Prometheus, Alertmanager and node exporter for the observability tests: Debian's binaries (with their
# command-line tools: promtool, amtool) and the libraries they link, on the busybox image's tools.
# Downloaded, not installed, so that no such service starts on this machine.
# image_from_package IMAGE PACKAGE ENTRYPOINT [BINARY...]
image_from_package() {
  local image=$1 package=$2 entrypoint=$3
  shift 3
  docker image inspect "$image" >/dev/null 2>&1 && return 0
  echo "testbed: building $image from Debian's $package package"
  local dir root
  dir=$(mktemp -d)
  chmod 755 "$dir"
  (cd "$dir" && apt-get download "$package" >/dev/null 2>&1) ||
    { apt-get update -qq && (cd "$dir" && apt-get download "$package" >/dev/null 2>&1); }
  dpkg-deb -x "$dir/${package}"_*.deb "$dir/deb"
  root="$dir/root"
  mkdir -p "$root/bin" "$root/usr/bin" "$root/tmp" "$root/etc/prometheus"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for tool in sh cat wget ls sleep; do ln -s busybox "$root/bin/$tool"; done
  # Alertmanager reads its default notification templates from here.
  if [ -d "$dir/deb/usr/share/prometheus" ]; then
    mkdir -p "$root/usr/share" && cp -r "$dir/deb/usr/share/prometheus" "$root/usr/share/"
  fi
  for binary in "$@"; do
    cp "$dir/deb/usr/bin/$binary" "$root/usr/bin/$binary"
    for lib in $(ldd "$root/usr/bin/$binary" | grep -o '/[^ ]*'); do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  done
  tar -C "$root" -c . | docker import -c "ENTRYPOINT [\"/usr/bin/$entrypoint\"]" -c 'ENV PATH=/bin:/usr/bin' - "$image" >/dev/null
  rm -rf "$dir"
}
image_from_package local/prometheus:test prometheus prometheus prometheus promtool
image_from_package local/alertmanager:test prometheus-alertmanager prometheus-alertmanager prometheus-alertmanager amtool
image_from_package local/node-exporter:test prometheus-node-exporter prometheus-node-exporter prometheus-node-exporter
echo "testbed: engine $(docker version --format '{{.Server.Version}}'), swarm active, local/busybox:1 and local/{prometheus,alertmanager,node-exporter}:test ready"
