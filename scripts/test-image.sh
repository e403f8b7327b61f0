#!/bin/sh
# npm run test:image — builds kfbot's container image and smoke-tests it, on a machine that
# cannot pull from a registry but reaches Debian's packages (not part of npm test; run it whenever
# the Dockerfile, .dockerignore or what the image copies changes):
#   1. the base: Debian 13 (trixie) made with mmdebstrap, `podman import`ed as the Dockerfile's BASE;
#   2. `podman build --isolation=chroot` (starting containers is refused here: setting rlimits is);
#   3. the image's filesystem exported, and in a chroot: `kfbot --version`, `kfbot validate` on
#      rules mounted at /etc/kfbot/rules, and `kfbot serve` until /healthz answers.
# Each step prints how long it took. Needs root, mmdebstrap and podman (apt-get install mmdebstrap podman).
set -eu

BASE=localhost/kfbot-debian:trixie    # the Dockerfile's ARG BASE
IMAGE=localhost/kfbot:test
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PORT=${KFBOT_IMAGE_PORT:-18080}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/kfbot-image.XXXXXX)
FS=$WORK/rootfs

step_started=0
step() { step_started=$(date +%s); echo "== $*"; }
took() { echo "   ok ($(( $(date +%s) - step_started )) s)"; }

cleanup() {
  if [ -n "${SERVE_PID:-}" ]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
  for m in "$FS/etc/kfbot/rules" "$FS/proc" "$FS/dev"; do
    if mountpoint -q "$m" 2>/dev/null; then umount "$m" || umount -l "$m" || true; fi
  done
  # Never rm -rf through a mount that is still there (the rules are the checkout's own).
  if grep -q " $WORK/" /proc/mounts; then echo "test:image: $WORK still has mounts; left in place"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

for tool in mmdebstrap podman; do
  command -v "$tool" >/dev/null || { echo "test:image: $tool is not installed (apt-get install $tool)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "test:image: run as root (mmdebstrap, podman --isolation=chroot and chroot need it)"; exit 1; }

if podman image exists "$BASE"; then
  echo "== base $BASE exists (podman rmi $BASE to rebuild it)"
else
  step "base: mmdebstrap trixie → podman import $BASE"
  mmdebstrap --variant=apt --include=ca-certificates trixie "$WORK/base.tar" "$MIRROR"
  podman import "$WORK/base.tar" "$BASE"
  rm -f "$WORK/base.tar"
  took
fi

step "podman build --isolation=chroot -t $IMAGE"
# A TLS-intercepting proxy's CA, as this machine's npm trusts it, for npm inside the build.
CAFILE=$(npm config get cafile 2>/dev/null || true)
if [ -n "$CAFILE" ] && [ "$CAFILE" != null ] && [ -f "$CAFILE" ]; then
  set -- -v "$CAFILE:/run/build-ca.crt:ro" --build-arg npm_config_cafile=/run/build-ca.crt
else
  set --
fi
podman build --isolation=chroot --build-arg BASE="$BASE" "$@" -t "$IMAGE" -f "$ROOT/Dockerfile" "$ROOT"
took

step "export the image's filesystem"
mkdir -p "$FS"
CID=$(podman create "$IMAGE")
podman export "$CID" | tar -x -C "$FS"
podman rm "$CID" >/dev/null
took

# What the image runs: its ENTRYPOINT as the kfbot user, with its ENV.
ENVS=$(podman image inspect --format '{{range .Config.Env}}{{.}} {{end}}' "$IMAGE")
# Numeric: chroot would look the name up on this machine, which has no kfbot user.
KFBOT_IDS=$(awk -F: '$1 == "kfbot" { print $3 ":" $4 }' "$FS/etc/passwd")
[ -n "$KFBOT_IDS" ] || { echo "test:image: the image has no kfbot user"; exit 1; }
in_image() { chroot --userspec="$KFBOT_IDS" "$FS" /usr/bin/env -i $ENVS HOME=/var/lib/kfbot sh -c "cd /var/lib/kfbot && exec $*"; }

step "kfbot --version"
in_image node /opt/kfbot/bin/kfbot.js --version
took

step "kfbot validate on the mounted rules"
mount --bind "$ROOT/rules" "$FS/etc/kfbot/rules"
mount -o remount,bind,ro "$FS/etc/kfbot/rules"
mount -t proc proc "$FS/proc"
mount --bind /dev "$FS/dev"
in_image node /opt/kfbot/bin/kfbot.js validate
took

step "kfbot serve until /healthz answers (sandbox mode, port $PORT)"
# Not through in_image: `$!` must be chroot's PID (it execs down to node), so cleanup can stop it.
chroot --userspec="$KFBOT_IDS" "$FS" /usr/bin/env -i $ENVS HOME=/var/lib/kfbot KFBOT_PORT="$PORT" \
  sh -c "cd /var/lib/kfbot && exec node /opt/kfbot/bin/kfbot.js serve --sandbox --host 127.0.0.1" \
  > "$WORK/serve.log" 2>&1 &
SERVE_PID=$!
i=0
until curl -fsS "http://127.0.0.1:$PORT/healthz" 2>/dev/null; do
  i=$((i + 1))
  if [ "$i" -gt 60 ] || ! kill -0 "$SERVE_PID" 2>/dev/null; then
    echo "test:image: /healthz did not answer; serve's output:"; cat "$WORK/serve.log"; exit 1
  fi
  sleep 0.5
done
echo
took
echo "test:image: the image builds, and kfbot --version, validate and serve work in it"
