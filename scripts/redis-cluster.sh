#!/usr/bin/env bash
# A local Redis Cluster of three masters and three replicas, for tests (.ci/run) and the
# shard-failover drill. Idempotent: a cluster already answering cluster_state:ok on these ports
# is reused; anything else on them (a half-made cluster) is stopped and made again.
#
#   scripts/redis-cluster.sh [start|stop] [FIRST_PORT]   (default: start 7101 → ports 7101-7106)
#
# Prints the seed nodes (REDIS_CLUSTER_NODES) on stdout. Data and nodes.conf files live in
# ${REDIS_CLUSTER_DIR:-/tmp/stampede-redis-cluster}/<port>; nothing is persisted.
set -euo pipefail

action="${1:-start}"
first="${2:-7101}"
ports=$(seq "$first" $((first + 5)))
root="${REDIS_CLUSTER_DIR:-/tmp/stampede-redis-cluster}"
# Small, so a replica takes over a dead master within a few seconds.
node_timeout="${REDIS_CLUSTER_NODE_TIMEOUT:-2000}"

nodes() { for p in $ports; do printf '127.0.0.1:%s\n' "$p"; done | paste -sd, -; }
healthy() {
  for p in $ports; do
    redis-cli -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
  # Three masters, each with its replica: a cluster left after a failover drill may be short one.
  [ "$(redis-cli -p "$first" cluster nodes 2>/dev/null | grep -c ' connected')" -eq 6 ] &&
    [ "$(redis-cli -p "$first" cluster nodes 2>/dev/null | grep -v fail | grep -c master)" -eq 3 ]
}
stop() {
  for p in $ports; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
  for p in $ports; do
    for _ in $(seq 1 50); do redis-cli -p "$p" ping >/dev/null 2>&1 || break; sleep 0.1; done
  done
  for p in $ports; do rm -rf "${root:?}/$p"; done
}

if [ "$action" = "stop" ]; then
  stop
  exit 0
fi
if [ "$action" != "start" ]; then
  echo "usage: $0 [start|stop] [FIRST_PORT]" >&2
  exit 2
fi

if healthy; then
  nodes
  exit 0
fi
stop
for p in $ports; do
  mkdir -p "$root/$p"
  redis-server --bind 127.0.0.1 --port "$p" --dir "$root/$p" \
    --cluster-enabled yes --cluster-config-file "$root/$p/nodes.conf" \
    --cluster-node-timeout "$node_timeout" --save "" --appendonly no \
    --daemonize yes --logfile "$root/$p/redis.log" >/dev/null
done
for p in $ports; do
  for _ in $(seq 1 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
# shellcheck disable=SC2046
redis-cli --cluster create $(for p in $ports; do printf '127.0.0.1:%s ' "$p"; done) \
  --cluster-replicas 1 --cluster-yes >/dev/null
for _ in $(seq 1 100); do
  healthy && break
  sleep 0.2
done
if ! healthy; then
  echo "redis-cluster: no healthy cluster on ports $first-$((first + 5)) after 20 s" >&2
  exit 1
fi
nodes
