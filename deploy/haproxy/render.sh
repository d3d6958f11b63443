#!/usr/bin/env bash
# Renders deploy/haproxy/switchboard.cfg.in into an HAProxy configuration for the instances given.
#
#   deploy/haproxy/render.sh --state-dir DIR --http-port P --rpc-port P --stats-port P [--bind ADDR] \
#       --instance HOST:HTTP_PORT:RPC_PORT:ADMIN_PORT [--instance ...]  > haproxy.cfg
#
# Instance i (from 1) is server "sb<i>" in both backends, with cookie "sb<i>": keep the order of the
# instances when re-rendering, or clients' cookies point at other instances. The admin port is where
# HAProxy checks /ready and /health; instances on other hosts must let the balancer reach it
# (--admin-bind; see docs/scale-out.md).
set -euo pipefail

die() { echo "render.sh: $*" >&2; exit 2; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state_dir="" http_port="" rpc_port="" stats_port="" bind="127.0.0.1"
instances=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --state-dir) state_dir="$2"; shift 2 ;;
        --http-port) http_port="$2"; shift 2 ;;
        --rpc-port) rpc_port="$2"; shift 2 ;;
        --stats-port) stats_port="$2"; shift 2 ;;
        --bind) bind="$2"; shift 2 ;;
        --instance) instances+=("$2"); shift 2 ;;
        *) die "unknown argument: $1" ;;
    esac
done
[[ -n "$state_dir" && -n "$http_port" && -n "$rpc_port" && -n "$stats_port" ]] ||
    die "--state-dir, --http-port, --rpc-port and --stats-port are needed"
[[ ${#instances[@]} -gt 0 ]] || die "at least one --instance HOST:HTTP_PORT:RPC_PORT:ADMIN_PORT"

http_servers="" rpc_servers=""
i=0
for instance in "${instances[@]}"; do
    i=$((i + 1))
    IFS=: read -r host http rpc admin <<<"$instance"
    [[ -n "$host" && "$http" =~ ^[0-9]+$ && "$rpc" =~ ^[0-9]+$ && "$admin" =~ ^[0-9]+$ ]] ||
        die "--instance $instance: HOST:HTTP_PORT:RPC_PORT:ADMIN_PORT"
    http_servers+="    server sb$i $host:$http cookie sb$i check port $admin"$'\n'
    rpc_servers+="    server sb$i $host:$rpc check port $admin"$'\n'
done

while IFS= read -r line || [[ -n "$line" ]]; do
    case "$line" in
        @HTTP_SERVERS@) printf '%s' "$http_servers" ;;
        @RPC_SERVERS@) printf '%s' "$rpc_servers" ;;
        *)
            line="${line//@STATE_DIR@/$state_dir}"
            line="${line//@BIND@/$bind}"
            line="${line//@HTTP_PORT@/$http_port}"
            line="${line//@RPC_PORT@/$rpc_port}"
            line="${line//@STATS_PORT@/$stats_port}"
            printf '%s\n' "$line"
            ;;
    esac
done <"$HERE/switchboard.cfg.in"
