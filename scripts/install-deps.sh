#!/usr/bin/env bash
# Installs what perfgate needs on a fresh Debian 12 / Ubuntu machine, only the
# packages that are missing. Run as root (or with sudo available).
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --run    only what building and serving needs
#   scripts/install-deps.sh --docs   build + test dependencies and what redraws
#                                    docs/statistics/*.png (matplotlib)
set -euo pipefail

build_packages=(
  g++ cmake ninja-build pkg-config git ccache
  libsqlite3-dev libpq-dev libcpp-httplib-dev libboost-dev nlohmann-json3-dev libbenchmark-dev libcli11-dev
  catch2 libexpected-dev libssl-dev zlib1g-dev libexpat1-dev
)
test_packages=(
  python3 python3-scipy libbenchmark-tools chromium sqlite3 postgresql wrk clang-14 libclang-rt-14-dev
  python3-yaml dpkg-dev file
)
node_packages=(nodejs npm)
docs_packages=(python3-matplotlib)

wanted=("${build_packages[@]}")
[ "${1:-}" = "--run" ] || wanted+=("${test_packages[@]}")
[ "${1:-}" != "--docs" ] || wanted+=("${docs_packages[@]}")
# Node.js may come from elsewhere (nvm, NodeSource); only install Debian's when absent.
command -v node >/dev/null && command -v npm >/dev/null || wanted+=("${node_packages[@]}")

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#wanted[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
