#!/usr/bin/env bash
# One-Shot Lab on several servers: N Streamlit replicas of app.py and HAProxy in front of them, until Ctrl-C.
#
#   deploy/cluster.sh N          start N replicas and HAProxy; Ctrl-C (or SIGTERM) stops them all
#   deploy/cluster.sh config N   print the HAProxy configuration that `deploy/cluster.sh N` would run
#
# `./run.sh cluster N` sets up the environment (virtual environment, translations, data folders, DeepFace's
# weights, PostgreSQL) and runs this; the cluster tests (tests/support/cluster.py) run it too. Environment:
#
#   ONESHOT_DATABASE_URL        the database every replica shares (required when N > 0): postgresql://...
#   ONESHOT_CLUSTER_PORT        the balancer's port (8501)
#   ONESHOT_CLUSTER_ADDRESS     the balancer's address (all interfaces; 127.0.0.1 to keep it on this machine)
#   ONESHOT_REPLICA_BASE_PORT   replica i listens on BASE+i-1 (8601, so 8601..860N)
#   ONESHOT_REPLICA_PORTS       or the replicas' ports, listed ("8601 8602"); N defaults to their count
#   ONESHOT_REPLICA_ADDRESS     the replicas' address (127.0.0.1: only the balancer reaches them; 0.0.0.0 when
#                               the balancer runs on another machine)
#   ONESHOT_CLUSTER_BACKENDS    replicas on other machines, HOST:PORT ..., balanced beside the local ones
#   ONESHOT_CLUSTER_TLS_PEM     HTTPS at the balancer: one PEM file with the certificate and its key (./run.sh cluster
#                               --https makes it from ONESHOT_TLS_CERT/KEY or a self-signed pair, lab/tls.py)
#   ONESHOT_CLUSTER_BALANCER    haproxy (default), or none: replicas only (on the app machines of a large course)
#   ONESHOT_CLUSTER_LOG_DIR     where cluster-appI.log, cluster-haproxy.log and cluster-haproxy.cfg go (logs/)
#   ONESHOT_CLUSTER_START_TIMEOUT  seconds a replica may take to answer /_stcore/health (240)
#   PYTHON                      the Python that runs Streamlit (python3; run.sh passes .venv's)
#   ONESHOT_TEACHER_PASSWORD    the lecturer password (or [teacher] password in .streamlit/secrets.toml); without
#                               one, a password is made for this run and printed: through a balancer no browser is
#                               the laptop's own, so nobody would be the teacher
#   STREAMLIT_SERVER_COOKIE_SECRET  shared by the replicas (Streamlit signs cookies with it; set the same value on
#                               every machine); one is made for this run when it is unset
#
# Every replica gets this script's environment: OMNIGLOT_DIR, FACES_DIR, DEEPFACE_HOME... as `./run.sh app` sets.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
PORT=${ONESHOT_CLUSTER_PORT:-8501}
BALANCER_ADDRESS=${ONESHOT_CLUSTER_ADDRESS:-}
REPLICA_ADDRESS=${ONESHOT_REPLICA_ADDRESS:-127.0.0.1}
LOG_DIR=${ONESHOT_CLUSTER_LOG_DIR:-logs}
START_TIMEOUT=${ONESHOT_CLUSTER_START_TIMEOUT:-240}
BALANCER=${ONESHOT_CLUSTER_BALANCER:-haproxy}
TLS_PEM=${ONESHOT_CLUSTER_TLS_PEM:-}  # HTTPS at the balancer: a certificate and its key in one PEM (./run.sh cluster --https)
SCHEME=$([ -n "$TLS_PEM" ] && echo https || echo http)
read -r -a REMOTE <<<"${ONESHOT_CLUSTER_BACKENDS:-}"

