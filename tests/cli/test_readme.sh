#!/usr/bin/env bash
# Black-box: the README's Chinese part (## 中文说明) covers what its English
# part does: every command-line option, every `shuan <command>` line and every
# detector id named in English is named in Chinese too, and every detector of
# rules/detectors/ is in both detector tables.
. "$(dirname "$0")/lib.sh"
R="$SRCDIR/README.md"
check "README has a 中文说明 section" grep -q '^## 中文说明' "$R"
awk '/^## 中文说明/ {zh = 1} !zh' "$R" >"$WORK/en.md"
awk '/^## 中文说明/ {zh = 1} zh' "$R" >"$WORK/zh.md"
grep -oE -- '--[a-z][a-z-]+' "$WORK/en.md" | sort -u >"$WORK/en.opts"
while read -r opt; do
  check "option $opt is in the Chinese part" grep -qF -- "$opt" "$WORK/zh.md"
done <"$WORK/en.opts"
grep -oE 'shuan [a-z]+( [a-z]+)?' "$WORK/en.md" | grep -vE 'shuan (turns|ships|keeps|never|stops)' | sort -u >"$WORK/en.cmds"
while read -r cmd; do
  check "'$cmd' is in the Chinese part" grep -qF -- "$cmd" "$WORK/zh.md"
done <"$WORK/en.cmds"
for f in "$SRCDIR"/rules/detectors/*.yaml; do
  id=$(basename "$f" .yaml)
  check "detector $id in the English table" grep -qF "\`$id\`" "$WORK/en.md"
  check "detector $id in the Chinese table" grep -qF "\`$id\`" "$WORK/zh.md"
done
check "the English part has options to compare" [ "$(wc -l <"$WORK/en.opts")" -ge 20 ]
finish
