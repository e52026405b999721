#!/usr/bin/env bash
# Runs every PeerRoom suite. On a fresh Debian machine it first installs what
# the tests need (Chromium from Debian's packages, the npm packages), so this
# and `cargo run --release` are all the set-up there is.
#
#   tests/run.sh            everything
#   SKIP_BROWSER=1 tests/run.sh   the Rust suites only (no Chromium needed)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
artifacts="$root/tests/artifacts"
screenshots="$artifacts/screenshots"
mkdir -p "$artifacts"
rm -rf "$screenshots"

step() { printf '\n==> %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Runs `node --test` on a folder, with the environment given before it, and
# sets <name>_passed and <name>_failed. A failing suite does not stop the
# others; a runner that fails without counting a failure still fails.
node_suite() {
    local name="$1" folder="$2"
    shift 2
    local log="$artifacts/$name-tests.log" status passed failed
    set +e
    env "$@" node --test --test-reporter=spec "$folder" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    passed=$(grep -Eo '^ℹ pass [0-9]+' "$log" | grep -Eo '[0-9]+' || true)
    failed=$(grep -Eo '^ℹ fail [0-9]+' "$log" | grep -Eo '[0-9]+' || true)
    passed=${passed:-0}
    failed=${failed:-0}
    if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    printf -v "${name}_passed" '%s' "$passed"
    printf -v "${name}_failed" '%s' "$failed"
}

# Installs a Debian package the tests need when its command is missing:
# `needs COMMAND PACKAGE`, for the browser tests only unless `always` follows.
needs() {
    if { [ -z "${SKIP_BROWSER:-}" ] || [ "${3:-}" = always ]; } && ! command -v "$1" >/dev/null 2>&1; then
        step "installing $2 from Debian's packages"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    fi
}
needs chromium chromium
# The media tests block UDP with nftables, as a firewall would,
needs nft nftables
# put the server and each browser in network namespaces of their own
# (tests/browser/network.mjs),
needs ip iproute2
# and relay media through a throwaway coturn (media-firewall.test.mjs).
needs turnserver coturn
# The mail tests (Rust and browser) deliver to a throwaway exim
# (testkit/src/mail_server.rs).
needs exim4 exim4-daemon-light always
# The store's tests run a second time on a throwaway PostgreSQL
# (testkit/src/postgres.rs). Its programs are not on PATH: look for initdb.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    step "installing postgresql from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

step "installing the web client's npm packages"
(cd web-client && npm ci --no-audit --no-fund --loglevel=error)

step "type-checking the web client (tsc --noEmit)"
(cd web-client && npx --no-install tsc --noEmit -p .)

step "running the web client's unit tests (node --test, no browser)"
node_suite web tests/web/

step "checking Rust formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy -p peer-room --features media-tap --quiet -- -D warnings

step "building the server"
# First with the media tap, kept aside for the end-to-end encryption tests
# (server/src/media/tap.rs); then the plain server in its place.
cargo build -p peer-room --features media-tap --quiet
cp target/debug/peer-room target/debug/peer-room-tap
cargo build --workspace --all-targets --quiet

step "checking that the README's \`cargo run\` runs the server"
cargo run --quiet -- --help >/dev/null

rust_log="$artifacts/rust-tests.log"
step "running the Rust suites (unit and end-to-end)"
# A failing suite does not stop the others: every result is reported.
set +e
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --no-fail-fast 2>&1 | tee "$rust_log"
    rust_status=${PIPESTATUS[0]}
    rust_passed=$(grep -Eo '[0-9]+ passed' "$rust_log" | tail -1 | grep -Eo '[0-9]+')
    rust_failed=$(grep -Eo '[0-9]+ failed' "$rust_log" | tail -1 | grep -Eo '[0-9]+')
else
    cargo test --workspace --no-fail-fast 2>&1 | tee "$rust_log"
    rust_status=${PIPESTATUS[0]}
    rust_passed=$(grep -Eo '[0-9]+ passed' "$rust_log" | grep -Eo '[0-9]+' | paste -sd+ | bc)
    rust_failed=$(grep -Eo '[0-9]+ failed' "$rust_log" | grep -Eo '[0-9]+' | paste -sd+ | bc)
fi
set -e
rust_passed=${rust_passed:-0}
rust_failed=${rust_failed:-0}
# A runner that failed without counting a failure (a build error) still fails.
if [ "$rust_status" -ne 0 ] && [ "$rust_failed" -eq 0 ]; then rust_failed=1; fi

# The store's suite: every end-to-end test that stores something (not the
# media tests, nor the checks of the docs, nor the cluster's, which run on
# PostgreSQL in the first pass already).
store_suite='binary(e2e) & !test(/^(architecture_doc|protocol_doc|cluster|media|breakouts_media|screen_media|simulcast_media)/)'
pg_log="$artifacts/postgres-tests.log"
step "running the store's suite again on PostgreSQL (a throwaway cluster on loopback)"
set +e
coproc POSTGRES { exec "$root/target/debug/throwaway-postgres"; }
pg_pid=$POSTGRES_PID
pg_in=${POSTGRES[1]}
read -r ready pg_url <&"${POSTGRES[0]}"
if [ "${ready:-}" = ready ] && cargo nextest --version >/dev/null 2>&1; then
    PEER_ROOM_TEST_POSTGRES="$pg_url" cargo nextest run -p peer-room -E "$store_suite" --no-fail-fast 2>&1 | tee "$pg_log"
    pg_status=${PIPESTATUS[0]}
    pg_passed=$(grep -Eo '[0-9]+ passed' "$pg_log" | tail -1 | grep -Eo '[0-9]+')
    pg_failed=$(grep -Eo '[0-9]+ failed' "$pg_log" | tail -1 | grep -Eo '[0-9]+')
elif [ "${ready:-}" = ready ]; then
    PEER_ROOM_TEST_POSTGRES="$pg_url" cargo test -p peer-room --test e2e --no-fail-fast -- \
        --skip architecture_doc --skip protocol_doc --skip media 2>&1 | tee "$pg_log"
    pg_status=${PIPESTATUS[0]}
    pg_passed=$(grep -Eo '[0-9]+ passed' "$pg_log" | grep -Eo '[0-9]+' | paste -sd+ | bc)
    pg_failed=$(grep -Eo '[0-9]+ failed' "$pg_log" | grep -Eo '[0-9]+' | paste -sd+ | bc)
else
    echo "the throwaway PostgreSQL did not start" | tee "$pg_log"
    pg_status=1
fi
# Closing its standard input stops it and removes its data.
exec {pg_in}>&-
wait "$pg_pid"
set -e
pg_passed=${pg_passed:-0}
pg_failed=${pg_failed:-0}
if [ "$pg_status" -ne 0 ] && [ "$pg_failed" -eq 0 ]; then pg_failed=1; fi
rust_passed=$((rust_passed + pg_passed))
rust_failed=$((rust_failed + pg_failed))

browser_passed=0
browser_failed=0
if [ -z "${SKIP_BROWSER:-}" ]; then
    step "running the browser suites (headless Chromium)"
    node_suite browser tests/browser/ PEER_ROOM_BIN="$root/target/debug/peer-room" PEER_ROOM_SCREENSHOTS="$screenshots"
    echo "Screenshots of every step: $screenshots"
fi

passed=$((rust_passed + web_passed + browser_passed))
failed=$((rust_failed + web_failed + browser_failed))
echo
echo "Rust: $rust_passed passed, $rust_failed failed (of which on PostgreSQL: $pg_passed passed, $pg_failed failed). Web: $web_passed passed, $web_failed failed. Browser: $browser_passed passed, $browser_failed failed."
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$rust_passed" -gt 0 ]
