#!/usr/bin/env bash
# The HTTP benchmark: Switchboard against nginx + Jetty and against Jetty alone, in one run.
#
#   bench/http/run.sh [--sb http://127.0.0.1:8080] [options]
#
# Targets, each measured on GET /hello (13-byte body) and GET /bytes?n=16384 (16 KiB), and on the same two
# answered by servlets (bench/jetty's HelloServlet and BytesServlet: /servlet/hello, /servlet/bytes?n=16384; on
# Switchboard a web application on the worker through the Jetty adapter, --webapp /servlet=...):
#   sb           Switchboard (CM and one worker) at the --sb URL base; started by the caller
#                (./switchboard bench http, with its access log on, to a file, and its metrics on), not by
#                this script. Without it, or when it does not answer the two URLs correctly, its figures
#                are n/a and the reason is printed.
#   sb_off       the same with observability off (--access-log off --metrics off) at the --sb-off URL base,
#                /hello only: the baseline the cost of the access log and metrics is read against
#   sb_jdk17     the same as sb with its worker on Java 17 (--worker-java; the shim through JNA) at the
#                --sb-jdk17 URL base, /hello only: read against sb, whose worker runs the CM's JDK
#   nginx_jetty  nginx (one worker process, upstream keep-alive) in front of the Jetty server below
#   jetty        bench/jetty: Jetty 12 on JDK 25 with the same handler, alone
#
# For each URL: a warm-up wrk run per target, then RUNS rounds of one measured run per target (targets
# interleaved, so drift on a shared machine hits all alike), each `wrk -tTHREADS -cCONNECTIONS -dDURATION
# --latency`. The table gives the median of the runs. Then one extra run of /hello per Java target under a
# JFR recording gives its heap allocation per request (not part of the figures above), and one of /servlet/hello
# on the sb worker and on Jetty alone gives theirs per servlet request. The output ends with
#   SUMMARY sb_hello_rps=.. sb_hello_rps_observability_off=.. sb_hello_rps_jdk17=.. nginx_jetty_hello_rps=..
#           jetty_hello_rps=..
#           sb_16k_rps=.. nginx_jetty_16k_rps=.. jetty_16k_rps=.. sb_hello_p99_us=.. nginx_jetty_hello_p99_us=..
#           sb_servlet_hello_rps=.. jetty_servlet_hello_rps=.. nginx_jetty_servlet_hello_rps=.. (and _16k_rps, and
#           _p99_us beside each)      (one line)
#   ALLOC sb_cm_hello_alloc_bytes_per_req=.. sb_servlet_worker_alloc_bytes_per_req=.. jetty_servlet_alloc_bytes_per_req=..
#   CPU sb_servlet_hello_cpu_us=.. jetty_servlet_hello_cpu_us=.. (each target and URL; and wrk's, and the floor below)
# The CPU line comes from one more run per target and URL: the CPU time (user + system, from /proc) each server
# process spent, and wrk's own, divided by the responses. sb's floor on a servlet URL is its CPU on the plain
# application's URL plus what the servlet costs Jetty alone over its plain handler: what Switchboard would spend with
# an adapter that cost nothing. README.md explains what it means for the req/s ratios.
#
# Options, defaults in brackets; the environment may set them too (SB_URL, SB_PID, SB_WORKER_PID, JETTY_PORT,
# NGINX_PORT, THREADS, CONNECTIONS, DURATION, WARMUP, RUNS, CASES), and JETTY_JAVA_OPTS adds JVM options to Jetty:
#   --sb URL            Switchboard's base URL (http://HOST[:PORT][/PREFIX], the demo application's
#                       URLs below it), on the loopback interface only
#   --sb-off URL        the observability-off Switchboard's base URL, as --sb [not measured]
#   --sb-jdk17 URL      the base URL of a Switchboard whose worker runs Java 17, as --sb [not measured]
#   --sb-pid PID        the CM's pid for the allocation run [found from the --sb port's listener]
#   --sb-worker-pid PID the worker's pid, to measure its allocation too [not measured]
#   --jetty-port N      [18081]        --nginx-port N    [18082]
#   --threads N         wrk threads [2] --connections N  [64]
#   --duration S        seconds per measured run [10]  --warmup S  seconds of the warm-up run [3]
#   --runs N            measured runs per target and URL [3]
#   --cases LIST        the URLs measured, a comma-separated subset of hello,16k,servlet_hello,servlet_16k [all];
#                       e.g. --cases servlet_hello,servlet_16k for the servlet cases and their baselines only
#   --no-alloc          skip the allocation runs     --no-cpu     skip the CPU runs
#   --no-install        never call install-tools.sh
#   --keep              keep the run directory (wrk outputs, logs, nginx.conf, JFR files)
#
# Every process it starts (Jetty, nginx, wrk) is stopped by PID when it exits, however it exits; every wrk
# run is bounded by `timeout`; all traffic goes to 127.0.0.1 (or the loopback --sb URL).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JETTY_JAR="$ROOT/bench/jetty/target/switchboard-bench-jetty.jar"
MIN_JAVA=25

SB_URL="${SB_URL:-}"
SB_OFF_URL="${SB_OFF_URL:-}"
SB_JDK17_URL="${SB_JDK17_URL:-}"
SB_PID="${SB_PID:-}"
SB_WORKER_PID="${SB_WORKER_PID:-}"
JETTY_PORT="${JETTY_PORT:-18081}"
NGINX_PORT="${NGINX_PORT:-18082}"
# Two wrk threads (32 connections each): as many as the machine has cores, so the generator is never held
# to one core while a server idles, and the same for every target. Nothing is pinned: the generator, the
# proxy and the servers share the 2 cores, as they would on a small host. See README.md.
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
# quiet seconds before each measured run: the previous target's JVM finishes its post-load JIT and GC
# work, which would otherwise land in the next target's tail latencies
SETTLE="${SETTLE:-2}"
RUNS="${RUNS:-3}"
CASES="${CASES:-hello,16k,servlet_hello,servlet_16k}"
ALLOC=1
CPU=1
INSTALL=1
KEEP=0

