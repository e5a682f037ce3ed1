#!/bin/bash
# disklessset stand-in for dracut's "kernel-network-modules", put in its place
# by `disklessset kernel initramfs` (default profile, not --full). dracut's
# own module packs every wired network driver of the kernel (tens of MiB
# that a node never loads) and cannot be left out, since "network" depends
# on it. disklessset names the network drivers a node needs with --drivers
# instead, so this module packs none of its own.

check() {
    return 255
}

depends() {
    return 0
}

installkernel() {
    return 0
}

install() {
    return 0
}
