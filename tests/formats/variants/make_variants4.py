# Writes batch 17 of tests/formats/variants: more files of each class of tests/formats (the
# shapes of issue 14), each written from the public documentation of the tool or API that
# makes it (named above each file; synthetic values, the events and helpers of
# make_variants.py, expected minute counts computed here with Python datetime, independently
# of the Rust code). Importing make_variants writes its own files again (the same bytes). Run:
# python3 tests/formats/variants/make_variants4.py
import sys
sys.dont_write_bytecode = True  # no __pycache__ beside the committed files
import gzip
import json
import os
import re
from datetime import timedelta

from make_variants import (  # noqa: E402
    AH, CTX, D, ENTRA_EXPECTED, EVENTS, GH, N, NEXT, ORG, OUT, PEV, PH, PORTAL_EXPECTED, PS, PT, S, STS, SUAL_H, T, U,
    UAL_EXPECTED, audits, auditlogs_row_with, csv_text, de, graph_record, nm, pages, portal_expected, portal_row,
    ps51_json, recs, sual_row, t, ual, ual_expected, us, us_minutes, write)


def sual_rows(date, events=EVENTS):
    return [sual_row(e, op, i + 1, date(e["time"])) for i, (e, op) in enumerate(events)]


def expected_file(name, items):
    with open(os.path.join(OUT, name), "w") as f:
        for item in items:
            f.write(json.dumps(item) + "\n")


# ---- Search-UnifiedAuditLog Export-Csv under other PowerShell defaults ------------------------------
# 93. PowerShell 7 `Export-Csv -Delimiter "`t"`: UTF-8 without BOM (7's default), every field
#     quoted, no #TYPE line, en-US dates.
write("sual-export-csv-tab.csv", csv_text(SUAL_H, sual_rows(us), delimiter="\t"))
# 94. `Export-Csv -Encoding BigEndianUnicode`: UTF-16BE with its BOM.
write("sual-export-csv-utf16be-bom.csv", b"\xfe\xff" + csv_text(SUAL_H, sual_rows(us)).encode("utf-16-be"))
# 95. `Export-Csv -UseCulture` on a fr-FR machine (list separator ';', dd/MM/yyyy HH:mm:ss),
#     PowerShell 7's UTF-8 without BOM: every day is 12 or less, AuditData's CreationTime
#     settles the order.
write("sual-useculture-fr-fr.csv", csv_text(SUAL_H, sual_rows(lambda s: t(s).strftime("%d/%m/%Y %H:%M:%S")),
                                            delimiter=";"))
# 96. PowerShell 7 on Linux with the invariant culture (LANG=C): MM/dd/yyyy HH:mm:ss, LF.
write("sual-ps7-invariant-culture.csv",
      csv_text(SUAL_H, sual_rows(lambda s: t(s).strftime("%m/%d/%Y %H:%M:%S")), eol="\n"))


# ---- Whole result objects as JSON (the wrapped class) ----------------------------------------------
# 97. CreationDate as `\/Date(ms+0100)\/`: .NET's DataContractJsonSerializer and Json.NET's
#     Microsoft date format write a local DateTime with the writer's offset after the
#     milliseconds (which stay UTC); RecordType as a number; Windows PowerShell 5.1 layout.
def ms_date(s, zone=""):
    return "\\/Date(%d%s)\\/" % (int(t(s).timestamp() * 1000), zone)


def sual_object(i, e, op, date):
    return {"RunspaceId": "4d4d4d4d-0000-4000-8000-000000000001", "RecordType": 8, "CreationDate": date,
            "UserIds": e["upn"], "Operations": op, "AuditData": json.dumps(ual(e, op), separators=(",", ":")),
            "ResultIndex": i + 1, "ResultCount": 5, "Identity": e["id"], "IsValid": True, "ObjectState": "Unchanged"}


def unescaped_dates(text):
    # ConvertTo-Json writes the \/ of the date as it is: json.dumps would double the backslash.
    return re.sub(r'"@@(.*?)@@"', lambda m: '"%s"' % m.group(1).replace("\\\\", "\\"), text)


write("sual-ps51-date-offset.json", unescaped_dates(ps51_json(
    [sual_object(i, e, op, "@@%s@@" % ms_date(e["time"], "+0100")) for i, (e, op) in enumerate(EVENTS)])),
    encoding="utf-8-sig")
