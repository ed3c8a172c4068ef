# tests/db/harness.sh - throwaway PostgreSQL and MariaDB servers for tests
# (sourced by tests/cli/test_db_*.sh, bench/, and any test that needs a real
# server: the inventory, de-identification).
#
#   db_harness_init          a private temp dir ($DBH) and the server user
#   pg_start / pg_stop       PostgreSQL on a socket in $DBH/pg and 127.0.0.1:$PG_PORT
#   my_start / my_stop       MariaDB on $DBH/my/sock and 127.0.0.1:$MY_PORT
#   pg_admin SQL...          psql as the superuser (trust on the socket only)
#   my_admin SQL...          mariadb as root (unix-socket authentication)
#   db_unavailable WHAT      CI=true: fail loudly; else skip (exit 77) with a message
#
# Servers run as an unprivileged user: as root that is `nobody` (initdb and
# mariadbd refuse root); otherwise the current user. Everything lives under
# one temp dir, and db_harness_cleanup (installed on EXIT by init, together
# with any earlier EXIT trap) stops the servers and removes it, also when a
# test fails half-way. Ports are picked free at start.
#
# Roles for tests: PostgreSQL superuser `admin` (trust over the socket);
# every other role authenticates with scram-sha-256, over the socket and TCP.
# MariaDB root authenticates by unix socket; other users by password.

DBH=
DBH_USER=
PG_PORT=
MY_PORT=
PG_PID=
MY_PID=
: "${DBH_PREV_TRAP:=}"

db_unavailable() {
  if [ "${CI:-}" = true ]; then
    echo "FATAL: $* (CI=true: database tests must run; install the servers, see Makefile DEB_PACKAGES)" >&2
    exit 1
  fi
  echo "SKIP: $* (set CI=true to make this a failure)" >&2
  exit 77
}

db_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

db_as_user() { # runs a command as the server user
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$DBH_USER" -- "$@"
  else
    "$@"
  fi
}

db_harness_cleanup() {
  pg_stop
  my_stop
  [ -n "$DBH" ] && rm -rf "$DBH"
  DBH=
}

db_harness_init() {
  DBH=$(mktemp -d /tmp/shuan-db.XXXXXX)
  chmod 755 "$DBH"
  if [ "$(id -u)" -eq 0 ]; then DBH_USER=nobody; else DBH_USER=$(id -un); fi
  [ "$(id -u)" -eq 0 ] && chown "$DBH_USER" "$DBH"
  DBH_PREV_TRAP=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
  # shellcheck disable=SC2064
  trap "db_harness_cleanup; $DBH_PREV_TRAP" EXIT
}

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

pg_start() {
  local bin
  bin=$(pg_bindir) || db_unavailable "PostgreSQL (initdb) is not installed"
  PG_PORT=$(db_free_port)
  db_as_user mkdir -p "$DBH/pg/sock"
  if ! db_as_user "$bin/initdb" -D "$DBH/pg/data" -U admin --auth-local=trust --auth-host=scram-sha-256 \
       -E UTF8 --locale=C.UTF-8 >"$DBH/pg/initdb.log" 2>&1; then
    cat "$DBH/pg/initdb.log" >&2
    db_unavailable "PostgreSQL initdb failed"
  fi
  # the superuser is trusted on the socket only; everyone else proves a password
  db_as_user sh -c "printf 'local all admin trust\nlocal all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n' > '$DBH/pg/data/pg_hba.conf'"
  if ! db_as_user "$bin/pg_ctl" -D "$DBH/pg/data" -l "$DBH/pg/server.log" -w -t 60 \
       -o "-k $DBH/pg/sock -p $PG_PORT -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
       start >/dev/null 2>&1; then
    cat "$DBH/pg/server.log" >&2
    db_unavailable "PostgreSQL did not start"
  fi
  PG_PID=$(head -n1 "$DBH/pg/data/postmaster.pid")
  PG_SOCK=$DBH/pg/sock
  export PG_SOCK PG_PORT
}

pg_stop() {
  local bin
  [ -n "$PG_PID" ] || return 0
  bin=$(pg_bindir)
  db_as_user "$bin/pg_ctl" -D "$DBH/pg/data" -m immediate -w stop >/dev/null 2>&1 || kill -9 "$PG_PID" 2>/dev/null
  PG_PID=
}

pg_admin() { # pg_admin [psql args...] < SQL, or pg_admin -c SQL
  PGPASSWORD= psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U admin -d "${PG_DB:-postgres}" "$@"
}

my_start() {
  local i
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || db_unavailable "MariaDB (mariadbd) is not installed"
  MY_PORT=$(db_free_port)
  db_as_user mkdir -p "$DBH/my/data" "$DBH/my/tmp"
  if ! db_as_user mariadb-install-db --no-defaults --datadir="$DBH/my/data" --auth-root-authentication-method=socket \
       --skip-test-db --user="$DBH_USER" >"$DBH/my/install.log" 2>&1; then
    cat "$DBH/my/install.log" >&2
    db_unavailable "mariadb-install-db failed"
  fi
  db_as_user /usr/sbin/mariadbd --no-defaults --datadir="$DBH/my/data" --socket="$DBH/my/sock" \
    --port="$MY_PORT" --bind-address=127.0.0.1 --tmpdir="$DBH/my/tmp" --pid-file="$DBH/my/pid" \
    --log-error="$DBH/my/server.log" --skip-log-bin --innodb-buffer-pool-size=64M \
    --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=0 --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_general_ci >/dev/null 2>&1 &
  MY_PID=$!
  for i in $(seq 1 120); do
    if [ -S "$DBH/my/sock" ] && my_admin -e 'SELECT 1' >/dev/null 2>&1; then
      MY_SOCK=$DBH/my/sock
      export MY_SOCK MY_PORT
      return 0
    fi
    kill -0 "$MY_PID" 2>/dev/null || break
    sleep 0.5
  done
  cat "$DBH/my/server.log" >&2
  db_unavailable "MariaDB did not start"
}

my_stop() {
  [ -n "$MY_PID" ] || return 0
  # MY_PID is runuser's when root, and runuser does not pass SIGTERM on:
  # the server itself is stopped by the pid it wrote (servers outlived the
  # tests before)
  [ -s "$DBH/my/pid" ] && kill "$(cat "$DBH/my/pid")" 2>/dev/null
  kill "$MY_PID" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$MY_PID" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$MY_PID" 2>/dev/null
  wait "$MY_PID" 2>/dev/null
  MY_PID=
}

my_admin() { # my_admin [mariadb args...] < SQL, or my_admin -e SQL
  if [ "$(id -u)" -eq 0 ]; then
    mariadb --no-defaults -S "${MY_SOCK:-$DBH/my/sock}" -u root --default-character-set=utf8mb4 "$@"
  else
    mariadb --no-defaults -S "${MY_SOCK:-$DBH/my/sock}" -u "$(id -un)" --default-character-set=utf8mb4 "$@"
  fi
}
