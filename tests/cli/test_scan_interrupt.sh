#!/usr/bin/env bash
# Black-box: Ctrl-C (SIGINT) stops a scan cleanly: the output is complete
# JSON Lines ending in a summary marked interrupted, and the exit code is 2.
. "$(dirname "$0")/lib.sh"
yes '2024-11-08 10:00:00 INFO user login phone=13812345678 ok' | head -c 200000000 > "$WORK/big.log"
"$SHUAN" scan --no-store --jobs 2 --format jsonl "$WORK/big.log" >"$WORK/out.jsonl" 2>"$WORK/err.txt" &
pid=$!
# wait until scanning has begun (output flowing), so the handler is installed
for _ in $(seq 1 600); do
  [ -s "$WORK/out.jsonl" ] && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"; rc=$?
check "exit 2 after interrupt" [ "$rc" -eq 2 ]
check "summary last" [ "$(tail -n1 "$WORK/out.jsonl" | jq -r .type)" = summary ]
check "marked interrupted" [ "$(tail -n1 "$WORK/out.jsonl" | jq -r .interrupted)" = true ]
check "every line is JSON" jqt -s 'length > 0' "$WORK/out.jsonl"
check "message says interrupted" contains "$WORK/err.txt" "interrupted"
finish
