#!/bin/bash
# disklessset dracut module "diskless-fetch": fetches a livenet root image
# (root=live:http://...) over the node's boot servers (diskless.servers=)
# and, with diskless.p2p=1, peer-to-peer with aria2c, before handing the
# local file to dmsquash-live the way livenet does.

# Only when asked for (`--add diskless-fetch`, which `disklessset kernel
# initramfs` passes when the tree has aria2c): never pulled in otherwise.
check() {
    require_binaries aria2c curl || return 1
    return 255
}

# No dependency on livenet: without it nothing sets netroot=livenet:..., so
# the hook below never hands the fetch to disklessnetroot, and the module
# does nothing. (disklessset adds livenet to every initramfs it makes.)
depends() {
    return 0
}

install() {
    inst_multiple aria2c curl sha256sum setsid mktemp ln cp mv rm mkdir
    inst_script "$moddir/diskless-p2p-fetch" /sbin/diskless-p2p-fetch
    # dracut's netroot runs /sbin/<type>root for netroot=<type>:...; the
    # cmdline hook turns livenet's netroot into ours when asked for.
    inst_script "$moddir/disklessnetroot.sh" /sbin/disklessnetroot
    # 30: right after livenet's own parser (29), which sets netroot.
    inst_hook cmdline 30 "$moddir/parse-diskless-fetch.sh"
}