# 98. Windows PowerShell 5.1 ConvertTo-Json of a DateTime that carries PowerShell's DisplayHint
#     note (a CreationDate made by Get-Date): `{"value": "\/Date(ms)\/", "DisplayHint": 2,
#     "DateTime": "Tuesday, November 5, 2024 4:42:19 PM"}`.
write("sual-ps51-date-displayhint.json", unescaped_dates(ps51_json(
    [sual_object(i, e, op, {"value": "@@%s@@" % ms_date(e["time"]), "DisplayHint": 2,
                            "DateTime": "%s, %s %d, %d %s" % (t(e["time"]).strftime("%A"), t(e["time"]).strftime("%B"),
                                                             t(e["time"]).day, t(e["time"]).year,
                                                             us(e["time"]).split(" ", 1)[1])})
     for i, (e, op) in enumerate(EVENTS)])), encoding="utf-8-sig")

# ---- UTF-16 and the other Out-File defaults -------------------------------------------------------
lines = "".join(json.dumps(ual(e, op), ensure_ascii=False) + "\r\n" for e, op in EVENTS)
# 99. UAL JSON lines in UTF-16BE without a BOM (a BigEndianUnicode file cut from a larger one).
write("ual-lines-utf16be-nobom.jsonl", lines.encode("utf-16-be"))
# 100. UTF-16LE with its BOM and LF line ends (Out-File of PowerShell 7 -Encoding Unicode on Linux).
write("ual-lines-utf16le-lf.jsonl", b"\xff\xfe" + lines.replace("\r\n", "\n").encode("utf-16-le"))
# 101. Windows PowerShell 5.1 `ConvertTo-Json -Depth 10 > ual.json` of the AuditData records:
#     `>` is Out-File, UTF-16LE with a BOM; one pretty-printed array.
write("ual-array-ps51-out-file.json", b"\xff\xfe" + ps51_json([ual(e, op) for e, op in EVENTS]).encode("utf-16-le"))

# ---- Graph audit log query records ------------------------------------------------------------------
# 102. The pages appended one after another by Windows PowerShell 5.1 (`ConvertTo-Json -Depth
#     10 >> records.json` in the paging loop): UTF-16LE, one BOM at the start, pretty pages.
write("graph-pages-ps51-append.json",
      b"\xff\xfe" + "".join(ps51_json(p) + "\r\n" for p in pages).encode("utf-16-le"))
# 103. Pages with `@odata.count` and `@odata.nextLink` before `value`, one per line.
write("graph-pages-nextlink-first.json", "\n".join(json.dumps(
    {"@odata.context": CTX, "@odata.count": n, **({"@odata.nextLink": NEXT % "p2"} if k == 0 else {}),
     "value": v}) for k, (n, v) in enumerate([(3, recs[:3]), (2, recs[3:])])))
# 104. Records whose auditData a script stored as JSON text (`ConvertTo-Json -Compress` of it)
#     before writing each record on one line.
write("graph-records-auditdata-text.jsonl",
      "".join(json.dumps(graph_record(e, op, audit=json.dumps(ual(e, op)))) + "\n" for e, op in EVENTS))
# 105. The pages saved by Windows PowerShell 5.1 `Out-File -Encoding Default` (Windows-1252),
#     an actor whose name has accented letters.
GS = dict(S, upn="Jörg.Schäfer@woodgrove.example")
grecs = [graph_record(e, op) for e, op in [(N, "Update user."), (GS, STS), (T, STS), (U, STS), (D, STS)]]
write("graph-pages-cp1252.json", "".join(ps51_json(p) + "\r\n" for p in [
    {"@odata.context": CTX, "value": grecs[:3], "@odata.nextLink": NEXT % "p2"}, {"@odata.context": CTX, "value": grecs[3:]}]),
    encoding="cp1252", expected=[ual_expected(GS), ual_expected(T), nm("no_modified_properties", U["id"]),
                                 nm("directory_sync", D["id"])])
# 106. Graph directoryAudits pages with `@odata.nextLink` before `value`, pretty-printed one
#     after another.
DA_CTX = "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits"
write("directory-audits-nextlink-first.json", "".join(json.dumps(p, indent=4) + "\n" for p in [
    {"@odata.context": DA_CTX, "@odata.nextLink": "https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=x",
     "value": audits[:3]}, {"@odata.context": DA_CTX, "value": audits[3:]}]), expected=ENTRA_EXPECTED)
