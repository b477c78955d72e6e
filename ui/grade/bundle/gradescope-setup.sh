#!/usr/bin/env bash
# setup.sh -- made by `vmlab grade --bundle gradescope` (docs/grading.md).
# Gradescope runs it once, as root, when it builds the autograder image
# (its Ubuntu base image): the packages vmlab needs, vmlab built from the
# copy in source/vmlab, and the user that student programs run as.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends gcc libc6-dev make pkg-config \
	liblua5.4-dev libreadline-dev
make -C /autograder/source/vmlab -j2 build/vmlab
id student >/dev/null 2>&1 || adduser --disabled-password --gecos "" student