URL_KEYS=(hello 16k servlet_hello servlet_16k)
declare -A URL_PATH=([hello]="/hello" [16k]="/bytes?n=16384" [servlet_hello]="/servlet/hello"
    [servlet_16k]="/servlet/bytes?n=16384")
HELLO_BODY="Hello, world!"
BYTES_LENGTH=16384

say() { echo "bench-http: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

is_count() { [[ "$1" =~ ^[1-9][0-9]{0,5}$ ]]; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --sb) SB_URL="${2:?--sb needs a URL}"; shift 2 ;;
        --sb=*) SB_URL="${1#*=}"; shift ;;
        --sb-off) SB_OFF_URL="${2:?--sb-off needs a URL}"; shift 2 ;;
        --sb-off=*) SB_OFF_URL="${1#*=}"; shift ;;
        --sb-jdk17) SB_JDK17_URL="${2:?--sb-jdk17 needs a URL}"; shift 2 ;;
        --sb-jdk17=*) SB_JDK17_URL="${1#*=}"; shift ;;
        --sb-pid) SB_PID="${2:?--sb-pid needs a pid}"; shift 2 ;;
        --sb-worker-pid) SB_WORKER_PID="${2:?--sb-worker-pid needs a pid}"; shift 2 ;;
        --jetty-port) JETTY_PORT="${2:?}"; shift 2 ;;
        --nginx-port) NGINX_PORT="${2:?}"; shift 2 ;;
        --threads) THREADS="${2:?}"; shift 2 ;;
        --connections) CONNECTIONS="${2:?}"; shift 2 ;;
        --duration) DURATION="${2%s}"; shift 2 ;;
        --warmup) WARMUP="${2%s}"; shift 2 ;;
        --runs) RUNS="${2:?}"; shift 2 ;;
        --cases) CASES="${2:?--cases needs a list}"; shift 2 ;;
        --cases=*) CASES="${1#*=}"; shift ;;
        --no-alloc) ALLOC=0; shift ;;
        --no-cpu) CPU=0; shift ;;
        --no-install) INSTALL=0; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

for name in JETTY_PORT NGINX_PORT THREADS CONNECTIONS DURATION WARMUP RUNS; do
    is_count "${!name}" || die "$name=${!name} is not a positive integer"
done
for name in JETTY_PORT NGINX_PORT; do
    [[ "${!name}" -le 65535 ]] || die "$name=${!name} is not a TCP port"
done
[[ "$JETTY_PORT" != "$NGINX_PORT" ]] || die "JETTY_PORT and NGINX_PORT are both $JETTY_PORT"
[[ -z "$SB_PID" || "$SB_PID" =~ ^[0-9]+$ ]] || die "--sb-pid $SB_PID is not a pid"
[[ -z "$SB_WORKER_PID" || "$SB_WORKER_PID" =~ ^[0-9]+$ ]] || die "--sb-worker-pid $SB_WORKER_PID is not a pid"
declare -A SELECTED   # SELECTED[key] = 1 for each URL of --cases
IFS=',' read -r -a case_list <<<"$CASES"
for key in "${case_list[@]}"; do
    [[ -n "${URL_PATH[$key]:-}" ]] || die "--cases: unknown case '$key' (known: ${URL_KEYS[*]})"
    SELECTED[$key]=1
