#!/usr/bin/env python3
"""The hunting query UpdateStsRefreshToken[Solorigate] run by DuckDB over a CloudAppEvents
JSON-lines export: the comparison point of BENCHMARKS.md.

    python3 benches/duckdb_query.py FILE.jsonl [--threads 2] [--rows]

Prints the number of distinct result rows (with --rows, the rows themselves, tab-separated).
Needs the duckdb package (`pip install duckdb`). The SQL follows the KQL clause by clause:
ActionType equality, `!has "Directorysync"` as a case-insensitive whole-term match on the
RawEventData text, ModifiedProperties[0], the values' first array element as datetimes,
`datetime_diff('minute', …)` as minute boundaries crossed (DuckDB's date_diff), Actor[-1].ID
as Role, and `distinct` over the eight columns.
"""
import argparse

import duckdb

SQL = r"""
WITH sts AS (
  SELECT j,
         json_extract(j, '$.RawEventData') AS red,
         json_extract_string(j, '$.RawEventData.ModifiedProperties[0].OldValue') AS old_v,
         json_extract_string(j, '$.RawEventData.ModifiedProperties[0].NewValue') AS new_v
  FROM read_ndjson_objects(?) t(j)
  WHERE json_extract_string(j, '$.ActionType') = 'Update StsRefreshTokenValidFrom Timestamp.'
), kept AS (
  SELECT j, old_v, new_v,
         try_cast(rtrim(json_extract_string(old_v, '$[0]'), 'Z') AS TIMESTAMP) AS old_t,
         try_cast(rtrim(json_extract_string(new_v, '$[0]'), 'Z') AS TIMESTAMP) AS new_t,
         try_cast(rtrim(json_extract_string(j, '$.Timestamp'), 'Z') AS TIMESTAMP) AS ts
  FROM sts
  WHERE NOT regexp_matches(CAST(red AS VARCHAR), '(?i)(^|[^a-z0-9])directorysync([^a-z0-9]|$)')
    AND json_extract_string(red, '$.ModifiedProperties[0].Name') = 'StsRefreshTokensValidFrom'
)
SELECT DISTINCT
  json_extract_string(j, '$.AccountObjectId'),
  json_extract_string(j, '$.AccountDisplayName'),
  json_extract_string(j, '$.RawEventData.Actor[#-1].ID') AS Role,
  json_extract_string(j, '$.IPAddress'),
  json_extract_string(j, '$.IsAnonymousProxy'),
  json_extract_string(j, '$.ISP'),
  date_diff('minute', old_t, new_t) AS tokenMinutesAdded,
  date_diff('minute', new_t, ts) AS tokenMinutesRemaining
FROM kept
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rows", action="store_true", help="print the rows, not only their count")
    args = ap.parse_args()
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    rows = con.execute(SQL, [args.file]).fetchall()
    if args.rows:
        for r in rows:
            print("\t".join("" if v is None else str(v) for v in r))
    else:
        print(len(rows))


if __name__ == "__main__":
    main()
