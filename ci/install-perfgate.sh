#!/usr/bin/env bash
# Finds or builds the perfgate binary for the Actions step (action.yml runs this).
#
#   install-perfgate.sh locate   writes to $GITHUB_OUTPUT:
#       bin=PATH          the binary to run (perfgate-bin, else perfgate on PATH,
#                         else where `build` puts it)
#       need-build=true|false
#       install-dir=DIR   where `build` installs (the path actions/cache keeps)
#       cache-key=KEY     changes with the action's sources, OS and architecture
#   install-perfgate.sh build    when DIR/bin/perfgate is missing (no cache hit):
#       installs the Debian packages perfgate needs (scripts/install-deps.sh --run),
#       the dashboard's npm packages when Node.js is there, then configures, builds
#       and installs perfgate from the action's own checkout into DIR; adds DIR/bin
#       to PATH for later steps.
#
# Environment: PERFGATE_BIN (the perfgate-bin input), PERFGATE_INSTALL_DIR (build),
# PERFGATE_CMAKE_ARGS (extra configure arguments, one per line, e.g.
# -DCMAKE_CXX_COMPILER_LAUNCHER=ccache), GITHUB_ACTION_PATH, RUNNER_TEMP, RUNNER_OS.
set -euo pipefail
source_dir=$(cd "${GITHUB_ACTION_PATH:-$(dirname "$0")}/.." && pwd)
output=${GITHUB_OUTPUT:-/dev/stdout}

locate() {
  if [ -n "${PERFGATE_BIN:-}" ]; then
    local found
    if ! found=$(command -v -- "$PERFGATE_BIN"); then
      echo "::error::perfgate-bin '$PERFGATE_BIN' is not an executable file"
      exit 2
    fi
    printf 'bin=%s\nneed-build=false\n' "$found" >>"$output"
    return
  fi
  if found=$(command -v perfgate); then
    echo "perfgate: using $found ($("$found" --version))"
    printf 'bin=%s\nneed-build=false\n' "$found" >>"$output"
    return
  fi
  [ -f "$source_dir/CMakeLists.txt" ] || { echo "::error::no perfgate on PATH and no perfgate sources in $source_dir"; exit 3; }
  # The key follows the content of the action's checkout (a remote action has no .git).
  local sources
  sources=$(cd "$source_dir" && find CMakeLists.txt cmake core collector server ci web/src web/index.html \
              web/package-lock.json web/vite.config.js -type f 2>/dev/null | LC_ALL=C sort | xargs -d '\n' sha256sum |
            sha256sum | cut -c1-20)
  local os_id
  os_id=$(. /etc/os-release 2>/dev/null && echo "${ID:-linux}-${VERSION_ID:-}")
  local install_dir=${RUNNER_TEMP:-/tmp}/perfgate-install
  echo "perfgate: not on PATH and no perfgate-bin; building it from $source_dir"
  printf 'bin=%s\nneed-build=true\ninstall-dir=%s\ncache-key=%s\n' "$install_dir/bin/perfgate" "$install_dir" \
    "perfgate-build-${RUNNER_OS:-Linux}-${os_id}-$(uname -m)-$sources" >>"$output"
}

build() {
  local install_dir=${PERFGATE_INSTALL_DIR:?PERFGATE_INSTALL_DIR is required}
  if [ -x "$install_dir/bin/perfgate" ] && "$install_dir/bin/perfgate" --version >/dev/null 2>&1; then
    echo "perfgate: restored $("$install_dir/bin/perfgate" --version) from the cache"
  else
    echo "::group::perfgate: Debian packages"
    "$source_dir/scripts/install-deps.sh" --run
    echo "::endgroup::"
    # The dashboard needs Node.js 20.19+ for Vite; with an older one perfgate is built without it.
    if command -v npm >/dev/null && [ ! -d "$source_dir/web/node_modules" ] &&
       node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
      echo "::group::perfgate: the dashboard's npm packages"
      (cd "$source_dir/web" && npm ci --no-audit --no-fund) ||
        echo "::warning::npm ci failed; perfgate is built without its dashboard (the gate works without it)"
      echo "::endgroup::"
    fi
    echo "::group::perfgate: build"
    local build_dir=${RUNNER_TEMP:-/tmp}/perfgate-build
    local extra=() line
    while IFS= read -r line; do [ -z "$line" ] || extra+=("$line"); done <<<"${PERFGATE_CMAKE_ARGS:-}"
    cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DPERFGATE_BUILD_TESTS=OFF -DPERFGATE_BUILD_BENCHES=OFF "${extra[@]}"
    cmake --build "$build_dir" --target perfgate perfgate_help_text
    cmake --install "$build_dir" --prefix "$install_dir"
    echo "::endgroup::"
    echo "perfgate: built $("$install_dir/bin/perfgate" --version)"
  fi
  [ -z "${GITHUB_PATH:-}" ] || echo "$install_dir/bin" >>"$GITHUB_PATH"
}

case "${1:-}" in
  locate) locate ;;
  build) build ;;
  *) echo "usage: install-perfgate.sh locate|build" >&2; exit 2 ;;
esac
