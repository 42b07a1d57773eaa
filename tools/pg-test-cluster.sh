#!/bin/sh
# pg-test-cluster.sh - a throwaway PostgreSQL/PostGIS cluster for the tests:
# its own data folder under DIR, a Unix socket in DIR only (no TCP), run as
# an unprivileged user since PostgreSQL refuses root (terrobs-test, made if
# absent, when run as root). Prints nothing on success.
# Usage: tools/pg-test-cluster.sh start DIR   (stops a stale one first)
#        tools/pg-test-cluster.sh stop DIR
#        tools/pg-test-cluster.sh conninfo DIR
# The database is terrobs_test, user terrobs, trust over the socket.
set -eu
cmd=${1:?start, stop or conninfo}
dir=${2:?the cluster folder}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u terrobs-test -- "$@"
    else
        "$@"
    fi
}

stop() {
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop \
            >/dev/null 2>&1 || true
    fi
}

case $cmd in
conninfo)
    echo "host=$dir dbname=terrobs_test user=terrobs"
    ;;
start)
    if [ ! -x "$PGBIN/initdb" ]; then
        echo "pg-test-cluster: no $PGBIN/initdb (tools/install-deps.sh --test)" >&2
        exit 1
    fi
    stop
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        id terrobs-test >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin \
                terrobs-test
        chown terrobs-test "$dir"
        # PostgreSQL runs as terrobs-test, which must reach the folder: a
        # private folder above it (mode 700, as mktemp -d makes) forbids it.
        if ! as_owner test -w "$dir"; then
            echo "pg-test-cluster: user terrobs-test cannot reach $dir:" \
                "a folder above it is private (mode 700, e.g. made by" \
                "mktemp -d); build in a folder others may traverse" \
                "(chmod o+x on each folder above it)" >&2
            exit 1
        fi
    fi
    as_owner "$PGBIN/initdb" -D "$dir/data" -A trust -U terrobs -E UTF8 \
        --no-sync >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-k $dir -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=60" \
        start >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
    as_owner "$PGBIN/createdb" -h "$dir" -U terrobs terrobs_test
    as_owner "$PGBIN/psql" -q -h "$dir" -U terrobs -d terrobs_test \
        -c "CREATE EXTENSION postgis" >/dev/null
    ;;
stop)
    stop
    rm -rf "$dir"
    ;;
*)
    echo "pg-test-cluster: start, stop or conninfo" >&2
    exit 1
    ;;
esac
