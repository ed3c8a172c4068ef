#!/usr/bin/env bash
# The shared library exports only the public API: every defined dynamic
# symbol starts with shuan_ (style guide 20: symbols hidden by default).
set -u
lib=$1
all=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}')
bad=$(printf '%s\n' "$all" | grep -v '^shuan_' | grep -v '^_' || true)
n=$(printf '%s\n' "$all" | grep -c '^shuan_')
if [ -n "$bad" ]; then echo "non-API exports:"; echo "$bad"; echo "0 passed, 1 failed"; exit 1; fi
if [ "$n" -lt 20 ]; then echo "too few exports ($n)"; echo "0 passed, 1 failed"; exit 1; fi
echo "$n shuan_ symbols exported"; echo "1 passed, 0 failed"
