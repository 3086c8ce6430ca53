# Writes the next batch of tests/formats/variants (batch 13 on): further shapes of each class,
# each written from the public documentation of the tool or API that makes it (named above
# each file; synthetic values, the events and helpers of make_variants.py, expected minute
# counts computed here with Python datetime, independently of the Rust code). Importing
# make_variants writes its own files again (the same bytes). Run:
# python3 tests/formats/variants/make_variants3.py
import sys
sys.dont_write_bytecode = True  # no __pycache__ beside the committed files
import json
from datetime import datetime, timedelta, timezone

from make_variants import (  # noqa: E402
    D, EVENTS, N, ORG, PEV, PH, PORTAL_EXPECTED, S, STS, SUAL_H, T, U, UAL_EXPECTED, csv_text, minutes, nm, pages,
    portal_expected, portal_row, ps51_json, sual_row, t, ual, ual_expected, us, write)

# ---- Dates of other calendars and Excel's numbers ------------------------------------------------
# 78. .NET's th-TH culture (CultureInfo("th-TH"): its calendar is ThaiBuddhistCalendar, whose
#     year is the Gregorian year + 543; short date d/M/yyyy, long time H:mm:ss): a Defender
#     portal CSV saved by Excel on a Thai machine, 5/11/2567 16:42:19. The records'
#     CreationTime settles the order (every day is 12 or less).


def thai(s):
    d = t(s)
    return "%d/%d/%d %d:%02d:%02d" % (d.day, d.month, d.year + 543, d.hour, d.minute, d.second)


write("portal-th-th.csv", csv_text(PH, [portal_row(e, op, thai(e["time"])) for e, op in PEV], quote_all=False),
      expected=PORTAL_EXPECTED)

# 79. Excel's serial dates ("Date systems in Excel": the 1900 system counts days from
#     1900-01-01 as 1, with the 1900 leap-year bug, so day 0 is 1899-12-30): the portal CSV
#     opened in Excel, its Timestamp column formatted as Number and saved again, written with
#     4 decimals (45601.6961, about 8.6 s a unit). The value is coarse: the record's own
#     CreationTime lies within it and gives the second, so the expected minutes are the
#     event's own.


def serial(s):
    d = t(s) - datetime(1899, 12, 30, tzinfo=timezone.utc)
    return "%.4f" % (d.total_seconds() / 86400)


write("portal-excel-serial.csv", csv_text(PH, [portal_row(e, op, serial(e["time"])) for e, op in PEV], quote_all=False),
      expected=PORTAL_EXPECTED)

# 79b. Excel's 1904 date system ("Date systems in Excel": Excel 2008 for Mac and earlier, and
#     any workbook with "Use 1904 date system" ticked, count days from 1904-01-01; the serial
#     of a date is 1,462 fewer than in the 1900 system): the same portal CSV saved from such a
#     workbook, 44139.6961 for 2024-11-05 16:42. A CSV keeps no mark of the date system; the
#     records' CreationTime tells it, so the expected rows are those of the 1900 file.


def serial_1904(s):
    d = t(s) - datetime(1904, 1, 1, tzinfo=timezone.utc)
    return "%.4f" % (d.total_seconds() / 86400)


write("portal-excel-serial-1904.csv",
      csv_text(PH, [portal_row(e, op, serial_1904(e["time"])) for e, op in PEV], quote_all=False),
      expected=PORTAL_EXPECTED)

# ---- Encodings -------------------------------------------------------------------------------------
# 80. Excel for Mac's "Comma Separated Values (.csv)" and "Macintosh Comma Separated" saves
#     write the Mac OS Roman encoding ("Jörg Schäfer" as J\x9arg Sch\x8afer, which
#     Windows-1252 reads "Jšrg SchŠfer") with CR line ends.
write("portal-excel-mac-roman.csv", csv_text(PH, [portal_row(e, op, us(e["time"])) for e, op in PEV], quote_all=False,
                                             eol="\r"), encoding="mac_roman", expected=PORTAL_EXPECTED)
# 81. The same CSV saved again by a Mac text editor as "Western (Mac OS Roman)" with LF
#     line ends (TextEdit's and BBEdit's encoding menus).
write("portal-mac-roman-lf.csv", csv_text(PH, [portal_row(e, op, us(e["time"])) for e, op in PEV], quote_all=False,
                                          eol="\n"), encoding="mac_roman", expected=PORTAL_EXPECTED)
# 82. UTF-16LE without a byte order mark (.NET `new UnicodeEncoding(false, false)`, the
#     Encoding.Unicode of a StreamWriter told not to write one) whose names are not Latin:
#     Cyrillic characters have no NUL byte, CJK ones neither.
CY = dict(S, upn="Пётр Иванов")
write("portal-utf16le-nobom-cyrillic.csv",
      csv_text(PH, [portal_row(e, op, us(e["time"])) for e, op in [(N, "Update user."), (CY, STS), (T, STS), (U, STS),
                                                                   (D, STS)]],
               delimiter="\t", quote_all=False).encode("utf-16-le"),
      expected=[portal_expected(CY), portal_expected(T), nm("no_modified_properties", U["id"]),
                nm("directory_sync", D["id"])])
