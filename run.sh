#!/usr/bin/env bash
# One-Shot Lab: set up and run.
#   ./run.sh app [--https]  set up .venv (once) and start the app: streamlit run app.py (--https: over TLS, with
#                   $ONESHOT_TLS_CERT/$ONESHOT_TLS_KEY or a self-signed certificate made on first use: phones' cameras)
#   ./run.sh test   set up .venv and Chromium (once) and run every test
#   ./run.sh cluster N [--https]  PostgreSQL, N replicas of the app (ports 8601..) and HAProxy in front (port 8501;
#                   --https: HAProxy serves TLS)
#   ./run.sh setup  only set up
#   ./run.sh translations  collect the strings to translate into lab/locales (after changing any text)
# Needs Python 3.11+ with venv (Debian/Ubuntu: apt-get install python3 python3-venv).
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

need_python() {
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "One-Shot Lab needs Python 3.11 or newer as '$PYTHON' (set PYTHON=/path/to/python3.11)." >&2
        exit 1
    fi
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

setup_venv() {  # $1: requirements file
    need_python
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -m venv "$VENV" || {
            echo "Could not create a virtual environment: on Debian/Ubuntu run 'sudo apt-get install python3-venv'." >&2
            exit 1
        }
    fi
    # Reinstall only when the requirement files or pyproject.toml changed since the last successful install.
    local stamp="$VENV/.installed-$1" want
    want=$(cat requirements*.txt pyproject.toml | sha256sum | cut -d' ' -f1)
    # requirements-dev.txt includes requirements.txt: a virtual environment set up for the tests serves the app.
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] && [ "$(cat "$VENV/.installed-requirements-dev.txt" 2>/dev/null)" != "$want" ]; then
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -r "$1"
        # The project itself, editable (its dependencies are the pins just installed): lab, api, ui and bench import
        # from anywhere, and the `oneshot-lab` command is python -m lab.
        "$VENV/bin/python" -m pip install --quiet --no-deps -e .
        echo "$want" > "$stamp"
    fi
}

setup_chromium() {
    if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM_PATH:-}" ]; then
        echo "Installing Debian's chromium for the end-to-end tests..." >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
}

setup_haproxy() {  # the load balancer of ./run.sh cluster and of the cluster tests; returns 1 if it cannot be had
    if ! command -v haproxy >/dev/null 2>&1; then
        echo "Installing Debian's haproxy for several servers..." >&2
        as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null \
            || { echo "Could not install haproxy with apt-get." >&2; return 1; }
    fi
}

setup_test_postgres() {  # PostgreSQL for the tests: ONESHOT_TEST_POSTGRES_URL, or the reason why not
    [ -n "${ONESHOT_TEST_POSTGRES_URL:-}" ] && return 0
    local url errors
    errors=$(mktemp)
    if url=$(deploy/postgres.sh oneshot_test 2>"$errors"); then
        export ONESHOT_TEST_POSTGRES_URL="$url"
    else
        export ONESHOT_TEST_POSTGRES_UNAVAILABLE="deploy/postgres.sh failed: $(tail -n 3 "$errors" | tr '\n' ' ')"
        echo "PostgreSQL is not available, the tests that need it will fail (skip with ONESHOT_REQUIRE_POSTGRES=0):" \
             "$ONESHOT_TEST_POSTGRES_UNAVAILABLE" >&2
    fi
    rm -f "$errors"
}

compile_translations() {  # lab/locales/*/LC_MESSAGES/messages.po -> .mo, as gettext reads them (see lab/i18n.py)
    "$VENV/bin/pybabel" compile --domain messages --directory lab/locales --statistics 2>/dev/null \
        | grep -v '^compiling' || true
}

default_data_dir() {  # the shared data beside the checkout, when the user has not chosen a folder
    if [ -z "${OMNIGLOT_DIR:-}" ] && [ -d ../shared/data/omniglot ]; then
        export OMNIGLOT_DIR="$(cd ../shared/data/omniglot && pwd -P)"
    fi
    if [ -z "${FACES_DIR:-}" ] && [ -d ../shared/data/faces ]; then
        export FACES_DIR="$(cd ../shared/data/faces && pwd -P)"
    fi
    if [ -z "${FACES_LFW_DIR:-}" ] && [ -d ../shared/data/faces-lfw ]; then
        export FACES_LFW_DIR="$(cd ../shared/data/faces-lfw && pwd -P)"
    fi
}

