#!/bin/sh
# disklessset pre-pivot hook: copies the node's overlay into the new root.
#
# The overlay is a newc archive that iPXE loads as an extra initrd; the kernel
# unpacks it into the initramfs, every file under /diskless-overlay/. This hook
# copies each file and symbolic link to the same path under $NEWROOT, keeping
# mode, owner and link target. Folders that already exist in the new root keep
# their own mode and owner (an overlay never changes /etc's); missing folders
# are made with the overlay's. A file replaces whatever is at its path, a link
# included (it is never written through). A path the image holds as a folder
# is not replaced by a file: reported, the others still applied.
#
# dracut sources this file (so: no `exit`, names prefixed); it can also run as
# `sh diskless-overlay.sh` with NEWROOT and DISKLESS_OVERLAY_DIR set (tests).
# One line on stderr (the console in the initramfs) says what was done.

diskless_overlay_apply() {
    _do_src="${DISKLESS_OVERLAY_DIR:-/diskless-overlay}"
    _do_dst="${NEWROOT:-/sysroot}"
    if [ ! -d "$_do_src" ]; then
        echo "diskless-overlay: no overlay in this initramfs (no $_do_src), nothing applied" >&2
        return 0
    fi
    # An NFS or live root mounted read-only is made writable for the copy only.
    _do_remounted=
    if grep -q "^[^ ]* $_do_dst [^ ]* ro[, ]" /proc/mounts 2>/dev/null; then
        if mount -o remount,rw "$_do_dst"; then
            _do_remounted=yes
        else
            echo "diskless-overlay: $_do_dst is read-only and cannot be remounted: overlay NOT applied" >&2
            return 0
        fi
    fi
    # Parents come before their contents in find's output. The loop runs in a
    # subshell (the pipe): it prints the counts instead of setting variables.
    _do_result=$(cd "$_do_src" && find . -mindepth 1 | {
        applied=0
        failed=0
        while IFS= read -r entry; do
            path="${entry#./}"
            if [ -d "$entry" ] && [ ! -L "$entry" ]; then
                [ -e "$_do_dst/$path" ] || [ -L "$_do_dst/$path" ] && continue
                mkdir "$_do_dst/$path" && chown --reference="$entry" "$_do_dst/$path" \
                    && chmod --reference="$entry" "$_do_dst/$path" && continue
                echo "diskless-overlay: could not make folder /$path" >&2
                failed=$((failed + 1))
            elif cp -a -T --remove-destination "$entry" "$_do_dst/$path"; then
                applied=$((applied + 1))
            else
                echo "diskless-overlay: could not apply /$path" >&2
                failed=$((failed + 1))
            fi
        done
        if [ "$failed" -gt 0 ]; then
            echo "$applied files applied, $failed FAILED"
        else
            echo "$applied files applied"
        fi
    })
    echo "diskless-overlay: $_do_result" >&2
    [ -n "$_do_remounted" ] && mount -o remount,ro "$_do_dst"
    unset _do_src _do_dst _do_result _do_remounted
    return 0
}

diskless_overlay_apply