# 107. Graph records through `Export-Csv -UseCulture` on a de-DE machine (';', dd.MM.yyyy
#     HH:mm:ss, UTF-8 with BOM) from hashtables: auditData became System.Collections.Hashtable.
write("graph-records-hashtable-de.csv", csv_text(GH, [
    [e["id"], de(e["time"]), "AzureActiveDirectory", op, ORG, "Regular", "10037FFE8C1D2E3F@woodgrove.example",
     "AzureActiveDirectory", e["victim"], e["upn"], e["ip"], "", "System.Collections.Hashtable"] for e, op in EVENTS],
    delimiter=";"), encoding="utf-8-sig", expected=[nm("audit_data_unusable", e["id"]) for e in (S, T, U, D)])


# ---- CloudAppEvents through the hunting APIs --------------------------------------------------------
def hunting_row(e, op, raw):
    user = e["kind"] == "User"
    return {"Timestamp": e["time"][:-1] + ".0000000Z", "ActionType": op, "Application": "Microsoft 365",
            "ApplicationId": 11161, "AccountObjectId": e["oid"] if user else "", "AccountDisplayName": e["upn"],
            "IPAddress": e["ip"], "IsAnonymousProxy": False if user else None, "ISP": "Woodgrove Fiber" if user else "",
            "ReportId": "%d_11161_%s" % (e["n"], e["id"]), "RawEventData": raw(ual(e, op))}


HUNT_EXPECTED = [portal_expected(S, "Woodgrove Fiber"), portal_expected(T), nm("no_modified_properties", U["id"]),
                 nm("directory_sync", D["id"])]
HUNT_SCHEMA = [{"name": k, "type": "String"} for k in hunting_row(S, STS, str)]
# 108. Graph `POST /security/runHuntingQuery` (huntingQueryResults: `schema` and `results`),
#     RawEventData as JSON text.
write("graph-run-hunting-query.json", json.dumps({
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
    "schema": HUNT_SCHEMA, "results": [hunting_row(e, op, lambda r: json.dumps(r, separators=(",", ":")))
                                       for e, op in EVENTS]}, indent=2), expected=HUNT_EXPECTED)
# 109. The Defender advanced hunting API response (`Stats`, `Schema`, `Results`, RawEventData
#     as an object), as saved from the REST call.
write("defender-api-run-response.json", json.dumps({
    "Stats": {"ExecutionTime": 0.5}, "Schema": [{"Name": s["name"], "Type": s["type"]} for s in HUNT_SCHEMA],
    "Results": [hunting_row(e, op, lambda r: r) for e, op in EVENTS]}, indent=2), expected=HUNT_EXPECTED)

# ---- AuditData cut by the service, in other CSV shapes ----------------------------------------------
# 110. Export-Csv -Encoding Unicode -Delimiter "`t", S's AuditData cut inside ModifiedProperties.
cut = sual_rows(us)
whole = cut[1][5]
cut[1][5] = whole[:whole.index('"ModifiedProperties"') + 40]
write("sual-cut-utf16-tab.csv", b"\xff\xfe" + csv_text(SUAL_H, cut, delimiter="\t").encode("utf-16-le"),
      expected=[nm("record_cut", S["id"]), ual_expected(T), nm("no_modified_properties", U["id"]),
                nm("directory_sync", D["id"])])
# 111. -UseCulture de-DE (';', UTF-8 with BOM), T's AuditData cut after 700 characters.
cut = sual_rows(de)
cut[2][5] = cut[2][5][:700]
write("sual-cut-useculture-de.csv", csv_text(SUAL_H, cut, delimiter=";"), encoding="utf-8-sig",
      expected=[ual_expected(S), nm("record_cut", T["id"]), nm("no_modified_properties", U["id"]),
                nm("directory_sync", D["id"])])

# ---- Overlapping collection folders ------------------------------------------------------------------
# 112. A collection folder with its CSV and, under Archive/, the same CSV gzip-compressed.
sual_csv = csv_text(SUAL_H, sual_rows(us))
os.makedirs(os.path.join(OUT, "overlapping-archive-copy", "Archive"), exist_ok=True)
open(os.path.join(OUT, "overlapping-archive-copy", "UAL.csv"), "wb").write(sual_csv.encode())
open(os.path.join(OUT, "overlapping-archive-copy", "Archive", "UAL.csv.gz"), "wb").write(
    gzip.compress(sual_csv.encode(), mtime=0))
