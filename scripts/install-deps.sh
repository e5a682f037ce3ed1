#!/usr/bin/env bash
# Installs what disklessset's tests and demo need on Debian 12, as root:
# the Debian packages (only those missing, so a second run is quick) and the
# npm dependencies (when node_modules is absent or older than the lock file).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  squashfs-tools e2fsprogs xfsprogs mmdebstrap debootstrap   # image building
  dracut-core cpio zstd xz-utils lz4 kmod util-linux          # initramfs, archives, mounts
  qemu-system-x86 ipxe-qemu                                  # network-booting test nodes
  ovmf                                                       # UEFI firmware for the UEFI test node (test/e2e/overlay-boot.test.ts)
  nfs-ganesha nfs-ganesha-vfs                                # user-space NFSv4 server
  clustershell                                               # reference nodeset for differential tests
  nginx-light                                                # reference HTTP server for benchmarks
  python3-yaml                                               # PyYAML: the original tool's way in bench/image-list.ts
  busybox-static whois ca-certificates                       # small test trees, mkpasswd
  ansible-core                                               # `node import --ansible-inventory` (ansible-inventory)
  openssh-client                                             # ssh-keygen: SSH host keys of the ssh-host-keys overlay
  dnf rpm createrepo-c gpg gpg-agent                         # the dnf source; its tests build, sign and index tiny RPMs
  skopeo umoci                                               # container-image sources: pull (skopeo copy), unpack layers (umoci)
  docker-registry attr                                       # tests: a real local registry; setfattr/getfattr for xattrs in images
  time                                                       # GNU time: CPU time of whole builds in bench/initramfs.ts
  iproute2 curl                                              # bench/p2p-boot.ts: namespaces, bridge, tc shaping; the nodes' HTTP client
  aria2                                                      # aria2c: peer-to-peer root image fetch (dracut/96diskless-fetch), its tests and the p2p benchmark
)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
  touch node_modules
fi
