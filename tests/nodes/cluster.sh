# Simulated cluster nodes on this machine, for the multi-node tests (sourced).
#
# nodes_up PREFIX K makes K "nodes": each a network namespace PREFIX1..PREFIXK with its own
# address on a bridge (NODE_NET.1 is the bridge, NODE_NET.1I node I), its own hostname (a UTS
# namespace, nodeI) and its own monotonic clock (a time namespace, NODE_OFFSET[I] seconds ahead
# of the machine's). The file system stays shared, as on a cluster. Everything is torn down at
# exit: the processes in the test's namespaces (only the test started any), the namespaces and
# the bridge.
#
#   node_exec I CMD...   runs CMD as node I (network, hostname and clock), in the foreground
#   node_pids I          the PIDs of every process of node I (its network namespace)
#   node_kill I          SIGKILL to every process of node I: the node fails
#   NODE_AGENT           a launcher in place of ssh for mpirun (plm_rsh_agent): AGENT HOST CMD
#
# Needs root, iproute2 and util-linux; returns 77 from nodes_up (skipped) only where the kernel
# refuses the namespaces.

NODE_NET=10.77.0
declare -a NODE_OFFSET=(0 172800 43200 86400 129600)  # node I: I-th entry (s); spread over days

_nodes_prefix=""
_nodes_count=0
_nodes_bridge=""

nodes_down() {
  local i
  for ((i = 1; i <= _nodes_count; i++)); do node_kill "$i"; done
  for ((i = 1; i <= _nodes_count; i++)); do ip netns del "$_nodes_prefix$i" 2> /dev/null; done
  [[ -n $_nodes_bridge ]] && ip link del "$_nodes_bridge" 2> /dev/null
  _nodes_count=0
  return 0
}

node_pids() { ip netns pids "$_nodes_prefix$1" 2> /dev/null; }

node_kill() {
  local pids
  pids=$(node_pids "$1")
  [[ -n $pids ]] && kill -9 $pids 2> /dev/null
  return 0
}

# nodes_up PREFIX K: returns 77 when namespaces are refused, 1 on any other failure.
nodes_up() {
  local prefix=$1 count=$2 i ns
  [[ $(id -u) -eq 0 ]] || { echo "needs root for network namespaces"; return 77; }
  for c in ip unshare nsenter; do command -v $c > /dev/null || { echo "$c is not installed"; return 77; }; done
  unshare --net --uts --time --monotonic 60 --fork true 2> /dev/null ||
    { echo "the kernel refuses network, UTS or time namespaces: $(unshare --net --uts --time --fork true 2>&1)"; return 77; }
  _nodes_prefix=$prefix
  _nodes_bridge=br-$prefix
  ip link del "$_nodes_bridge" 2> /dev/null
  for ((i = 1; i <= count; i++)); do ip netns del "$prefix$i" 2> /dev/null; done
  ip link add "$_nodes_bridge" type bridge || return 1
  ip addr add $NODE_NET.1/24 dev "$_nodes_bridge" && ip link set "$_nodes_bridge" up || return 1
  for ((i = 1; i <= count; i++)); do
    ns=$prefix$i
    ip netns add "$ns" || return 1
    _nodes_count=$i
    ip link add "v$prefix$i" type veth peer name eth0 netns "$ns" || return 1
    ip link set "v$prefix$i" master "$_nodes_bridge" && ip link set "v$prefix$i" up || return 1
    ip netns exec "$ns" ip addr add $NODE_NET.1$i/24 dev eth0 || return 1
    ip netns exec "$ns" ip link set eth0 up && ip netns exec "$ns" ip link set lo up || return 1
  done
  NODE_AGENT=$PWD/node-agent
  cat > "$NODE_AGENT" <<AGENT
#!/bin/bash
# mpirun's launcher (plm_rsh_agent) for the simulated nodes: AGENT HOST CMD...
host=\$1; shift
i=\${host##*.1}
[[ \$host == $NODE_NET.1[0-9] && -e /var/run/netns/$prefix\$i ]] || { echo "node-agent: unknown host \$host" >&2; exit 1; }
offsets=(${NODE_OFFSET[*]})
exec nsenter --net=/var/run/netns/$prefix\$i unshare --uts --time --monotonic \${offsets[\$i]} --fork \\
  sh -c "hostname node\$i; exec \$*"
AGENT
  chmod +x "$NODE_AGENT"
  return 0
}

# node_exec I CMD...: CMD on node I, with its network, hostname and clock.
node_exec() {
  local i=$1; shift
  nsenter --net=/var/run/netns/$_nodes_prefix$i unshare --uts --time --monotonic "${NODE_OFFSET[$i]}" --fork \
    sh -c 'hostname "$0"; exec "$@"' "node$i" "$@"
}
