#!/usr/bin/env bash
# Times `sts-triage scan` against rg, gzip -dc, jq and DuckDB on generated CloudAppEvents
# exports (1% STS events), warm page cache, and prints a table: time, throughput, ratio to
# `rg -c StsRefreshTokenValidFrom` on the same file, peak RSS.
#
#   benches/compare.sh                 # 100 MB and 1 GB
#   SIZES="100MB 1GB 4GB" benches/compare.sh
#   OUT=/tmp/sts-bench RUNS=5 benches/compare.sh
#
# Inputs are written to $OUT (default /tmp/sts-bench) by examples/gen_bench.rs: the same
# size always gives the same bytes. They are never written inside the repository.
# jq is slow (tens of seconds per GB): it runs on the 100 MB file only and its 1 GB time is
# extrapolated (marked "extrapolated"). Tools that are not installed are left out.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/sts-bench}
SIZES=${SIZES:-"100MB 1GB"}
RUNS=${RUNS:-5}
mkdir -p "$OUT"

cargo build --release --quiet --bin sts-triage --example gen_bench
STS=$PWD/target/release/sts-triage
GEN=$PWD/target/release/examples/gen_bench
have() { command -v "$1" >/dev/null 2>&1; }

gen() { # size format file
    if [ ! -s "$3" ]; then
        "$GEN" --size "$1" --format "$2" --out "$3" 2>"$3.expected"
    fi
}

# best wall time (s, from bash's EPOCHREALTIME, so sub-10 ms differences show) and largest
# peak RSS (KB, from GNU time) over $RUNS runs of a command
measure() {
    local best="" rss=0 t m start end
    for _ in $(seq "$RUNS"); do
        start=$EPOCHREALTIME
        /usr/bin/time -f "%M" -o "$OUT/.time" "$@" >/dev/null 2>"$OUT/.stderr" || {
            echo "failed: $*" >&2
            cat "$OUT/.stderr" >&2
            return 1
        }
        end=$EPOCHREALTIME
        t=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b - a}')
        m=$(tail -n 1 "$OUT/.time")
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
        if [ "$m" -gt "$rss" ]; then rss=$m; fi
    done
    echo "$best $rss"
}

ROWS=()
row() { # input bytes tool seconds rss_kb rg_seconds note
    local mbs ratio
    mbs=$(awk -v b="$2" -v s="$4" 'BEGIN{ if (s > 0) printf "%.0f", b/s/1e6; else print "-" }')
    ratio=$(awk -v s="$4" -v r="$6" 'BEGIN{ if (r > 0) printf "%.2f", s/r; else print "-" }')
    ROWS+=("$(printf '| %-18s | %-34s | %8s | %8s | %7s | %8s | %s' "$1" "$3" "$4" "$mbs" "$ratio" "$(( $5 / 1024 ))" "$7")")
}

