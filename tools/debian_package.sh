#!/usr/bin/env bash
# Installs Debian packages the host lacks: tools/debian_package.sh COMMAND PACKAGE
# (no-op when COMMAND is already on the PATH). Needs root or password-less sudo.
set -euo pipefail
command=${1:?command} package=${2:?package}
command -v "$command" >/dev/null 2>&1 && exit 0
echo "installing Debian's $package package (for $command)" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo -n"
install() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package" >/dev/null; }
install 2>/dev/null || { $sudo apt-get update -q >/dev/null 2>&1 && install; } \
  || { echo "cannot install the $package package (needs root or password-less sudo)" >&2; exit 1; }
command -v "$command" >/dev/null 2>&1 || { echo "no $command on the PATH after installing $package" >&2; exit 1; }
