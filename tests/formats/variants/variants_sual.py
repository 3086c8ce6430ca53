# Part of tests/formats/variants/make_variants.py: Search-UnifiedAuditLog results as PowerShell
# collection scripts save them (Export-Csv
# with #TYPE, -UseCulture, ConvertTo-Json of 5.1 and 7).
from variants_graph import *  # noqa: F401,F403 (the names of the parts before)
# ---- Search-UnifiedAuditLog, PowerShell collection scripts -----------------------------------
SUAL_H = ["RunspaceId", "RecordType", "CreationDate", "UserIds", "Operations", "AuditData", "ResultIndex", "ResultCount",
          "Identity", "IsValid", "ObjectState"]


def sual_row(e, op, i, date):
    return ["4d4d4d4d-0000-4000-8000-000000000001", "AzureActiveDirectory", date, e["upn"], op,
            json.dumps(ual(e, op), separators=(",", ":")), str(i), "5", e["id"], "True", "Unchanged"]


def us(s):
    d = t(s)
    return "%d/%d/%d %d:%02d:%02d %s" % (d.month, d.day, d.year, (d.hour % 12) or 12, d.minute, d.second,
                                          "AM" if d.hour < 12 else "PM")


def de(s):
    return t(s).strftime("%d.%m.%Y %H:%M:%S")


def gb(s):
    return t(s).strftime("%d/%m/%Y %H:%M:%S")


# 7. Windows PowerShell 5.1 Export-Csv without -NoTypeInformation: the '#TYPE' line, every
#    field quoted, CRLF, ASCII, en-US dates.
write("sual-export-csv-type-line.csv",
      "#TYPE System.Management.Automation.PSCustomObject\r\n" +
      csv_text(SUAL_H, [sual_row(e, op, i + 1, us(e["time"])) for i, (e, op) in enumerate(EVENTS)]), encoding="ascii")

# 8. Export-Csv -UseCulture on a de-DE machine: ';', dd.MM.yyyy HH:mm:ss, UTF-8 with BOM,
#    -NoTypeInformation; AuditData pretty-printed by the script (a quoted cell over many lines).
rows = []
for i, (e, op) in enumerate(EVENTS):
    r = sual_row(e, op, i + 1, de(e["time"]))
    r[5] = json.dumps(ual(e, op), indent=4).replace("\n", "\r\n")
    rows.append(r)
write("sual-useculture-de.csv", csv_text(SUAL_H, rows, delimiter=";"), encoding="utf-8-sig")

# 9. Windows PowerShell 5.1 ConvertTo-Json of the one result of a search: a single object, not
#    an array; CreationDate as \/Date(ms)\/, RecordType as a number, AuditData as text.
ms = int(t(S["time"]).timestamp() * 1000)
single = {"RunspaceId": "4d4d4d4d-0000-4000-8000-000000000001", "RecordType": 8,
          "CreationDate": "\\/Date(%d)\\/" % ms, "UserIds": S["upn"], "Operations": STS,
          "AuditData": json.dumps(ual(S), separators=(",", ":")), "ResultIndex": 1, "ResultCount": 1,
          "Identity": S["id"], "IsValid": True, "ObjectState": "Unchanged"}
write("sual-ps51-single-object.json", ps51_json(single).replace("\\\\/Date(", "\\/Date(").replace(")\\\\/", ")\\/"),
      encoding="utf-8-sig", expected=[ual_expected(S)])

# 10. PowerShell 7 ConvertTo-Json where CreationDate is a local DateTime (written with its
#     offset), AuditData as text, in a UTC+01:00 zone.


def local_iso(s, h=1):
    return (t(s) + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%S") + "+%02d:00" % h


objs = [{"PSComputerName": "outlook.office365.com", "RunspaceId": "4d4d4d4d-0000-4000-8000-000000000001",
         "PSShowComputerName": False, "RecordType": "AzureActiveDirectory", "CreationDate": local_iso(e["time"]),
         "UserIds": e["upn"], "Operations": op, "AuditData": json.dumps(ual(e, op), separators=(",", ":")),
         "ResultIndex": i + 1, "ResultCount": 5, "Identity": e["id"], "IsValid": True, "ObjectState": "Unchanged"}
        for i, (e, op) in enumerate(EVENTS)]
write("sual-ps7-local-offset.json", json.dumps(objs, indent=2))
