#!/bin/sh
# disklessnetroot NETIF disklessnet:URL NEWROOT - dracut netroot handler.
#
# Fetches the live root image at URL, then runs dmsquash-live-root on the
# local copy, as livenet's livenetroot does. In order:
#   1. diskless.p2p=1: diskless-p2p-fetch (aria2c from the swarm's peers,
#      the servers as web seeds only once the swarm stalls, sha256 checked,
#      seeding diskless.p2p.seed seconds, default 300), which itself falls
#      back to plain HTTP over the servers;
#   2. plain HTTP: URL, then the same path and query on each server of
#      diskless.servers=URL1,URL2 (base URLs, as in the iPXE failover);
#   3. when all of that failed: livenetroot itself on URL (its retries).
# Lines starting "diskless-fetch:" on the console say which way it went.

command -v getarg > /dev/null || . /lib/dracut-lib.sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin

[ -e /tmp/diskless-fetch.done ] && exit 0

netif="$1"
url="${2#disklessnet:}"
# Where livenet puts its copy too: the initramfs' own RAM, not /run (a
# tmpfs capped at a share of the memory).
out_dir=/tmp/diskless-fetch

# note TEXT: one line on the console (through the kernel log, which reaches
# it wherever the initqueue's own output goes).
note() {
    echo "diskless-fetch: $*" > /dev/kmsg
}

# The root URL's path and query (all after scheme://host[:port]).
rest="${url#*://}"
case "$rest" in
    */*) path_query="/${rest#*/}" ;;
    *) path_query=/ ;;
esac
# The image's name, for the local copy: the path's last part, no query.
name="${path_query%%\?*}"
name="${name##*/}"
[ -n "$name" ] || name=root.img
bare="${url%%\?*}"

urls="$url"
servers="$(getarg diskless.servers=)"
old_ifs="$IFS"
IFS=,
for server in $servers; do
    [ -n "$server" ] || continue
    candidate="${server%/}$path_query"
    [ "$candidate" = "$url" ] || urls="$urls $candidate"
done
IFS="$old_ifs"

mkdir -p "$out_dir"
output="$out_dir/$name"

fetched=
if getargbool 0 diskless.p2p; then
    seed="$(getarg diskless.p2p.seed=)"
    case "$seed" in '' | *[!0-9]*) seed=300 ;; esac
    note "p2p fetch of $bare (seed $seed s)"
    # shellcheck disable=SC2086
    if diskless-p2p-fetch "$bare.torrent" "$output" "$bare.sha256" "$seed" $urls 2> /tmp/diskless-fetch.log; then
        fetched=yes
    fi
    while IFS= read -r line; do
        note "$line"
    done < /tmp/diskless-fetch.log
else
    for candidate in $urls; do
        if curl --globoff --location --fail --silent --show-error --connect-timeout 10 \
            --retry 3 --retry-connrefused --output "$output" -- "$candidate"; then
            note "root image via http from $candidate"
            fetched=yes
            break
        fi
        note "$candidate failed, next server"
        rm -f "$output"
    done
fi

if [ -z "$fetched" ]; then
    note "no server gave the root image; livenet retries $url"
    exec /sbin/livenetroot "$netif" "livenet:$url" "$3"
fi
: > /tmp/diskless-fetch.done
exec /sbin/dmsquash-live-root "$output"