say() { echo "cluster: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { echo "usage: deploy/cluster.sh [config] N" >&2; exit 2; }

mode=run
if [ "${1:-}" = config ]; then mode=config; shift; fi
if [ -n "${ONESHOT_REPLICA_PORTS:-}" ]; then
    read -r -a PORTS <<<"$ONESHOT_REPLICA_PORTS"
    N=${1:-${#PORTS[@]}}
    [ "$N" = "${#PORTS[@]}" ] || die "N=$N but ONESHOT_REPLICA_PORTS lists ${#PORTS[@]} ports"
else
    N=${1:-2}
    [[ $N =~ ^[0-9]+$ ]] || usage
    PORTS=()
    for ((i = 0; i < N; i++)); do PORTS+=($((${ONESHOT_REPLICA_BASE_PORT:-8601} + i))); done
fi
[[ $N =~ ^[0-9]+$ ]] || usage
for p in "$PORT" "${PORTS[@]}"; do [[ $p =~ ^[0-9]+$ ]] && ((p > 0 && p < 65536)) || die "not a port: $p"; done
[ -z "$TLS_PEM" ] || [ -r "$TLS_PEM" ] || die "ONESHOT_CLUSTER_TLS_PEM: cannot read $TLS_PEM"
[ "$BALANCER" = haproxy ] || [ "$BALANCER" = none ] || die "ONESHOT_CLUSTER_BALANCER is haproxy or none, not $BALANCER"
((N + ${#REMOTE[@]} > 0)) || die "nothing to run: N is 0 and ONESHOT_CLUSTER_BACKENDS is empty"
[ "$BALANCER" = haproxy ] || ((N > 0)) || die "nothing to run: N is 0 and ONESHOT_CLUSTER_BALANCER is none"

# -- the HAProxy configuration --------------------------------------------------------------------------------
haproxy_config() {
    local servers="" i
    for ((i = 0; i < N; i++)); do  # the cookie value is the server's name: app1, app2, ...
        servers+="    server app$((i + 1)) $([ "$REPLICA_ADDRESS" = 0.0.0.0 ] && echo 127.0.0.1 || echo "$REPLICA_ADDRESS"):${PORTS[i]} cookie app$((i + 1))"$'\n'
    done
    for ((i = 0; i < ${#REMOTE[@]}; i++)); do
        [[ ${REMOTE[i]} =~ ^[A-Za-z0-9_.-]+:[0-9]+$|^\[[0-9A-Fa-f:]+\]:[0-9]+$ ]] || die "ONESHOT_CLUSTER_BACKENDS: not HOST:PORT: ${REMOTE[i]}"
        servers+="    server remote$((i + 1)) ${REMOTE[i]} cookie remote$((i + 1))"$'\n'
    done
    local bind="${BALANCER_ADDRESS}:${PORT}"
    [[ $BALANCER_ADDRESS == *:* ]] && bind="[${BALANCER_ADDRESS}]:${PORT}"
    [ -z "$TLS_PEM" ] || bind+=" ssl crt $TLS_PEM"
    while IFS= read -r line; do
        case "$line" in
            @SERVERS@) printf '%s' "$servers" ;;
            *) printf '%s\n' "${line//@BIND@/$bind}" ;;
        esac
    done < deploy/haproxy.cfg.template
}

if [ "$mode" = config ]; then haproxy_config; exit 0; fi

# -- checks before anything starts ----------------------------------------------------------------------------
[ "$N" = 0 ] || [ -n "${ONESHOT_DATABASE_URL:-}" ] || die "ONESHOT_DATABASE_URL is not set: replicas must share one
  database (each would otherwise keep its own SQLite file). ./run.sh cluster sets it up with deploy/postgres.sh."
case "${ONESHOT_DATABASE_URL:-postgresql://}" in
    postgresql://* | postgresql+*://*) ;;
    *) say "warning: ONESHOT_DATABASE_URL is not PostgreSQL; replicas on other machines cannot share it" ;;
esac
if [ "$BALANCER" = haproxy ]; then
    command -v haproxy >/dev/null 2>&1 || die "haproxy is not installed (apt-get install haproxy; ./run.sh cluster does it)"
fi
"$PYTHON" -c 'import streamlit' 2>/dev/null || [ "$N" = 0 ] || die "$PYTHON cannot import streamlit (set PYTHON, or use ./run.sh cluster)"

port_free() {  # $1 address ("" = all), $2 port: nothing listens there and it can be bound
    "$PYTHON" - "$1" "$2" <<'EOF'
import socket, sys
address, port = sys.argv[1] or "0.0.0.0", int(sys.argv[2])
family = socket.AF_INET6 if ":" in address else socket.AF_INET
with socket.socket(family) as probe:
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((address, port))
    except OSError as error:
        sys.exit(f"{address}:{port}: {error.strerror}")
EOF
}
busy=()
for ((i = 0; i < N; i++)); do port_free "$REPLICA_ADDRESS" "${PORTS[i]}" 2>/dev/null || busy+=("${PORTS[i]} (replica app$((i + 1)))"); done
if [ "$BALANCER" = haproxy ]; then port_free "$BALANCER_ADDRESS" "$PORT" 2>/dev/null || busy+=("$PORT (balancer)"); fi
((${#busy[@]} == 0)) || die "port(s) in use: ${busy[*]}. Stop what uses them, or choose others with ONESHOT_CLUSTER_PORT and ONESHOT_REPLICA_BASE_PORT."

# -- the teacher: through a balancer no browser is "the laptop's own" (lab/sign_in.py), so a password is needed --------
has_secrets_password() {  # [teacher] password in the project's or the user's .streamlit/secrets.toml
    "$PYTHON" - <<'EOF'
import pathlib, sys, tomllib
for path in (pathlib.Path(".streamlit/secrets.toml"), pathlib.Path.home() / ".streamlit" / "secrets.toml"):
    try:
        teacher = tomllib.loads(path.read_text()).get("teacher")
    except (OSError, ValueError):
        continue
    if isinstance(teacher, dict) and teacher.get("password"):
        sys.exit(0)
sys.exit(1)
EOF
}
made_password=""
if ((N > 0)) && [ -z "${ONESHOT_TEACHER_PASSWORD:-}" ] && ! has_secrets_password; then
    made_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    export ONESHOT_TEACHER_PASSWORD=$made_password
    say "no lecturer password was set: this run's teacher password is $made_password (set ONESHOT_TEACHER_PASSWORD to choose one)"
fi

mkdir -p "$LOG_DIR"
export STREAMLIT_SERVER_COOKIE_SECRET=${STREAMLIT_SERVER_COOKIE_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}

# -- start, watch, stop -----------------------------------------------------------------------------------------
declare -A NAME=()    # pid -> app1, ..., haproxy
declare -a PIDS=()
stopping=0
stop_all() {  # TERM every child, wait up to 20 s, then KILL what is left
    ((stopping)) && return
    stopping=1
    trap - INT TERM
    ((${#PIDS[@]})) || return 0
    say "stopping ${PIDS[*]/#/pid }..."
    kill -TERM "${PIDS[@]}" 2>/dev/null || true
    for _ in $(seq 100); do
        local alive=0 pid
        for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.2
    done
    kill -KILL "${PIDS[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    say "stopped"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

for ((i = 0; i < N; i++)); do
    name=app$((i + 1))
    ONESHOT_REPLICA=$name "$PYTHON" -m streamlit run app.py --server.port "${PORTS[i]}" \
        --server.address "$REPLICA_ADDRESS" --server.headless true --browser.gatherUsageStats false \
        >"$LOG_DIR/cluster-$name.log" 2>&1 </dev/null &
    NAME[$!]=$name
    PIDS+=($!)
    say "$name: pid $!, http://$REPLICA_ADDRESS:${PORTS[i]}, log $LOG_DIR/cluster-$name.log"
done

deadline=$((SECONDS + START_TIMEOUT))
for ((i = 0; i < N; i++)); do
    pid=${PIDS[i]}
    host=$([ "$REPLICA_ADDRESS" = 0.0.0.0 ] && echo 127.0.0.1 || echo "$REPLICA_ADDRESS")
    [[ $host == *:* ]] && host="[$host]"
    until curl -fsS --max-time 2 -o /dev/null "http://$host:${PORTS[i]}/_stcore/health" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$LOG_DIR/cluster-${NAME[$pid]}.log" >&2 || true
            die "${NAME[$pid]} exited while starting (log above: $LOG_DIR/cluster-${NAME[$pid]}.log)"
        fi
        ((SECONDS < deadline)) || die "${NAME[$pid]} did not answer /_stcore/health within ${START_TIMEOUT} s (log: $LOG_DIR/cluster-${NAME[$pid]}.log)"
        sleep 0.5
    done
    say "${NAME[$pid]} is healthy"
done

if [ "$BALANCER" = haproxy ]; then
    haproxy_config >"$LOG_DIR/cluster-haproxy.cfg"
    haproxy -c -q -f "$LOG_DIR/cluster-haproxy.cfg" || die "HAProxy refuses $LOG_DIR/cluster-haproxy.cfg (above)"
    haproxy -db -f "$LOG_DIR/cluster-haproxy.cfg" >"$LOG_DIR/cluster-haproxy.log" 2>&1 </dev/null &
    balancer_pid=$!
    NAME[$balancer_pid]=haproxy
    PIDS+=($balancer_pid)
    host=${BALANCER_ADDRESS:-127.0.0.1}
    [ "$host" = 0.0.0.0 ] && host=127.0.0.1
    [[ $host == *:* ]] && host="[$host]"
    until curl -fsSk --max-time 2 -o /dev/null "$SCHEME://$host:$PORT/_stcore/health" 2>/dev/null; do
        kill -0 "$balancer_pid" 2>/dev/null || { cat "$LOG_DIR/cluster-haproxy.log" >&2; die "HAProxy exited (log above)"; }
        ((SECONDS < deadline + 30)) || die "HAProxy does not answer on port $PORT (log: $LOG_DIR/cluster-haproxy.log)"
        sleep 0.2
    done
    say "HAProxy (pid $balancer_pid) balances ${N} local and ${#REMOTE[@]} remote replica(s) on port $PORT; log $LOG_DIR/cluster-haproxy.log"
    echo "One-Shot Lab is ready on $SCHEME://${BALANCER_ADDRESS:-localhost}:$PORT (Ctrl-C stops it)"
    [ -z "$made_password" ] || echo "Teacher password for this run: $made_password (Teacher sign-in, in the sidebar)"
else
    echo "One-Shot Lab: $N replica(s) ready on ports ${PORTS[*]}, for a balancer on another machine (Ctrl-C stops them)"
fi

# A replica that stops is reported and left out (HAProxy's health check sends its users to the others); when the
# last one stops, or HAProxy does, everything stops.
live=$N
while :; do
    set +e
    wait -n -p finished "${PIDS[@]}"
    status=$?
    set -e
    [ -n "${finished:-}" ] || continue
    name=${NAME[$finished]}
    left=()
    for pid in "${PIDS[@]}"; do [ "$pid" = "$finished" ] || left+=("$pid"); done
    PIDS=("${left[@]}")
    if [ "$name" = haproxy ]; then
        die "HAProxy stopped (exit status $status; log $LOG_DIR/cluster-haproxy.log)"
    fi
    live=$((live - 1))
    say "$name stopped (exit status $status; log $LOG_DIR/cluster-$name.log); $live replica(s) left"
    ((live > 0)) || die "no replica left"
    unset finished
done