done
[[ ${#SELECTED[@]} -gt 0 ]] || die "--cases: no case given"

# --- processes this script owns, stopped by PID on any exit ------------------------------------------------

RUN_DIR=""
JETTY_PID=""
NGINX_PID=""
WRK_PID=""
JFR_ACTIVE=()   # pids of JVMs with a recording of ours running

stop_pid() {
    # stop_pid PID NAME: SIGTERM, up to 10 s of grace, then SIGKILL; reaps the child
    local pid="$1" name="$2" waited=0
    [[ -n "$pid" ]] || return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [[ "$waited" -lt 100 ]]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name (pid $pid) ignored SIGTERM for 10 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    trap - EXIT INT TERM
    stop_pid "$WRK_PID" wrk
    for pid in "${JFR_ACTIVE[@]}"; do
        timeout 20 "$JAVA_HOME/bin/jcmd" "$pid" JFR.stop name=bench-http-alloc >/dev/null 2>&1 || true
    done
    stop_pid "$NGINX_PID" nginx
    stop_pid "$JETTY_PID" jetty
    if [[ -n "$RUN_DIR" && -d "$RUN_DIR" ]]; then
        if [[ "$KEEP" -eq 1 ]]; then
            say "kept $RUN_DIR"
        else
            rm -rf "$RUN_DIR"
        fi
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- tools -------------------------------------------------------------------------------------------------

java_major() {
    local version
    version="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)"
    case "$version" in
        1.*) echo "${version#1.}" | cut -d. -f1 ;;
        *) echo "$version" | cut -d. -f1 ;;
    esac
}

find_jdk() {
    # as ./switchboard does: JAVA_HOME if it is new enough, else the newest JDK under /usr/lib/jvm
    local candidate major best="" best_major=0
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]]; then
        major="$(java_major "$JAVA_HOME/bin/java")"
        if [[ -n "$major" && "$major" -ge "$MIN_JAVA" ]]; then
            echo "$JAVA_HOME"; return 0
        fi
        say "JAVA_HOME=$JAVA_HOME is Java ${major:-?}, older than $MIN_JAVA; looking under /usr/lib/jvm"
    fi
    for candidate in /usr/lib/jvm/*; do
        [[ -x "$candidate/bin/javac" && -x "$candidate/bin/java" ]] || continue
        major="$(java_major "$candidate/bin/java")"
        if [[ -n "$major" && "$major" -ge "$MIN_JAVA" && "$major" -gt "$best_major" ]]; then
            best="$candidate"; best_major="$major"
        fi
    done
    [[ -n "$best" ]] && { echo "$best"; return 0; }
    return 1
}

JAVA_HOME="$(find_jdk)" || die "no JDK $MIN_JAVA or newer (JAVA_HOME is unset or older, and none under /usr/lib/jvm): the Jetty baseline runs on JDK $MIN_JAVA"
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH:/usr/sbin"

if [[ "$INSTALL" -eq 1 ]]; then
    "$HERE/install-tools.sh"
fi
command -v wrk >/dev/null || die "wrk is missing (run bench/http/install-tools.sh)"
command -v nginx >/dev/null || die "nginx is missing (run bench/http/install-tools.sh)"
command -v curl >/dev/null || die "curl is missing (apt-get install curl): it checks that each target serves the right bodies"

if [[ ! -f "$JETTY_JAR" ]] || [[ -n "$(find "$ROOT/bench/jetty/src" "$ROOT/bench/jetty/pom.xml" -newer "$JETTY_JAR" \
        -type f -print -quit 2>/dev/null)" ]]; then
    command -v mvn >/dev/null || die "$JETTY_JAR is missing or stale and there is no mvn to build it"
    say "building $JETTY_JAR"
    mvn -B -ntp -q package -f "$ROOT/bench/jetty/pom.xml" >&2 || die "building bench/jetty failed"
fi

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/bench-http.XXXXXX")"
# nginx's worker runs as an unprivileged user when the master is root: let it reach its files
chmod 0755 "$RUN_DIR"

# --- helpers -----------------------------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_target() {
    # check_target BASE KEY: prints nothing and succeeds when BASE serves KEY's URL right, else prints why
    local base="$1" key="$2" url status body_file="$RUN_DIR/check.body" length
    url="$base${URL_PATH[$key]}"
    if ! status="$(curl -sS -o "$body_file" -w '%{http_code}' --max-time 5 "$url" 2>"$RUN_DIR/check.err")"; then
        echo "no answer from $url: $(sed -n '1s/^curl: ([0-9]*) //p' "$RUN_DIR/check.err")"
        return 1
    fi
    if [[ "$status" != "200" ]]; then
        echo "$url answered status $status, not 200"
        return 1
    fi
    length="$(wc -c <"$body_file" | tr -d ' ')"
    case "$key" in
        *hello)
            if [[ "$(cat "$body_file")" != "$HELLO_BODY" || "$length" -ne ${#HELLO_BODY} ]]; then
                echo "$url answered a $length-byte body, not \"$HELLO_BODY\""
                return 1
            fi ;;
        *16k)
            if [[ "$length" -ne "$BYTES_LENGTH" ]]; then
                echo "$url answered a $length-byte body, not $BYTES_LENGTH bytes"
                return 1
            fi ;;
    esac
    return 0
}

wait_ready() {
    # wait_ready BASE PID NAME LOG: until BASE/hello answers right, PID dies, or 30 s pass
    local base="$1" pid="$2" name="$3" log="$4" i
    for i in $(seq 1 300); do
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$log" >&2 2>/dev/null || true
            die "$name (pid $pid) exited during start-up; its log is above"
        fi
        check_target "$base" hello >/dev/null && return 0
        sleep 0.1
    done
    cat "$log" >&2 2>/dev/null || true
    die "$name (pid $pid) did not serve $base/hello within 30 s; its log is above"
}

parse_wrk() {
    # parse_wrk FILE: prints "rps p50_us p99_us requests errors" from wrk --latency output, or fails
    awk '
        function us(text,   n, unit) {
            n = text + 0; unit = text; sub(/^[0-9.]+/, "", unit)
            if (unit == "us") return n
            if (unit == "ms") return n * 1000
            if (unit == "s") return n * 1000000
            if (unit == "m") return n * 60000000
            if (unit == "h") return n * 3600000000
            return -1
        }
        /^ *50% / { p50 = us($2) }
        /^ *99% / { p99 = us($2) }
        / requests in / { requests = $1 }
        /^Requests\/sec:/ { rps = $2 }
        /Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx responses:/ { errors += $5 }
        END {
            if (rps == "" || p50 == "" || p99 == "" || p50 < 0 || p99 < 0) exit 1
            printf "%.0f %.0f %.0f %d %d\n", rps, p50, p99, requests, errors
        }' "$1"
}

run_wrk() {
    # run_wrk SECONDS URL OUT [LATENCY]: one bounded wrk run, killable from the trap
    local seconds="$1" url="$2" out="$3" rc=0
    timeout --kill-after=5 $((seconds + 20)) \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --latency "$url" >"$out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || rc=$?
    WRK_PID=""
    return "$rc"
}

median() {
    # median VALUE...: the middle of the numeric values (the lower middle for an even count), or n/a
    local values
    values="$(printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g || true)"
    [[ -n "$values" ]] || { echo "n/a"; return; }
    local count
    count="$(echo "$values" | wc -l)"
    echo "$values" | sed -n "$(((count + 1) / 2))p"
}

ratio() {
    # ratio A B: A/B with two decimals, or n/a
    if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]] && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
        awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
    else
        echo "n/a"
    fi
}

# --- targets -----------------------------------------------------------------------------------------------

# sb_off and sb_jdk17: Switchboards beside sb, each measured on /hello only, interleaved with the others
TARGETS=(sb sb_off sb_jdk17 nginx_jetty jetty)
declare -A BASE=([nginx_jetty]="http://127.0.0.1:$NGINX_PORT" [jetty]="http://127.0.0.1:$JETTY_PORT")
declare -A SKIP   # SKIP[target,key] = why that target is not measured on that URL

SB_URL="${SB_URL%/}"
if [[ -z "$SB_URL" ]]; then
    SB_WHY="no Switchboard given (--sb URL; ./switchboard bench http passes the CM it starts)"
elif [[ ! "$SB_URL" =~ ^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\])(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$ ]]; then
    SB_WHY="--sb $SB_URL is not http://HOST[:PORT][/PREFIX] on the loopback interface; traffic stays on this machine"
else
    SB_WHY=""
    BASE[sb]="$SB_URL"
fi

declare -A VARIANT_WHY   # VARIANT_WHY[target] = why that Switchboard beside sb is not measured, or empty

# variant TARGET OPTION URL WHAT: a Switchboard beside sb, its base URL checked as --sb's
variant() {
    local target="$1" option="$2" url="${3%/}" what="$4"
    if [[ -z "$url" ]]; then
        VARIANT_WHY[$target]="no $what given ($option URL; ./switchboard bench http passes the one it starts)"
    elif [[ ! "$url" =~ ^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\])(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$ ]]; then
        VARIANT_WHY[$target]="$option $url is not http://HOST[:PORT][/PREFIX] on the loopback interface"
    else
        VARIANT_WHY[$target]=""
        BASE[$target]="$url"
    fi
}
variant sb_off --sb-off "$SB_OFF_URL" "observability-off Switchboard"
variant sb_jdk17 --sb-jdk17 "$SB_JDK17_URL" "Switchboard with its worker on Java 17"

for name in JETTY_PORT NGINX_PORT; do
    if port_in_use "${!name}"; then
        die "port ${!name} ($name) is already taken on 127.0.0.1; choose another with --${name%_PORT}-port"
    fi
done

JETTY_JAVA_OPTS="${JETTY_JAVA_OPTS:-}"
# shellcheck disable=SC2086 # JETTY_JAVA_OPTS is a list of JVM options
"$JAVA_HOME/bin/java" $JETTY_JAVA_OPTS -jar "$JETTY_JAR" "$JETTY_PORT" "$ROOT/bench/jetty/src/main/webapp" >"$RUN_DIR/jetty.log" 2>&1 &
JETTY_PID=$!
wait_ready "${BASE[jetty]}" "$JETTY_PID" jetty "$RUN_DIR/jetty.log"

mkdir -p "$RUN_DIR/nginx"
sed -e "s|@RUN_DIR@|$RUN_DIR/nginx|g" -e "s|@NGINX_PORT@|$NGINX_PORT|g" -e "s|@JETTY_PORT@|$JETTY_PORT|g" \
    "$HERE/nginx.conf.template" >"$RUN_DIR/nginx/nginx.conf"
nginx -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -e "$RUN_DIR/nginx/error.log" \
    >"$RUN_DIR/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
wait_ready "${BASE[nginx_jetty]}" "$NGINX_PID" nginx "$RUN_DIR/nginx/error.log"

for key in "${URL_KEYS[@]}"; do
    for target in "${TARGETS[@]}"; do
        if [[ -z "${SELECTED[$key]:-}" ]]; then
            SKIP[$target,$key]="not among --cases"
        elif [[ "$target" == sb && -n "$SB_WHY" ]]; then
            SKIP[$target,$key]="$SB_WHY"
        elif [[ -n "${VARIANT_WHY[$target]:-}" ]]; then
            SKIP[$target,$key]="${VARIANT_WHY[$target]}"
        elif [[ -v "VARIANT_WHY[$target]" && "$key" != hello ]]; then
            SKIP[$target,$key]="measured on /hello only"
        elif why="$(check_target "${BASE[$target]}" "$key")"; then
            :
        else
            SKIP[$target,$key]="$why"
            [[ "$target" == sb || -v "VARIANT_WHY[$target]" ]] || die "$target: $why"
        fi
    done
done

# --- measurement -------------------------------------------------------------------------------------------

JAVA_VERSION="$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n '2p')"
OS_NAME="$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-?}")"
[[ -r /etc/debian_version ]] && OS_NAME="$OS_NAME ($(cat /etc/debian_version))"
WRK_VERSION="$( (wrk -v 2>&1 || true) | sed -n '1s/ *\[.*//p')"
NGINX_VERSION="$(nginx -v 2>&1 | sed 's/^nginx version: //')"
JETTY_VERSION="$(sed -n 's/^jetty \([^ ]*\) .*/\1/p' "$RUN_DIR/jetty.log" | head -1)"
OTHERS="$(ps -eo args= | grep -c '[j]mh' || true)"

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
say "machine: $(nproc) cores, $OS_NAME, $JAVA_VERSION; load average $LOAD_START"
[[ "$OTHERS" -eq 0 ]] || say "warning: $OTHERS JMH process(es) running: they share the cores, the figures will be low"

declare -A RPS P50 P99 ERRORS RUNS_RPS
measured_run() {
    # measured_run TARGET KEY RUN: one measured wrk run, its figures stored under [TARGET,KEY,RUN]
    local target="$1" key="$2" run="$3" out figures
    out="$RUN_DIR/wrk-$target-$key-$run.txt"
    if run_wrk "$DURATION" "${BASE[$target]}${URL_PATH[$key]}" "$out" && figures="$(parse_wrk "$out")"; then
        read -r RPS[$target,$key,$run] P50[$target,$key,$run] P99[$target,$key,$run] _ ERRORS[$target,$key,$run] \
            <<<"$figures"
        say "$target ${URL_PATH[$key]} run $run/$RUNS: ${RPS[$target,$key,$run]} req/s," \
            "p50 ${P50[$target,$key,$run]} us, p99 ${P99[$target,$key,$run]} us, errors ${ERRORS[$target,$key,$run]}"
    else
        RPS[$target,$key,$run]="n/a"; P50[$target,$key,$run]="n/a"; P99[$target,$key,$run]="n/a"
        ERRORS[$target,$key,$run]="n/a"
        say "$target ${URL_PATH[$key]} run $run/$RUNS failed:"
        sed 's/^/    /' "$out" >&2 || true
    fi
}

for key in "${URL_KEYS[@]}"; do
    for target in "${TARGETS[@]}"; do
        [[ -z "${SKIP[$target,$key]:-}" ]] || continue
        say "$target ${URL_PATH[$key]}: ${WARMUP} s warm-up"
        run_wrk "$WARMUP" "${BASE[$target]}${URL_PATH[$key]}" "$RUN_DIR/wrk-$target-$key-warmup.txt" || true
    done
    for run in $(seq 1 "$RUNS"); do
        for target in "${TARGETS[@]}"; do
            [[ -z "${SKIP[$target,$key]:-}" ]] || continue
            sleep "$SETTLE"
            measured_run "$target" "$key" "$run"
        done
    done
done

declare -A MED_RPS MED_P50 MED_P99 ERR_SUM
for key in "${URL_KEYS[@]}"; do
    for target in "${TARGETS[@]}"; do
        if [[ -n "${SKIP[$target,$key]:-}" ]]; then
            MED_RPS[$target,$key]="n/a"; MED_P50[$target,$key]="n/a"; MED_P99[$target,$key]="n/a"
            ERR_SUM[$target,$key]="n/a"; RUNS_RPS[$target,$key]="-"
            continue
        fi
        rps=(); p50=(); p99=(); errors=0
        for run in $(seq 1 "$RUNS"); do
            rps+=("${RPS[$target,$key,$run]}"); p50+=("${P50[$target,$key,$run]}"); p99+=("${P99[$target,$key,$run]}")
            [[ "${ERRORS[$target,$key,$run]}" =~ ^[0-9]+$ ]] && errors=$((errors + ERRORS[$target,$key,$run]))
        done
        MED_RPS[$target,$key]="$(median "${rps[@]}")"
        MED_P50[$target,$key]="$(median "${p50[@]}")"
        MED_P99[$target,$key]="$(median "${p99[@]}")"
        ERR_SUM[$target,$key]="$errors"
        RUNS_RPS[$target,$key]="${rps[*]}"
    done
done

# --- allocation per request (JFR) --------------------------------------------------------------------------

declare -A ALLOC_LINE   # ALLOC_LINE[label] = figures or n/a: why
ALLOC_LABELS=()

sb_listener_pid() {
    # the pid of the process listening on the --sb URL's port, if ss can tell
    local authority port
    authority="${SB_URL#http://}"
    authority="${authority%%/*}"
    port="${authority##*:}"
    [[ "$port" =~ ^[0-9]+$ ]] || port=80
    ss -ltnpH "sport = :$port" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1
}

alloc_run() {
    # alloc_run TARGET KEY LABEL:PID...: one wrk run of KEY's URL with a JFR recording in each JVM, then each one's
    # allocation per request; its ALLOC key is LABEL_alloc_bytes_per_req
    local target="$1" key="$2" entry label pid out requests jfc="$RUN_DIR/alloc.jfc" result
    shift 2
    local labels=() pids=()
    for entry in "$@"; do
        label="${entry%%:*}"; pid="${entry#*:}"
        ALLOC_LABELS+=("$label")
        # jcmd's attach signals its target (SIGQUIT): never point it at anything but a JVM
        if [[ "$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)")" != java ]]; then
            ALLOC_LINE[$label]="n/a: pid $pid is not a running java process"
            continue
        fi
        if ! timeout 60 "$JAVA_HOME/bin/jcmd" "$pid" JFR.start name=bench-http-alloc settings="$jfc" \
                >"$RUN_DIR/jfr-$label.start" 2>&1; then
            ALLOC_LINE[$label]="n/a: jcmd $pid JFR.start failed: $(tr -d '\0' <"$RUN_DIR/jfr-$label.start" \
                | grep -v '^[0-9]*:$' | head -1 | cut -c1-160)"
            continue
        fi
        JFR_ACTIVE+=("$pid")
        labels+=("$label"); pids+=("$pid")
    done
    [[ ${#pids[@]} -gt 0 ]] || return 0

    out="$RUN_DIR/wrk-$target-$key-alloc.txt"
    say "$target ${URL_PATH[$key]}: ${DURATION} s allocation run under JFR (pids ${pids[*]})"
    run_wrk "$DURATION" "${BASE[$target]}${URL_PATH[$key]}" "$out" || true
    requests="$(parse_wrk "$out" | cut -d' ' -f4 || true)"

    local i
    for i in "${!pids[@]}"; do
        label="${labels[$i]}"; pid="${pids[$i]}"
        if ! timeout 60 "$JAVA_HOME/bin/jcmd" "$pid" JFR.stop name=bench-http-alloc filename="$RUN_DIR/alloc-$label.jfr" \
                >"$RUN_DIR/jfr-$label.stop" 2>&1; then
            ALLOC_LINE[$label]="n/a: jcmd $pid JFR.stop failed"
            continue
        fi
        if [[ ! "$requests" =~ ^[1-9][0-9]*$ ]]; then
            ALLOC_LINE[$label]="n/a: the wrk run under JFR failed"
            continue
        fi
        if result="$("$JAVA_HOME/bin/java" "$HERE/AllocationPerRequest.java" "$RUN_DIR/alloc-$label.jfr" "$requests" \
                2>"$RUN_DIR/alloc-$label.threads")"; then
            ALLOC_LINE[$label]="$result"
            say "$label: $result; threads that allocated most:"
            cat "$RUN_DIR/alloc-$label.threads" >&2
        else
            ALLOC_LINE[$label]="n/a: $(tail -1 "$RUN_DIR/alloc-$label.threads")"
        fi
    done
    JFR_ACTIVE=()
}

if [[ "$ALLOC" -eq 1 ]]; then
    cat >"$RUN_DIR/alloc.jfc" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="bench-http-alloc" description="Allocation per thread and GCs only" provider="Switchboard">
  <event name="jdk.ThreadAllocationStatistics">
    <setting name="enabled">true</setting>
    <setting name="period">everyChunk</setting>
  </event>
  <event name="jdk.GarbageCollection">
    <setting name="enabled">true</setting>
    <setting name="threshold">0 ms</setting>
  </event>
</configuration>
EOF
    if [[ -n "${SELECTED[hello]:-}" ]]; then
        if [[ -z "${SKIP[sb,hello]:-}" ]]; then
            SB_PID="${SB_PID:-$(sb_listener_pid)}"
            sb_entries=()
            if [[ -z "$SB_PID" ]]; then
                ALLOC_LABELS+=(sb_cm_hello)
                ALLOC_LINE[sb_cm_hello]="n/a: the CM's pid is unknown (give --sb-pid; ss found no listener for $SB_URL)"
            else
                sb_entries+=("sb_cm_hello:$SB_PID")
            fi
            [[ -z "$SB_WORKER_PID" ]] || sb_entries+=("sb_worker_hello:$SB_WORKER_PID")
            [[ ${#sb_entries[@]} -eq 0 ]] || alloc_run sb hello "${sb_entries[@]}"
        else
            ALLOC_LABELS+=(sb_cm_hello)
            ALLOC_LINE[sb_cm_hello]="n/a: ${SKIP[sb,hello]}"
        fi
        alloc_run jetty hello "jetty_hello:$JETTY_PID"
    fi
    # the servlet request on the worker (the Jetty adapter and the same servlet) against Jetty alone serving it
    if [[ -n "${SELECTED[servlet_hello]:-}" ]]; then
        if [[ -n "${SKIP[sb,servlet_hello]:-}" ]]; then
            ALLOC_LABELS+=(sb_servlet_worker)
            ALLOC_LINE[sb_servlet_worker]="n/a: ${SKIP[sb,servlet_hello]}"
        elif [[ -z "$SB_WORKER_PID" ]]; then
            ALLOC_LABELS+=(sb_servlet_worker)
            ALLOC_LINE[sb_servlet_worker]="n/a: the worker's pid is unknown (give --sb-worker-pid)"
        else
            alloc_run sb servlet_hello "sb_servlet_worker:$SB_WORKER_PID"
        fi
        alloc_run jetty servlet_hello "jetty_servlet:$JETTY_PID"
    fi
fi

# --- CPU per response (/proc) ------------------------------------------------------------------------------

proc_ticks() {
    # proc_ticks PID...: the clock ticks of user and system time the processes (all their threads) have used
    local pid ticks total=0
    for pid in "$@"; do
        # utime and stime are the 12th and 13th fields after the command name, which may hold spaces
        ticks="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }')"
        [[ "$ticks" =~ ^[0-9]+$ ]] || return 1
        total=$((total + ticks))
    done
    echo "$total"
}

per_response() {
    # per_response TICKS REQUESTS: microseconds of CPU per response, one decimal
    awk -v t="$1" -v r="$2" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", t * 1000000 / hz / r }'
}

declare -A CPU_US CPU_PARTS CPU_WRK_US CPU_RPS   # [target,key]: the server's us per response, per process, wrk's
CPU_KEYS=()
cpu_run() {
    # cpu_run TARGET KEY NAME:PIDS...: one wrk run of KEY's URL; each named process group's CPU per response
    # (PIDS a space-separated list), their sum and wrk's own
    local target="$1" key="$2" entry i out requests wrk_user wrk_system ticks
    shift 2
    local names=() pids=() before=()
    CPU_KEYS+=("$target,$key")
    for entry in "$@"; do
        names+=("${entry%%:*}"); pids+=("${entry#*:}")
    done
    for i in "${!pids[@]}"; do
        # shellcheck disable=SC2086 # a list of pids
        if ! before[$i]="$(proc_ticks ${pids[$i]})"; then
            CPU_PARTS[$target,$key]="n/a: ${names[$i]} (pid ${pids[$i]}) is not running"
            return 0
        fi
    done
    out="$RUN_DIR/wrk-$target-$key-cpu.txt"
    say "$target ${URL_PATH[$key]}: ${DURATION} s CPU run (${names[*]})"
    # bash's time: the CPU of the children waited for inside, that is timeout and wrk
    local TIMEFORMAT='%3U %3S'
    { time run_wrk "$DURATION" "${BASE[$target]}${URL_PATH[$key]}" "$out"; } 2>"$RUN_DIR/cpu-wrk-$target-$key.time" || true
    requests="$(parse_wrk "$out" | cut -d' ' -f4 || true)"
    if [[ ! "$requests" =~ ^[1-9][0-9]*$ ]]; then
        CPU_PARTS[$target,$key]="n/a: the wrk run failed"
        return 0
    fi
    CPU_RPS[$target,$key]="$(parse_wrk "$out" | cut -d' ' -f1)"
    local total=0 parts=()
    for i in "${!pids[@]}"; do
        # shellcheck disable=SC2086 # a list of pids
        if ! ticks="$(proc_ticks ${pids[$i]})"; then
            CPU_PARTS[$target,$key]="n/a: ${names[$i]} (pid ${pids[$i]}) ended during the run"
            return 0
        fi
        ticks=$((ticks - before[i]))
        total=$((total + ticks))
        parts+=("${names[$i]} $(per_response "$ticks" "$requests")")
    done
    CPU_US[$target,$key]="$(per_response "$total" "$requests")"
    CPU_PARTS[$target,$key]="$(IFS=,; echo "${parts[*]}" | sed 's/,/ + /g')"
    read -r wrk_user wrk_system <"$RUN_DIR/cpu-wrk-$target-$key.time" || true
    if [[ "$wrk_user" =~ ^[0-9.]+$ && "$wrk_system" =~ ^[0-9.]+$ ]]; then
        CPU_WRK_US[$target,$key]="$(awk -v u="$wrk_user" -v s="$wrk_system" -v r="$requests" \
            'BEGIN { printf "%.1f", (u + s) * 1000000 / r }')"
    fi
}

if [[ "$CPU" -eq 1 ]]; then
    CLK_TCK="$(getconf CLK_TCK)"
    SB_PID="${SB_PID:-$(sb_listener_pid)}"
    for key in "${URL_KEYS[@]}"; do
        [[ -n "${SELECTED[$key]:-}" ]] || continue
        for target in sb jetty nginx_jetty; do
            if [[ -n "${SKIP[$target,$key]:-}" ]]; then
                CPU_KEYS+=("$target,$key"); CPU_PARTS[$target,$key]="n/a: ${SKIP[$target,$key]}"
                continue
            fi
            sleep "$SETTLE"
            case "$target" in
                sb)
                    if [[ -z "$SB_PID" || -z "$SB_WORKER_PID" ]]; then
                        CPU_KEYS+=("$target,$key")
                        CPU_PARTS[$target,$key]="n/a: the CM's and the worker's pids are needed (--sb-pid, --sb-worker-pid)"
                    else
                        cpu_run sb "$key" "cm:$SB_PID" "worker:$SB_WORKER_PID"
                    fi ;;
                jetty) cpu_run jetty "$key" "jetty:$JETTY_PID" ;;
                nginx_jetty) cpu_run nginx_jetty "$key" "nginx:$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" \
                    "jetty:$JETTY_PID" ;;
            esac
        done
    done
fi

# --- report ------------------------------------------------------------------------------------------------

echo
echo "HTTP benchmark: wrk ${WRK_VERSION#wrk } -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, ${WARMUP} s warm-up," \
    "median of $RUNS runs"
echo "machine: $(nproc) cores, $OS_NAME, $JAVA_VERSION, jetty $JETTY_VERSION, nginx $NGINX_VERSION"
echo "load average (1, 5, 15 min) at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-12s %-16s %10s %9s %9s   %-26s %s\n' target url "req/s" "p50 us" "p99 us" "req/s of each run" errors
for key in "${URL_KEYS[@]}"; do
    [[ -n "${SELECTED[$key]:-}" ]] || continue
    for target in "${TARGETS[@]}"; do
        printf '%-12s %-16s %10s %9s %9s   %-26s %s\n' "$target" "${URL_PATH[$key]}" "${MED_RPS[$target,$key]}" \
            "${MED_P50[$target,$key]}" "${MED_P99[$target,$key]}" "${RUNS_RPS[$target,$key]}" "${ERR_SUM[$target,$key]}"
    done
done
echo
printf '%-26s %10s %16s\n' ratio "${URL_PATH[hello]}" "${URL_PATH[16k]}"
for pair in "sb sb_off" "sb_jdk17 sb" "sb nginx_jetty" "sb jetty" "nginx_jetty jetty"; do
    read -r a b <<<"$pair"
    printf '%-26s %10s %16s\n' "$a/$b req/s" "$(ratio "${MED_RPS[$a,hello]}" "${MED_RPS[$b,hello]}")" \
        "$(ratio "${MED_RPS[$a,16k]}" "${MED_RPS[$b,16k]}")"
    printf '%-26s %10s %16s\n' "$a/$b p99" "$(ratio "${MED_P99[$a,hello]}" "${MED_P99[$b,hello]}")" \
        "$(ratio "${MED_P99[$a,16k]}" "${MED_P99[$b,16k]}")"
done
echo
printf '%-26s %16s %24s\n' ratio "${URL_PATH[servlet_hello]}" "${URL_PATH[servlet_16k]}"
for pair in "sb nginx_jetty" "sb jetty" "nginx_jetty jetty"; do
    read -r a b <<<"$pair"
    printf '%-26s %16s %24s\n' "$a/$b req/s" "$(ratio "${MED_RPS[$a,servlet_hello]}" "${MED_RPS[$b,servlet_hello]}")" \
        "$(ratio "${MED_RPS[$a,servlet_16k]}" "${MED_RPS[$b,servlet_16k]}")"
    printf '%-26s %16s %24s\n' "$a/$b p99" "$(ratio "${MED_P99[$a,servlet_hello]}" "${MED_P99[$b,servlet_hello]}")" \
        "$(ratio "${MED_P99[$a,servlet_16k]}" "${MED_P99[$b,servlet_16k]}")"
done

notes=()
if [[ -n "$SB_WHY" ]]; then
    notes+=("sb n/a: $SB_WHY")
else
    for key in "${URL_KEYS[@]}"; do
        [[ -z "${SKIP[sb,$key]:-}" || -z "${SELECTED[$key]:-}" ]] || notes+=("sb ${URL_PATH[$key]} n/a: ${SKIP[sb,$key]}")
    done
fi
for key in "${URL_KEYS[@]}"; do
    for target in "${TARGETS[@]}"; do
        if [[ "${ERR_SUM[$target,$key]}" =~ ^[1-9] ]]; then
            notes+=("warning: $target ${URL_PATH[$key]} had ${ERR_SUM[$target,$key]} socket errors or non-2xx answers")
        fi
    done
done
[[ "$OTHERS" -eq 0 ]] || notes+=("warning: $OTHERS JMH process(es) were running at the start: the figures are low")
if [[ ${#notes[@]} -gt 0 ]]; then
    echo
    printf '%s\n' "${notes[@]}"
fi

declare -A ALLOC_VALUE   # ALLOC_VALUE[label] = bytes per request or n/a
if [[ "$ALLOC" -eq 1 ]]; then
    echo
    echo "heap allocation per request under load (one more ${DURATION} s run per JVM and URL under JFR" \
        "jdk.ThreadAllocationStatistics, not in the figures above):"
    alloc_summary=()
    for label in "${ALLOC_LABELS[@]}"; do
        printf '  %-18s %s\n' "$label" "${ALLOC_LINE[$label]}"
        value="$(sed -n 's/.*alloc_bytes_per_req=\([0-9]*\).*/\1/p' <<<"${ALLOC_LINE[$label]}")"
        alloc_summary+=("${label}_alloc_bytes_per_req=${value:-n/a}")
        ALLOC_VALUE[$label]="${value:-n/a}"
    done
    echo "ALLOC ${alloc_summary[*]}"
fi

if [[ "$CPU" -eq 1 ]]; then
    echo
    echo "CPU per response under load (one more ${DURATION} s run per target and URL, not in the figures above;" \
        "user + system time from /proc, microseconds):"
    printf '  %-12s %-24s %8s %10s %8s   %s\n' target url "req/s" "server us" "wrk us" "per process"
    cpu_summary=()
    for entry in "${CPU_KEYS[@]}"; do
        target="${entry%%,*}"; key="${entry#*,}"
        printf '  %-12s %-24s %8s %10s %8s   %s\n' "$target" "${URL_PATH[$key]}" "${CPU_RPS[$entry]:-n/a}" \
            "${CPU_US[$entry]:-n/a}" "${CPU_WRK_US[$entry]:-n/a}" "${CPU_PARTS[$entry]:-n/a}"
        cpu_summary+=("${target}_${key}_cpu_us=${CPU_US[$entry]:-n/a}" "${target}_${key}_wrk_cpu_us=${CPU_WRK_US[$entry]:-n/a}")
    done
    # what sb would spend on a servlet URL if the adapter cost nothing: the hop on the plain application's URL, plus
    # what the servlet machinery costs Jetty alone over its plain handler
    for pair in "servlet_hello hello" "servlet_16k 16k"; do
        read -r servlet plain <<<"$pair"
        [[ -n "${SELECTED[$servlet]:-}" ]] || continue
        floor="n/a"
        if [[ -n "${CPU_US[sb,$plain]:-}" && -n "${CPU_US[jetty,$servlet]:-}" && -n "${CPU_US[jetty,$plain]:-}" ]]; then
            floor="$(awk -v a="${CPU_US[sb,$plain]}" -v b="${CPU_US[jetty,$servlet]}" -v c="${CPU_US[jetty,$plain]}" \
                'BEGIN { printf "%.1f", a + b - c }')"
            echo "  sb floor on ${URL_PATH[$servlet]}: $floor us = sb ${URL_PATH[$plain]} ${CPU_US[sb,$plain]}" \
                "+ (jetty ${URL_PATH[$servlet]} ${CPU_US[jetty,$servlet]} - jetty ${URL_PATH[$plain]} ${CPU_US[jetty,$plain]})"
        else
            echo "  sb floor on ${URL_PATH[$servlet]}: n/a (needs sb and jetty measured on ${URL_PATH[$plain]} too: --cases)"
        fi
        cpu_summary+=("sb_${servlet}_cpu_floor_us=$floor")
    done
    echo "CPU ${cpu_summary[*]}"
fi

echo
summary() { local v="$1"; [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo "n/a"; }
echo "SUMMARY sb_hello_rps=$(summary "${MED_RPS[sb,hello]}")" \
    "sb_hello_rps_observability_off=$(summary "${MED_RPS[sb_off,hello]}")" \
    "sb_hello_rps_jdk17=$(summary "${MED_RPS[sb_jdk17,hello]}")" \
    "nginx_jetty_hello_rps=$(summary "${MED_RPS[nginx_jetty,hello]}")" \
    "jetty_hello_rps=$(summary "${MED_RPS[jetty,hello]}")" \
    "sb_16k_rps=$(summary "${MED_RPS[sb,16k]}")" \
    "nginx_jetty_16k_rps=$(summary "${MED_RPS[nginx_jetty,16k]}")" \
    "jetty_16k_rps=$(summary "${MED_RPS[jetty,16k]}")" \
    "sb_hello_p99_us=$(summary "${MED_P99[sb,hello]}")" \
    "nginx_jetty_hello_p99_us=$(summary "${MED_P99[nginx_jetty,hello]}")" \
    $(for key in servlet_hello servlet_16k; do
        for target in sb jetty nginx_jetty; do
            printf '%s ' "${target}_${key}_rps=$(summary "${MED_RPS[$target,$key]}")" \
                "${target}_${key}_p99_us=$(summary "${MED_P99[$target,$key]}")"
        done
    done) \
    "sb_servlet_worker_alloc_bytes_per_req=$(summary "${ALLOC_VALUE[sb_servlet_worker]:-n/a}")" \
    "jetty_servlet_alloc_bytes_per_req=$(summary "${ALLOC_VALUE[jetty_servlet]:-n/a}")"
