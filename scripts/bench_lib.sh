# Helpers sourced by the benchmark scripts (not run alone): free ports, a throwaway PostgreSQL cluster, the web app.
# The caller sets WORK (a temp directory it deletes) and calls bench_cleanup from its EXIT trap.
BENCH_PIDS=()
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_DATA=

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# start_postgres -> sets PG_PORT; one cluster per script run, fsync on (a benchmark, unlike the tests' cluster).
start_postgres() {
  PG_PORT=$(free_port); PG_DATA="$WORK/pg"; chmod 755 "$WORK"   # postgres must traverse it
  mkdir -p "$PG_DATA"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA"
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA/data" -A trust -E UTF8 -U postgres >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA/data" -l "$PG_DATA/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c shared_buffers=512MB -c work_mem=32MB -c max_connections=200" start >/dev/null
}

# start_postgres_in DIR -> a cluster kept in DIR across runs (bench-dashboards.sh --keep): created the first time,
# started if not running, stopped by bench_cleanup like the throwaway one.
start_postgres_in() {
  PG_DATA=$1; mkdir -p "$PG_DATA"; chmod 755 "$PG_DATA" "$(dirname "$PG_DATA")"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA"
  [ -f "$PG_DATA/data/PG_VERSION" ] || as_postgres "$PG_BIN/initdb" -D "$PG_DATA/data" -A trust -E UTF8 -U postgres >/dev/null
  if [ -f "$PG_DATA/port" ]; then PG_PORT=$(cat "$PG_DATA/port"); else PG_PORT=$(free_port); echo "$PG_PORT" > "$PG_DATA/port"; fi
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA/data" status >/dev/null 2>&1 ||
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA/data" -l "$PG_DATA/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c shared_buffers=512MB -c work_mem=32MB -c max_connections=200" start >/dev/null
}

pg_database_exists() { [ "$("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }

pg_connection() { echo "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$1;Maximum Pool Size=50"; }

# new_pg_database NAME -> prints an Npgsql connection string
new_pg_database() {
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "CREATE DATABASE $1" >/dev/null
  pg_connection "$1"
}

# The API needs a key (docs/security.md): one administrator key per run, provisioned from configuration.
BENCH_API_KEY=${BENCH_API_KEY:-dwk_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export BENCH_API_KEY

# launch_web DATA_DIR HTTP_PORT DICOM_PORT [--Key=Value...] -> the app's pid in WEB_PID (not waited for)
launch_web() {
  local data=$1 http=$2 dicom=$3; shift 3
  ASPNETCORE_ENVIRONMENT=Production dotnet src/DoseWatch.Web/bin/Release/net10.0/DoseWatch.Web.dll --urls="http://127.0.0.1:$http" \
    --DoseWatch:DataDirectory="$data" --Dicom:BindAddress=127.0.0.1 --Dicom:Port="$dicom" --Dicom:AeTitle=BENCH \
    --DoseWatch:Auth:ProvisionedApiKeys:0:Name=bench --DoseWatch:Auth:ProvisionedApiKeys:0:Key="$BENCH_API_KEY" \
    --DoseWatch:Auth:ProvisionedApiKeys:0:Role=Administrator "$@" >>"$data.$http.log" 2>&1 &
  WEB_PID=$!; BENCH_PIDS+=("$WEB_PID")
}

# wait_healthy HTTP_PORT: until /health is 200 (2 minutes at most)
wait_healthy() {
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && return 0; sleep 0.2; done
  echo "web app on $1 not healthy" >&2; return 1
}

start_web() { launch_web "$@"; wait_healthy "$2"; }

stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

bench_cleanup() {
  for p in "${BENCH_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$PG_DATA" ] && as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA/data" -m fast -w stop >/dev/null 2>&1 || true
}

machine_facts() {
  echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%H:%MZ); commit $(git rev-parse --short HEAD)"
}