tls_args=()  # --https: the certificate and key (lab/tls.py: the environment's, else a self-signed pair kept for later)
take_https_flag() {  # sets https=1 and the remaining arguments in rest=(...)
    https=0
    rest=()
    local arg
    for arg in "$@"; do
        if [ "$arg" = --https ]; then https=1; else rest+=("$arg"); fi
    done
}

default_face_weights() {  # DeepFace's offline weights, from the shared folder when it is there (no network)
    if [ -d ../shared/data/deepface/weights ]; then
        "$VENV/bin/python" -m lab faces weights --from-folder ../shared/data/deepface/weights >/dev/null \
            || echo "Some DeepFace weight files are missing: see 'python -m lab faces weights'." >&2
    fi
}

case "${1:-app}" in
    app)
        setup_venv requirements.txt
        compile_translations
        default_data_dir
        default_face_weights
        shift || true
        take_https_flag "$@"
        if ((https)); then
            mapfile -t tls < <("$VENV/bin/python" -m lab.tls) && ((${#tls[@]} == 2)) || exit 1
            tls_args=(--server.sslCertFile "${tls[0]}" --server.sslKeyFile "${tls[1]}")
            echo "HTTPS with ${tls[0]} (a self-signed certificate: each phone accepts it once, see the README)." >&2
        fi
        exec "$VENV/bin/python" -m streamlit run app.py "${tls_args[@]}" "${rest[@]}"
        ;;
    test)
        setup_venv requirements-dev.txt
        compile_translations
        setup_chromium
        setup_haproxy || echo "No haproxy: the cluster tests will fail (skip with ONESHOT_REQUIRE_POSTGRES=0)." >&2
        # PostgreSQL and HAProxy are part of the suite: the tests that need them fail, not skip, when they are missing
        # (ONESHOT_REQUIRE_POSTGRES=0 ./run.sh test lets them skip, on a machine where they cannot be installed).
        export ONESHOT_REQUIRE_POSTGRES=${ONESHOT_REQUIRE_POSTGRES:-1}
        setup_test_postgres
        default_data_dir
        shift || true
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    cluster)  # ./run.sh cluster [N] [--https]: see README, "A large course: several servers"
        shift
        take_https_flag "$@"
        replicas=${rest[0]:-2}
        [[ $replicas =~ ^[0-9]+$ ]] && ((${#rest[@]} <= 1)) || {
            echo "usage: ./run.sh cluster [N] [--https]  (N replicas of the app, default 2)" >&2; exit 2; }
        setup_venv requirements.txt
        compile_translations
        default_data_dir
        default_face_weights
        if [ "${ONESHOT_CLUSTER_BALANCER:-haproxy}" != none ]; then
            setup_haproxy || exit 1
        fi
        if [ "$replicas" -gt 0 ] && [ -z "${ONESHOT_DATABASE_URL:-}" ]; then
            ONESHOT_DATABASE_URL=$(deploy/postgres.sh oneshot) || {
                echo "Several servers share one PostgreSQL database, and deploy/postgres.sh could not make one ready" \
                     "(see above); or set ONESHOT_DATABASE_URL=postgresql://USER:PASSWORD@HOST:PORT/DATABASE." >&2
                exit 1
            }
            export ONESHOT_DATABASE_URL
        fi
        if ((https)); then  # HAProxy terminates TLS; the replicas behind it stay on plain HTTP on this machine
            ONESHOT_CLUSTER_TLS_PEM=$("$VENV/bin/python" -m lab.tls --haproxy) || exit 1
            export ONESHOT_CLUSTER_TLS_PEM
        fi
        PYTHON="$VENV/bin/python" exec deploy/cluster.sh "$replicas"
        ;;
    setup)
        setup_venv requirements-dev.txt
        compile_translations
        setup_chromium
        setup_haproxy
        ;;
    translations)  # new strings into the Portuguese catalogue (empty, for a translator); obsolete ones marked
        setup_venv requirements-dev.txt
        "$VENV/bin/pybabel" extract --mapping babel.cfg --keywords N_ --keywords ngettext:1,2 --no-location \
            --sort-output --project "One-Shot Lab" --output-file lab/locales/messages.pot . >/dev/null
        "$VENV/bin/pybabel" update --input-file lab/locales/messages.pot --output-dir lab/locales --locale pt_BR \
            --init-missing --no-fuzzy-matching --ignore-obsolete --no-wrap >/dev/null
        compile_translations
        ;;
    *)
        echo "usage: ./run.sh [app|test|cluster N|setup|translations] [extra arguments for streamlit or pytest]" >&2
        exit 2
        ;;
esac
