#!/bin/sh
# Install what confab needs to build and to run its tests on Debian 12.
# Runs apt-get as root, through sudo when not root already.
set -eu

packages="
	build-essential autoconf automake pkg-config
	libncurses-dev libcurl4-openssl-dev libcjson-dev libreadline-dev libsqlite3-dev
	libssl-dev libmd4c-dev libutf8proc-dev nano
	libcmocka-dev python3 tmux sqlite3 man-db util-linux procps openssl
	bash-completion zsh fish gettext locales
	clang-14 libclang-rt-14-dev clang-format-14 cppcheck
"

as_root=""
if [ "$(id -u)" != 0 ]; then
	as_root=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! dpkg -s $packages >/dev/null 2>&1; then
	$as_root apt-get update -qq
	$as_root apt-get install -y -qq --no-install-recommends $packages >/dev/null
fi

# The Chinese UI's tests run under zh_CN.UTF-8, as a user in China would have it
# (one test also runs without it installed).
if ! locale -a 2>/dev/null | grep -qx 'zh_CN.utf8'; then
	if [ -f /etc/locale.gen ] && grep -q '^# *zh_CN.UTF-8 UTF-8' /etc/locale.gen; then
		$as_root sed -i 's/^# *\(zh_CN.UTF-8 UTF-8\)/\1/' /etc/locale.gen
		$as_root locale-gen >/dev/null
	else
		$as_root localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
	fi
fi