expected_file("overlapping-archive-copy.expected.jsonl", UAL_EXPECTED)
# 113. The same records exported three times: UTF-8 (PowerShell 7), UTF-16LE (Export-Csv
#     -Encoding Unicode) and -UseCulture de-DE (';', dd.MM.yyyy).
os.makedirs(os.path.join(OUT, "overlapping-encodings"), exist_ok=True)
open(os.path.join(OUT, "overlapping-encodings", "UAL-utf8.csv"), "wb").write(sual_csv.encode())
open(os.path.join(OUT, "overlapping-encodings", "UAL-unicode.csv"), "wb").write(b"\xff\xfe" + sual_csv.encode("utf-16-le"))
open(os.path.join(OUT, "overlapping-encodings", "UAL-de.csv"), "wb").write(
    csv_text(SUAL_H, sual_rows(de), delimiter=";").encode("utf-8-sig"))
expected_file("overlapping-encodings.expected.jsonl", UAL_EXPECTED)

# ---- Windows-1252 in other columns ------------------------------------------------------------------
# 114. A Defender portal CSV saved by Excel (Windows-1252) whose only high bytes are in City
#     (Düsseldorf), a column the query does not return.
ASCII_S = dict(PS, upn="Joerg Schaefer")


def city_row(e, op):
    r = portal_row(e, op, us(e["time"]))
    r[8] = "Woodgrove Fiber" if r[8] else ""
    r[9] = "Düsseldorf"
    return r


write("portal-cp1252-city.csv", csv_text(PH, [city_row(e, op) for e, op in
                                              [(N, "Update user."), (ASCII_S, STS), (PT, STS), (U, STS), (D, STS)]],
                                         quote_all=False), encoding="cp1252",
      expected=[portal_expected(ASCII_S, "Woodgrove Fiber"), portal_expected(PT), nm("no_modified_properties", U["id"]),
                nm("directory_sync", D["id"])])
# 115. A Search-UnifiedAuditLog CSV opened and saved again by Excel (en-US): Windows-1252 (the
#     UserIds and AuditData of an actor with accented letters), fields quoted only where
#     needed, CreationDate in Excel's M/d/yyyy H:mm.
ES = dict(S, upn="Jörg.Schäfer@woodgrove.example")
write("sual-excel-cp1252.csv", csv_text(SUAL_H, sual_rows(us_minutes, [(N, "Update user."), (ES, STS), (T, STS),
                                                                      (U, STS), (D, STS)]), quote_all=False),
      encoding="cp1252", expected=[ual_expected(ES), ual_expected(T), nm("no_modified_properties", U["id"]),
                                   nm("directory_sync", D["id"])])
# 116. A portal CSV whose RawEventData a script pretty-printed: quoted cells over many lines (LF
#     inside, CRLF between rows).


def pretty_row(e, op):
    r = portal_row(e, op, us(e["time"]))
    r[12] = json.dumps(json.loads(r[12]), indent=2, ensure_ascii=False)
    return r


write("portal-rawevent-multiline.csv", csv_text(PH, [pretty_row(e, op) for e, op in PEV], quote_all=False),
      expected=PORTAL_EXPECTED)

# ---- Day-first and the other spellings of the time --------------------------------------------------
# 117. Log Analytics' "Export to CSV" of CloudAppEvents from an en-GB browser: `TimeGenerated
#     [UTC]` as dd/MM/yyyy, HH:mm:ss.fff (every day 12 or less; CreationTime settles it).
CAH = ["TimeGenerated [UTC]", "ActionType", "ApplicationId", "AccountObjectId", "AccountDisplayName", "IPAddress",
       "IsAnonymousProxy", "ISP", "ReportId", "RawEventData", "Type"]


def cae_row(e, op, date):
    user = e["kind"] == "User"
    return [date, op, "11161", e["oid"] if user else "", e["upn"], e["ip"], "false" if user else "",
            "Société Réseaux" if user else "", "%d_11161_%s" % (e["n"], e["id"]),
            json.dumps(ual(e, op), separators=(",", ":"), ensure_ascii=False), "CloudAppEvents"]


