# Part of tests/formats/variants/make_variants.py: Encodings (UTF-16 with and without BOM, UTF-8
# BOM, Windows-1252, Excel's Unicode Text),
# dates of other locales and offsets, and the Graph records' Export-Csv of objects.
from variants_sual import *  # noqa: F401,F403 (the names of the parts before)
# ---- Encodings ---------------------------------------------------------------------------------
lines = "".join(json.dumps(ual(e, op), ensure_ascii=False) + "\r\n" for e, op in EVENTS)
# 11. UAL JSON lines in UTF-16LE without a BOM (a .NET StreamWriter with new UnicodeEncoding(false, false)).
write("ual-lines-utf16le-nobom.jsonl", lines.encode("utf-16-le"))
# 12. UTF-16BE with a BOM (Out-File -Encoding BigEndianUnicode).
write("ual-lines-utf16be-bom.jsonl", b"\xfe\xff" + lines.encode("utf-16-be"))
# 13. UTF-8 with a BOM (Out-File -Encoding UTF8 in Windows PowerShell 5.1).
write("ual-lines-utf8-bom.jsonl", lines, encoding="utf-8-sig")
# 14. Export-Csv -Encoding Unicode (UTF-16LE with a BOM), en-US dates.
write("sual-export-csv-utf16.csv",
      b"\xff\xfe" + csv_text(SUAL_H, [sual_row(e, op, i + 1, us(e["time"])) for i, (e, op) in enumerate(EVENTS)]).encode("utf-16-le"))

# 15. A Defender portal CloudAppEvents CSV opened in Excel (de-DE) and saved as "CSV (;)":
#     Windows-1252, ';', Excel's own date form dd.MM.yyyy HH:mm (no seconds), names with ö, é.
PH = ["Timestamp", "ActionType", "Application", "ApplicationId", "AccountObjectId", "AccountDisplayName", "IPAddress",
      "IsAnonymousProxy", "ISP", "City", "CountryCode", "ReportId", "RawEventData"]
PS = dict(S, upn="Jörg Schäfer")
PT = dict(T)


def portal_row(e, op, date):
    user = e["kind"] == "User"
    raw = ual(e, op)
    return [date, op, "Microsoft 365", "11161", e["oid"] if user else "", e["upn"], e["ip"], "FALSE" if user else "",
            "Société Réseaux" if user else "", "köln", "DE", "%d_11161_%s" % (e["n"], e["id"]),
            json.dumps(raw, separators=(",", ":"), ensure_ascii=False)]


def portal_expected(e, isp="Société Réseaux"):
    user = e["kind"] == "User"
    return {"AccountObjectId": e["oid"] if user else "", "AccountDisplayName": e["upn"], "Role": e["kind"],
            "IPAddress": e["ip"], "IsAnonymousProxy": False if user else None, "ISP": isp if user else "",
            "tokenMinutesAdded": minutes(e["new"], e["old"]), "tokenMinutesRemaining": minutes(e["time"], e["new"])}


PEV = [(N, "Update user."), (PS, STS), (PT, STS), (U, STS), (D, STS)]
PORTAL_EXPECTED = [portal_expected(PS), portal_expected(PT), nm("no_modified_properties", U["id"]),
                   nm("directory_sync", D["id"])]
write("portal-excel-de-cp1252.csv",
      csv_text(PH, [portal_row(e, op, t(e["time"]).strftime("%d.%m.%Y %H:%M")) for e, op in PEV], delimiter=";",
               quote_all=False), encoding="cp1252", expected=PORTAL_EXPECTED)

# 16. Excel "Unicode Text": UTF-16LE with a BOM, tab-delimited, en-US dates.
write("portal-excel-unicode-text.csv",
      b"\xff\xfe" + csv_text(PH, [portal_row(e, op, us(e["time"])) for e, op in PEV], delimiter="\t",
                             quote_all=False).encode("utf-16-le"), expected=PORTAL_EXPECTED)

# ---- Dates ---------------------------------------------------------------------------------------
# 17. en-GB, 24 h: dd/MM/yyyy HH:mm:ss; every day is 12 or less (the CreationTime settles it).
write("portal-en-gb-24h.csv", csv_text(PH, [portal_row(e, op, gb(e["time"])) for e, op in PEV], quote_all=False),
      expected=PORTAL_EXPECTED)


# 18. d/M/yyyy h:mm:ss tt (en-AU, en-NZ): day first, 12 h with AM/PM.
def dmy12(s):
    d = t(s)
    return "%d/%d/%d %d:%02d:%02d %s" % (d.day, d.month, d.year, (d.hour % 12) or 12, d.minute, d.second,
                                          "am" if d.hour < 12 else "pm")


