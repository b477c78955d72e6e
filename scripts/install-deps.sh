#!/usr/bin/env bash
# Install the Debian packages vmlab needs, only those that are missing.
# Needs root or sudo when something is missing; does nothing otherwise.
# `make check` and `make demo` run it first; without root or sudo it
# prints the one apt-get command that installs what is missing.
set -euo pipefail

# package          why
#  gcc make        the C toolchain
#  pkg-config      finds the libraries' flags
#  check           unit tests (Check)
#  liblua5.4-dev   Lua scripting (vmlab script, the grader)
#  libncurses-dev  the TUI
#  libreadline-dev the debugger's command line
#  binutils        readelf and nm, used by the image tests
#  tmux            drives the TUI in its tests
#  zip             vmlab grade --bundle gradescope writes the zip with it
pkgs=(gcc make pkg-config check liblua5.4-dev libncurses-dev libreadline-dev binutils tmux zip)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null; then
	sudo=(sudo)
else
	echo "install-deps: missing ${missing[*]}; as root, run:" >&2
	echo "  apt-get install -y ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