JQ_PROG='select(.ActionType == "Update StsRefreshTokenValidFrom Timestamp.")
  | select(.RawEventData | tostring | test("(^|[^a-z0-9])directorysync([^a-z0-9]|$)"; "i") | not)
  | .RawEventData.ModifiedProperties[0] as $p
  | select($p.Name == "StsRefreshTokensValidFrom")
  | def t: sub("\\.[0-9]+Z$"; "Z") | sub("(?<x>[0-9])$"; "\(.x)Z") | fromdateiso8601;
    (($p.OldValue | fromjson | .[0]) | t) as $old
  | (($p.NewValue | fromjson | .[0]) | t) as $new
  | def m: . / 60 | floor;
    {AccountObjectId, AccountDisplayName, Role: (.RawEventData.Actor[-1].ID // "" | tostring),
     IPAddress, IsAnonymousProxy, ISP,
     tokenMinutesAdded: (($new | m) - ($old | m)),
     tokenMinutesRemaining: (((.Timestamp | t) | m) - ($new | m))}'

DUCK_SQL="SELECT DISTINCT j->>'AccountObjectId', j->>'AccountDisplayName',
    j->'RawEventData'->'Actor'->>-1 AS role_raw, j->>'IPAddress', j->>'IsAnonymousProxy', j->>'ISP',
    j->'RawEventData'->'ModifiedProperties'->0->>'OldValue', j->'RawEventData'->'ModifiedProperties'->0->>'NewValue'
  FROM read_ndjson_objects('%s') t(j)
  WHERE j->>'ActionType' = 'Update StsRefreshTokenValidFrom Timestamp.'
    AND NOT regexp_matches(CAST(j->'RawEventData' AS VARCHAR), '(?i)(^|[^a-z0-9])directorysync([^a-z0-9]|\$)')
    AND j->'RawEventData'->'ModifiedProperties'->0->>'Name' = 'StsRefreshTokensValidFrom'"
DUCK_PY='import duckdb, sys; print(len(duckdb.sql(sys.argv[1]).fetchall()))'
HAVE_DUCK=0
if python3 -c 'import duckdb' 2>/dev/null; then HAVE_DUCK=1; fi

JQ_100MB=""
for size in $SIZES; do
    f="$OUT/cloudappevents-$size.jsonl"
    gen "$size" jsonl "$f"
    bytes=$(stat -c %s "$f")
    cat "$f" >/dev/null
    read -r rg_s rg_m < <(measure rg -c StsRefreshTokenValidFrom "$f")
    row "$size jsonl" "$bytes" "rg -c StsRefreshTokenValidFrom" "$rg_s" "$rg_m" "$rg_s" ""
    read -r s m < <(measure "$STS" scan --format jsonl "$f")
    row "$size jsonl" "$bytes" "sts-triage scan --format jsonl" "$s" "$m" "$rg_s" ""
    read -r s m < <(measure cat "$f")
    row "$size jsonl" "$bytes" "cat" "$s" "$m" "$rg_s" ""
    if [ "$HAVE_DUCK" = 1 ] && [ "$size" != 4GB ]; then
        read -r s m < <(RUNS=1 measure python3 -c "$DUCK_PY" "$(printf "$DUCK_SQL" "$f")")
        row "$size jsonl" "$bytes" "DuckDB read_ndjson_objects + SQL" "$s" "$m" "$rg_s" "1 run"
    fi
    if have jq && [ "$size" = 100MB ]; then
        read -r s m < <(RUNS=1 measure jq -c "$JQ_PROG" "$f")
        JQ_100MB=$s
        row "$size jsonl" "$bytes" "jq (the query as a jq program)" "$s" "$m" "$rg_s" "1 run"
    elif have jq && [ -n "$JQ_100MB" ]; then
        s=$(awk -v t="$JQ_100MB" -v b="$bytes" 'BEGIN{printf "%.1f", t * b / 100e6}')
        row "$size jsonl" "$bytes" "jq (the query as a jq program)" "$s" 0 "$rg_s" "extrapolated from 100 MB"
    fi
    if [ "$size" = 1GB ]; then
        gz="$f.gz"
        [ -s "$gz" ] || gzip -6 -c "$f" >"$gz"
        gzbytes=$(stat -c %s "$gz")
        cat "$gz" >/dev/null
        read -r g_s g_m < <(measure gzip -dc "$gz")
        row "$size jsonl.gz" "$bytes" "gzip -dc" "$g_s" "$g_m" "$rg_s" "MB/s of decompressed bytes"
        read -r s m < <(measure "$STS" scan --format jsonl "$gz")
        row "$size jsonl.gz" "$bytes" "sts-triage scan (gzip)" "$s" "$m" "$rg_s" \
            "$(awk -v s="$s" -v g="$g_s" 'BEGIN{printf "%.2f x gzip -dc", s/g}')"
        c="$OUT/purview-$size.csv"
        gen "$size" csv "$c"
        cbytes=$(stat -c %s "$c")
        cat "$c" >/dev/null
        read -r rc_s rc_m < <(measure rg -c StsRefreshTokenValidFrom "$c")
        row "$size csv" "$cbytes" "rg -c StsRefreshTokenValidFrom" "$rc_s" "$rc_m" "$rc_s" ""
        read -r s m < <(measure "$STS" scan --format jsonl "$c")
        row "$size csv" "$cbytes" "sts-triage scan (Purview CSV)" "$s" "$m" "$rc_s" ""
    fi
done

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; best of $RUNS runs, warm page cache"
echo
echo "| input              | tool                               | time (s) |     MB/s | vs rg   | RSS (MB) | note"
echo "|--------------------|------------------------------------|----------|----------|---------|----------|-----"
printf '%s\n' "${ROWS[@]}"
