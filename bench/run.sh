#!/usr/bin/env bash
# Load a database up to N work orders, serve it with gunicorn on 127.0.0.1, measure, stop, print the figures.
#
#   bench/run.sh sqlite 100000
#   bench/run.sh postgres://postgres@127.0.0.1:55432/kefu_bench 1000000 [port]
#
# N is the total the database should hold: a re-run with a larger N only adds the difference.
# The PostgreSQL database is created if missing and never dropped; use a throwaway one.
# MEASURE_ARGS is passed to measure.py (e.g. MEASURE_ARGS="--only filtered").
set -euo pipefail

DB=${1:?usage: bench/run.sh sqlite|postgres://... N [port]}
N=${2:?usage: bench/run.sh sqlite|postgres://... N [port]}
PORT=${3:-8765}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY="$ROOT/.venv/bin/python"
export KEFU_VAR_DIR=${KEFU_VAR_DIR:-/tmp/kefu-bench}
export KEFU_DEBUG=0 DJANGO_SETTINGS_MODULE=kefu.settings
mkdir -p "$KEFU_VAR_DIR"
cd "$ROOT"

if [ "$DB" = sqlite ]; then
  unset DATABASE_URL
  LABEL="SQLite, N=$N"
else
  export DATABASE_URL="$DB"
  LABEL="PostgreSQL, N=$N"
  "$PY" - "$DB" <<'EOF'
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg

url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
admin = urlunsplit(url._replace(path="/postgres"))
with psycopg.connect(admin, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
        print(f"created database {name}")
EOF
fi

"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_demo >"$KEFU_VAR_DIR/load_demo.log"
head -1 "$KEFU_VAR_DIR/load_demo.log"
HAVE=$("$PY" -c "import django; django.setup(); from kefu.tickets.models import WorkOrder; print(WorkOrder.objects.count())")
if [ "$HAVE" -lt "$N" ]; then
  "$PY" bench/load_orders.py $((N - HAVE))
else
  echo "database already holds $HAVE work orders"
fi

# Cancel the orders earlier runs created (nobody answers them; open, their deadlines pass between runs), then
# catch the scheduler up (the SLA deadlines earlier runs' orders reached meanwhile), so the server's own
# scheduler thread is in its steady state while the figures are taken, not spending a core on a backlog.
"$PY" bench/cancel_bench_orders.py
"$PY" bench/drain_jobs.py

# Fresh planner statistics, as autovacuum would keep them: earlier runs' creates (open, with deadlines) otherwise
# leave PostgreSQL choosing the deadline index by figures from before they existed.
"$PY" -c "import django; django.setup(); from django.db import connection; connection.cursor().execute('ANALYZE')"

PIDFILE="$KEFU_VAR_DIR/gunicorn-$PORT.pid"
# The same gunicorn settings as bin/run (2 workers x 4 threads, gthread, embedded scheduler in each worker).
KEFU_HOST=127.0.0.1 KEFU_PORT=$PORT KEFU_WORKERS=2 KEFU_THREADS=4 KEFU_ACCESS_LOG= \
  "$ROOT/.venv/bin/gunicorn" --config python:kefu.gunicorn_conf kefu.wsgi:application \
  --keep-alive 30 --pid "$PIDFILE" --error-logfile "$KEFU_VAR_DIR/gunicorn-$PORT.log" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if "$PY" -c "import http.client as h; c=h.HTTPConnection('127.0.0.1', $PORT, timeout=1); c.request('GET', '/login/'); exit(c.getresponse().status != 200)" 2>/dev/null; then
    break
  fi
  sleep 0.2
done

"$PY" bench/bare_view.py --requests 2000
# The host's share of our vCPUs while measuring (/proc/stat's steal column): a slow phase, in one figure.
read -r _ a_user a_nice a_sys a_idle a_io a_irq a_soft a_steal _ </proc/stat
"$PY" bench/measure.py --base "http://127.0.0.1:$PORT" --user supervisor --password kefu-demo-2026 \
  --pid "$SERVER" --label "$LABEL" ${MEASURE_ARGS:-} --json "$KEFU_VAR_DIR/figures-$(echo "$LABEL" | tr -c 'A-Za-z0-9=' '_').json"
read -r _ b_user b_nice b_sys b_idle b_io b_irq b_soft b_steal _ </proc/stat
all=$(( (b_user + b_nice + b_sys + b_idle + b_io + b_irq + b_soft + b_steal)
      - (a_user + a_nice + a_sys + a_idle + a_io + a_irq + a_soft + a_steal) ))
echo "  stolen by the host while measuring: $(( 100 * (b_steal - a_steal) / (all > 0 ? all : 1) ))% of the machine's time"
