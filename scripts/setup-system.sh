#!/bin/sh
# Installs the Debian/Ubuntu packages GenLab's tests and fast paths use, and nothing else:
#   dataset-fashion-mnist  real Fashion-MNIST for the GAN, evaluation and training tests
#   g++ make python3       node-gyp's toolchain for the native trainer (built by `npm ci`)
#   libopenblas-dev        the BLAS the native trainer links against
#   chromium               the playground's headless-browser test
# `--bench` adds what the PyTorch references in bench/ need (python3-torch with OpenBLAS).
# Packages already present are left alone, so a second run installs nothing. As root it installs;
# with password-less sudo it uses sudo; otherwise it prints the one command to run and stops.
# `npm ci && npm start` needs none of this: the product runs on Node alone.
set -eu

packages="dataset-fashion-mnist g++ make python3 libopenblas-dev chromium"
if [ "${1:-}" = "--bench" ]; then packages="$packages python3-torch libopenblas0-pthread"; fi

if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "GenLab: this is not a Debian/Ubuntu system, so install these (or your system's equivalents) yourself, then run \`npm ci && npm test\`: $packages" >&2
  exit 1
fi

missing=""
for pkg in $packages; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -z "$missing" ]; then
  echo "GenLab: system packages for the tests are installed."
  exit 0
fi

if [ "$(id -u)" = "0" ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "GenLab: the tests need system packages that only root can install; run this once, then the test command again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi

echo "GenLab: installing$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
echo "GenLab: system packages for the tests are installed."