write("portal-dmy-12h.csv", csv_text(PH, [portal_row(e, op, dmy12(e["time"])) for e, op in PEV], quote_all=False),
      expected=PORTAL_EXPECTED)

# 19. ISO 8601 with offsets: CloudAppEvents JSON lines of the advanced hunting API with
#     Timestamp in -05:00 and +05:30, and CreationTime with an offset inside RawEventData.


def ah_row(e, op, offset_h, offset_m=0):
    d = t(e["time"]) + timedelta(hours=offset_h, minutes=offset_m)
    sign = "+" if offset_h >= 0 else "-"
    ts = d.strftime("%Y-%m-%dT%H:%M:%S.0000000") + "%s%02d:%02d" % (sign, abs(offset_h), offset_m)
    user = e["kind"] == "User"
    return {"Timestamp": ts, "ActionType": op, "Application": "Microsoft 365", "ApplicationId": 11161,
            "AccountObjectId": e["oid"] if user else None, "AccountDisplayName": e["upn"], "IPAddress": e["ip"],
            "IsAnonymousProxy": False if user else None, "ISP": "Woodgrove Fiber" if user else None,
            "ReportId": "%d_11161_%s" % (e["n"], e["id"]),
            "RawEventData": ual(e, op, creation=d.strftime("%Y-%m-%dT%H:%M:%S") + "%s%02d:%02d" % (sign, abs(offset_h), offset_m))}


write("ah-api-offsets.jsonl", "".join(json.dumps(ah_row(e, op, h, m)) + "\n" for (e, op), (h, m) in
                                      zip(EVENTS, [(-5, 0), (5, 30), (-5, 0), (0, 0), (1, 0)])),
      expected=[portal_expected(S, "Woodgrove Fiber"), portal_expected(T), nm("no_modified_properties", U["id"]),
                nm("directory_sync", D["id"])])

# 20. Every date reads both ways and nothing in the file settles it: a Sentinel AuditLogs
#     portal CSV (no CreationTime; its values are ISO), written month-first as the Log
#     Analytics portal writes en-US: read month-first, and the file says so.
AH = ["TimeGenerated [UTC]", "OperationName", "Category", "Result", "CorrelationId", "Id", "InitiatedBy",
      "TargetResources", "ActivityDateTime [UTC]", "ActivityDisplayName", "LoggedByService", "Type"]


def la_us(s):
    d = t(s)
    return "%d/%d/%d, %d:%02d:%02d.123 %s" % (d.month, d.day, d.year, (d.hour % 12) or 12, d.minute, d.second,
                                              "AM" if d.hour < 12 else "PM")


def auditlogs_row(e, op=ENTRA_STS):
    a = directory_audit(e, op)
    return [la_us(e["time"]), op, "UserManagement", "success", a["correlationId"], a["id"],
            json.dumps(a["initiatedBy"], separators=(",", ":")), json.dumps(a["targetResources"], separators=(",", ":")),
            la_us(e["time"]), op, "Core Directory", "AuditLogs"]


write("sentinel-auditlogs-ambiguous.csv",
      csv_text(AH, [auditlogs_row(N, "Update user"), auditlogs_row(S), auditlogs_row(T), auditlogs_row(U), auditlogs_row(D)],
               quote_all=False),
      encoding="utf-8-sig", expected=ENTRA_EXPECTED)

# ---- More locales and encodings ----------------------------------------------------------------
# 21. ja-JP: yyyy/MM/dd H:mm:ss.
write("portal-ja-jp.csv", csv_text(PH, [portal_row(e, op, t(e["time"]).strftime("%Y/%m/%d ") + "%d:%s" % (
    t(e["time"]).hour, t(e["time"]).strftime("%M:%S"))) for e, op in PEV], quote_all=False), expected=PORTAL_EXPECTED)
# 22. nl-NL: dd-MM-yyyy HH:mm:ss (every day 12 or less; the CreationTime settles it).
write("portal-nl-nl.csv", csv_text(PH, [portal_row(e, op, t(e["time"]).strftime("%d-%m-%Y %H:%M:%S")) for e, op in PEV],
                                   quote_all=False), expected=PORTAL_EXPECTED)
# 23. sv-SE (and Excel's yyyy-mm-dd hh:mm:ss): ISO with a space, no zone.
write("portal-sv-se.csv", csv_text(PH, [portal_row(e, op, t(e["time"]).strftime("%Y-%m-%d %H:%M:%S")) for e, op in PEV],
                                   quote_all=False), expected=PORTAL_EXPECTED)