write("la-cloudappevents-en-gb.csv", csv_text(CAH, [cae_row(e, op, t(e["time"]).strftime("%d/%m/%Y, %H:%M:%S.000"))
                                                    for e, op in PEV], quote_all=False), expected=PORTAL_EXPECTED)
# 118. A Defender portal CSV with de-DE dates and seconds (dd.MM.yyyy HH:mm:ss), UTF-8 with BOM.
write("portal-de-de-seconds.csv", csv_text(PH, [portal_row(e, op, de(e["time"])) for e, op in PEV], quote_all=False),
      encoding="utf-8-sig", expected=PORTAL_EXPECTED)
# 119. ISO 8601 with a comma before the fraction of the seconds (ISO 8601-1 allows the comma
#     as decimal sign, and prefers it): 2024-11-05T16:42:19,123Z.
write("portal-iso-comma-fraction.csv", csv_text(PH, [portal_row(e, op, t(e["time"]).strftime("%Y-%m-%dT%H:%M:%S,123Z"))
                                                     for e, op in PEV], quote_all=False), expected=PORTAL_EXPECTED)
# 120. A portal CSV saved by Excel de-DE with the time formatted `TT.MM.JJJJ hh:mm:ss,000`
#     (Excel writes the fraction after the culture's decimal sign, a comma), ';'.
write("portal-excel-de-milliseconds.csv", csv_text(PH, [portal_row(e, op, t(e["time"]).strftime("%d.%m.%Y %H:%M:%S,000"))
                                                        for e, op in PEV], delimiter=";", quote_all=False),
      encoding="utf-8-sig", expected=PORTAL_EXPECTED)
# 121. Sentinel AuditLogs exported from a fr-FR browser: dd/MM/yyyy HH:mm:ss,fff. Every date
#     reads both ways and AuditLogs has no CreationTime; the comma before the fraction is
#     written only by cultures that write dates day-first.
write("sentinel-auditlogs-fr-fr.csv", csv_text(AH, [auditlogs_row_with(N, t(N["time"]).strftime("%d/%m/%Y %H:%M:%S,123"), "Update user")] +
                                               [auditlogs_row_with(e, t(e["time"]).strftime("%d/%m/%Y %H:%M:%S,123"))
                                                for e in (S, T, U, D)], quote_all=False),
      encoding="utf-8-sig", expected=ENTRA_EXPECTED)


# ---- Day-first dates in JSON ---------------------------------------------------------------------
# 122. A day-first Defender portal CSV (en-GB, dd/MM/yyyy HH:mm:ss) turned into JSON by
#     PowerShell 7 `Import-Csv | ConvertTo-Json`: every cell a string, RawEventData as text,
#     every day 12 or less. Each record's CreationTime tells the order.
write("portal-import-csv-convertto-json.json",
      json.dumps([dict(zip(PH, portal_row(e, op, t(e["time"]).strftime("%d/%m/%Y %H:%M:%S")))) for e, op in PEV],
                 indent=2, ensure_ascii=False), expected=PORTAL_EXPECTED)
# 123. The same rows one per line (`ConvertTo-Json -Compress` in a loop), de-DE dates with dots.
write("portal-import-csv-json-lines.jsonl",
      "".join(json.dumps(dict(zip(PH, portal_row(e, op, de(e["time"])))), ensure_ascii=False) + "\n" for e, op in PEV),
      expected=PORTAL_EXPECTED)

# ---- Local time named by the header -----------------------------------------------------------------
# 124. A Log Analytics CSV of CloudAppEvents whose time column's header names an offset rather
#     than UTC (`TimeGenerated [UTC+01:00]`, the portal's display time zone set to a fixed
#     offset): the times are UTC+01:00, en-US; each record's CreationTime tells the offset.


def la_local(s, h=1):
    d = t(s) + timedelta(hours=h)
    return "%d/%d/%d, %d:%02d:%02d.000 %s" % (d.month, d.day, d.year, (d.hour % 12) or 12, d.minute, d.second,
                                              "AM" if d.hour < 12 else "PM")


write("la-cloudappevents-utc-plus-one.csv", csv_text(["TimeGenerated [UTC+01:00]"] + CAH[1:],
                                                      [cae_row(e, op, la_local(e["time"])) for e, op in PEV],
                                                      quote_all=False), expected=PORTAL_EXPECTED)
assert PS and PT  # imported for the portal rows' names
