#!/bin/bash
# disklessset dracut module "diskless-overlay": before switch-root, copies the
# node's overlay files, unpacked by the kernel from the extra initrd
# `overlay` under /diskless-overlay, into the new root.

# Only when asked for (`--add diskless-overlay`, which `disklessset kernel
# initramfs` passes by default): never pulled in by a host-only build.
check() {
    return 255
}

depends() {
    return 0
}

install() {
    # GNU cp/chmod/chown (the tree's own): --remove-destination, -T and
    # --reference keep the copy from following links or clobbering folders.
    inst_multiple cp find mkdir chmod chown grep mount
    # 90: after the live image's own updates (dmsquash-live, 20) and /usr (50),
    # so the node's files win; before NFS clean-up (99).
    inst_hook pre-pivot 90 "$moddir/diskless-overlay.sh"
}