JA = dict(S, upn="山田太郎")
write("ual-lines-utf16le-nobom-cjk.jsonl",
      "".join(json.dumps(ual(e, op), ensure_ascii=False) + "\r\n"
              for e, op in [(N, "Update user."), (JA, STS), (T, STS), (U, STS), (D, STS)]).encode("utf-16-le"),
      expected=[ual_expected(JA), ual_expected(T), nm("no_modified_properties", U["id"]), nm("directory_sync", D["id"])])

# ---- Pages and blobs one after another ---------------------------------------------------------------
# 83. Graph audit log query pages (GET /security/auditLog/queries/{id}/records, each page
#     with its @odata.nextLink) appended with no separator at all (a paging loop writing
#     `$response.Content` with Add-Content -NoNewline, or `[IO.File]::AppendAllText`).
write("graph-pages-no-separator.json", "".join(json.dumps(p, separators=(",", ":")) for p in pages))
# 84. The pages each written by Windows PowerShell 5.1 `ConvertTo-Json | Out-File -Encoding
#     UTF8` (a BOM each) then joined with `cat` / `copy /b`: a BOM before the second page.
write("graph-pages-ps51-boms.json", b"".join(b"\xef\xbb\xbf" + ps51_json(p).encode() + b"\r\n" for p in pages))
# 85. Management Activity API content blobs (GET {contentUri}: a JSON array of records)
#     appended without a newline, and pretty-printed by ConvertTo-Json one after another.
blobs = [[ual(e, op) for e, op in EVENTS[:2]], [ual(e, op) for e, op in EVENTS[2:]]]
write("mgmt-api-blobs-no-separator.json", "".join(json.dumps(b) for b in blobs))
write("mgmt-api-blobs-ps51.json", "\r\n".join(ps51_json(b) for b in blobs) + "\r\n")

# ---- CSV columns in other orders ------------------------------------------------------------------------
# 86. Purview's new audit search export (Microsoft Purview portal > Audit > Export: RecordId,
#     CreationDate, RecordType, Operation, UserId, AuditData, AssociatedAdminUnits,
#     AssociatedAdminUnitsNames; UTF-8 with BOM, ISO dates with 7 decimals).
PVH = ["RecordId", "CreationDate", "RecordType", "Operation", "UserId", "AuditData", "AssociatedAdminUnits",
       "AssociatedAdminUnitsNames"]


def purview_row(e, op):
    return [e["id"], e["time"].replace("Z", ".0000000Z"), "AzureActiveDirectory", op, e["upn"],
            json.dumps(ual(e, op), separators=(",", ":")), "", ""]


write("purview-new-search.csv", csv_text(PVH, [purview_row(e, op) for e, op in EVENTS]), encoding="utf-8-sig")
# 87. Sentinel > Logs, CloudAppEvents exported "CSV (all columns)": TenantId first,
#     `TimeGenerated [UTC]` in the portal's en-US form, RawEventData in the middle, `Type` last.
SH = ["TenantId", "TimeGenerated [UTC]", "ActionType", "ApplicationId", "RawEventData", "AccountObjectId",
      "AccountDisplayName", "IPAddress", "IsAnonymousProxy", "ISP", "ReportId", "Type"]


def sentinel_row(e, op):
    user = e["kind"] == "User"
    d = t(e["time"])
    when = "%d/%d/%d, %d:%02d:%02d.000 %s" % (d.month, d.day, d.year, (d.hour % 12) or 12, d.minute, d.second,
                                              "AM" if d.hour < 12 else "PM")
    return [ORG, when, op, "11161", json.dumps(ual(e, op), separators=(",", ":")), e["oid"] if user else "",
            e["upn"], e["ip"], "false" if user else "", "Woodgrove Fiber" if user else "",
            "%d_11161_%s" % (e["n"], e["id"]), "CloudAppEvents"]


def cae_expected(e):
    user = e["kind"] == "User"
    return {"AccountObjectId": e["oid"] if user else "", "AccountDisplayName": e["upn"], "Role": e["kind"],
            "IPAddress": e["ip"], "IsAnonymousProxy": False if user else None, "ISP": "Woodgrove Fiber" if user else "",
            "tokenMinutesAdded": minutes(e["new"], e["old"]), "tokenMinutesRemaining": minutes(e["time"], e["new"])}