# 24. Excel en-US saving again: M/d/yyyy H:mm (24 h, no seconds).
def us_minutes(s):
    d = t(s)
    return "%d/%d/%d %d:%02d" % (d.month, d.day, d.year, d.hour, d.minute)


write("portal-excel-us-minutes.csv", csv_text(PH, [portal_row(e, op, us_minutes(e["time"])) for e, op in PEV],
                                              quote_all=False), expected=PORTAL_EXPECTED)


# 25. A Sentinel AuditLogs CSV from a de-DE browser: d.M.yyyy, HH:mm:ss.fff. Dates written
#     with dots are day-first in every culture that writes them, so nothing is ambiguous.
def la_de(s):
    d = t(s)
    return "%d.%d.%d, %s.123" % (d.day, d.month, d.year, d.strftime("%H:%M:%S"))


def auditlogs_row_with(e, date, op=ENTRA_STS):
    r = auditlogs_row(e, op)
    r[0] = date
    r[8] = date
    return r


write("sentinel-auditlogs-de-de.csv",
      csv_text(AH, [auditlogs_row_with(N, la_de(N["time"]), "Update user")] +
               [auditlogs_row_with(e, la_de(e["time"])) for e in (S, T, U, D)], quote_all=False),
      encoding="utf-8-sig", expected=ENTRA_EXPECTED)

# 26. Purview audit search CSV from a fr-FR machine: dd/MM/yyyy HH:mm:ss.
PURVIEW_H = ["RecordId", "CreationDate", "RecordType", "Operation", "UserId", "AuditData", "AssociatedAdminUnits",
             "AssociatedAdminUnitsNames"]
write("purview-fr-fr.csv", csv_text(PURVIEW_H, [[e["id"], gb(e["time"]), "8", op, e["upn"],
                                                 json.dumps(ual(e, op), separators=(",", ":")), "", ""]
                                                for e, op in EVENTS], quote_all=False))
# 27. Export-Csv -Encoding BigEndianUnicode without its BOM (a file cut from a larger one).
write("sual-export-csv-utf16be-nobom.csv",
      csv_text(SUAL_H, [sual_row(e, op, i + 1, us(e["time"])) for i, (e, op) in enumerate(EVENTS)]).encode("utf-16-be"))
# 28. UAL JSON lines in Windows-1252 (Out-File -Encoding Default in Windows PowerShell 5.1),
#     an application named with accented letters.
TA = dict(T, upn="Société Token Tool")
w1252 = [(N, "Update user."), (S, STS), (TA, STS), (U, STS), (D, STS)]
write("ual-lines-cp1252.jsonl", "".join(json.dumps(ual(e, op), ensure_ascii=False) + "\r\n" for e, op in w1252),
      encoding="cp1252", expected=[ual_expected(S), ual_expected(TA), nm("no_modified_properties", U["id"]),
                                   nm("directory_sync", D["id"])])
# 29. The UTF-16LE file compressed (Compress-Archive is zip; gzip by a collector script).
import gzip
write("ual-lines-utf16le.jsonl.gz", gzip.compress(b"\xff\xfe" + lines.encode("utf-16-le"), mtime=0))
# 30. A portal CSV with ISO offsets in the Timestamp column.
write("portal-iso-offsets.csv", csv_text(PH, [portal_row(e, op, local_iso(e["time"], 2).replace("+", ".000+"))
                                              for e, op in PEV], quote_all=False), expected=PORTAL_EXPECTED)
# 31. Graph audit query records written by Export-Csv from objects: auditData became '@{…}'.
GH = ["id", "createdDateTime", "auditLogRecordType", "operation", "organizationId", "userType", "userId", "service",
      "objectId", "userPrincipalName", "clientIp", "administrativeUnits", "auditData"]
write("graph-records-object-text.csv",
      "#TYPE Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphSecurityAuditLogRecord\r\n" +
      csv_text(GH, [[e["id"], us(e["time"]), "azureActiveDirectory", op, ORG, "regular", "10037FFE8C1D2E3F@woodgrove.example",
                     "AzureActiveDirectory", e["victim"], e["upn"], e["ip"], "System.String[]",
                     "Microsoft.Graph.Beta.PowerShell.Models.MicrosoftGraphSecurityAuditData"] for e, op in EVENTS]),
      expected=[nm("audit_data_unusable", e["id"]) for e in (S, T, U, D)])
