#!/bin/sh
# disklessset cmdline hook: when the kernel command line asks for more than
# livenet's single URL (diskless.servers=URL,... or diskless.p2p=1), the
# root image is fetched by /sbin/disklessnetroot instead of livenetroot.
# livenet's parser (29) has set netroot=livenet:URL; only its type changes,
# so everything else livenet set up (the generator, /dev/root) stays.
# Sourced by dracut: no exit, names prefixed.

case "${netroot:-}" in
    livenet:*)
        if [ -n "$(getarg diskless.servers=)" ] || getargbool 0 diskless.p2p; then
            netroot="disklessnet:${netroot#livenet:}"
            info "diskless-fetch: root image fetched by disklessnetroot (servers: $(getarg diskless.servers=), p2p: $(getarg diskless.p2p=))"
        fi
        ;;
esac