CAE_EXPECTED = [cae_expected(S), cae_expected(T), nm("no_modified_properties", U["id"]), nm("directory_sync", D["id"])]
write("sentinel-cae-rawevent-middle.csv", csv_text(SH, [sentinel_row(e, op) for e, op in EVENTS], quote_all=False),
      expected=CAE_EXPECTED)
# 88. A Defender advanced hunting query ending `| project RawEventData, ReportId, Timestamp,
#     ...` exported as CSV: RawEventData first.
AH2 = ["RawEventData", "ReportId", "Timestamp", "ActionType", "AccountDisplayName", "AccountObjectId", "IPAddress",
       "IsAnonymousProxy", "ISP"]


def ah_first_row(e, op):
    r = sentinel_row(e, op)
    return [r[4], r[10], e["time"].replace("Z", ".000Z"), op, r[6], r[5], r[7], r[8], r[9]]


write("ah-csv-rawevent-first.csv", csv_text(AH2, [ah_first_row(e, op) for e, op in EVENTS], quote_all=False),
      expected=CAE_EXPECTED)


# 89. The advanced hunting API's rows (JSON lines) from a tenant whose Timestamp a script
#     wrote in local time with .NET's "o" format: +05:45 (Nepal) and -03:30 (Newfoundland).
def ah_row(e, op, offset):
    user = e["kind"] == "User"
    return {"Timestamp": t(e["time"]).astimezone(timezone(offset)).isoformat(timespec="milliseconds"),
            "ActionType": op, "Application": "Microsoft 365", "ApplicationId": 11161,
            "AccountObjectId": e["oid"] if user else "", "AccountDisplayName": e["upn"], "IPAddress": e["ip"],
            "IsAnonymousProxy": False if user else None, "ISP": "Woodgrove Fiber" if user else "",
            "ReportId": "%d_11161_%s" % (e["n"], e["id"]), "RawEventData": ual(e, op)}


write("ah-offsets-quarter-hours.jsonl",
      "".join(json.dumps(ah_row(e, op, timedelta(hours=5, minutes=45) if i % 2 else -timedelta(hours=3, minutes=30)))
              + "\n" for i, (e, op) in enumerate(EVENTS)), expected=CAE_EXPECTED)

# ---- PowerShell 7 Export-Csv -UseQuotes (about Export-Csv: "AsNeeded: only quote fields that
#      contain a delimiter character, double-quote, or newline character"; "Never: don't quote
#      anything") -------------------------------------------------------------------------------------


def as_needed(rows):
    quote = lambda c: '"%s"' % c.replace('"', '""') if any(x in c for x in ',"\r\n') else c  # noqa: E731
    return "".join(",".join(quote(c) for c in r) + "\r\n" for r in rows)


SUAL_ROWS = [sual_row(e, op, i + 1, us(e["time"])) for i, (e, op) in enumerate(EVENTS)]
# 90. -UseQuotes AsNeeded: AuditData quoted (it holds commas and quotes), the rest bare.
write("sual-usequotes-asneeded.csv", as_needed([SUAL_H] + SUAL_ROWS))
# 91. -UseQuotes Never, Purview's columns: AuditData is the 6th of 8 columns, split at its
#     commas; the other columns hold no comma, so its place frames it. And one more row whose
#     UserId holds a comma ("Berg, Zoe"): its columns cannot be framed without doubt, so it
#     is reported and skipped with the cause, never read wrong.
write("purview-usequotes-never.csv", "".join(",".join(r) + "\r\n" for r in [PVH] + [
    [e["id"], e["time"], "AzureActiveDirectory", op, e["upn"], json.dumps(ual(e, op), separators=(",", ":")), "", ""]
    for e, op in EVENTS] + [[N["id"], N["time"], "AzureActiveDirectory", "Update user.", "Berg, Zoe",
                             json.dumps(ual(N, "Update user."), separators=(",", ":")), "", ""]]))

# ---- PowerShell 7 ConvertTo-Json at its default depth (2) ------------------------------------------------
# 92. Search-UnifiedAuditLog results whose AuditData a script had turned into a hashtable
#     (ConvertFrom-Json -AsHashtable) before ConvertTo-Json: at depth 2 the hashtable is
#     written as its type name. Not evaluable: near misses under each record's Identity.
write("sual-ps7-hashtable.json", json.dumps([
    {"RunspaceId": "4d4d4d4d-0000-4000-8000-000000000001", "RecordType": "AzureActiveDirectory",
     "CreationDate": e["time"], "UserIds": e["upn"], "Operations": op, "AuditData": "System.Collections.Hashtable",
     "ResultIndex": i + 1, "ResultCount": 5, "Identity": e["id"], "IsValid": True, "ObjectState": "Unchanged"}
    for i, (e, op) in enumerate(EVENTS)], indent=2), expected=[nm("audit_data_unusable", e["id"]) for e in (S, T, U, D)])
assert UAL_EXPECTED  # the default expectation of write(), used by the files without their own
