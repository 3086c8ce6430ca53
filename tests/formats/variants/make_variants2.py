# Writes more files of tests/formats/variants (batch 7 on): further shapes of each class, each
# written from the public documentation of the tool or API that makes it (named above each
# file; synthetic values, the events and helpers of make_variants.py). Importing
# make_variants writes its own files again (the same bytes). Run:
# python3 tests/formats/variants/make_variants2.py
import sys
sys.dont_write_bytecode = True  # no __pycache__ beside the committed files
import csv, gzip, io, json, os, sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_variants import (  # noqa: E402
    D, EVENTS, ENTRA_EXPECTED, N, OUT, PEV, PH, PORTAL_EXPECTED, PS, PT, S, STS, SUAL_H, T, U, UAL_EXPECTED, ORG,
    csv_text, directory_audit, entra_expected, entra_id, h12, minutes, nm, portal_expected, portal_row, ps51_json,
    sual_row, t, ual, ual_expected, us, write)

# ---- Encodings ---------------------------------------------------------------------------------
lines = "".join(json.dumps(ual(e, op), ensure_ascii=False) + "\r\n" for e, op in EVENTS)
# 52. Out-File -Encoding UTF32 (Windows PowerShell 5.1, about_Character_Encoding: UTF-32
#     little-endian with a BOM, FF FE 00 00), UAL JSON lines.
write("ual-lines-utf32le.jsonl", b"\xff\xfe\x00\x00" + lines.encode("utf-32-le"))
# 53. Two UTF-8-with-BOM JSON-lines files joined byte for byte (copy /b a.json+b.json, or
#     Out-File -Encoding UTF8 of each batch then cat): the second BOM starts a line.
write("ual-lines-joined-boms.jsonl",
      b"".join(("\ufeff" + "".join(json.dumps(ual(e, op)) + "\r\n" for e, op in part)).encode("utf-8")
               for part in (EVENTS[:2], EVENTS[2:])))
# 54. Windows-1252 whose only high bytes are punctuation: Excel-saved portal CSV where a
#     display name has a typographic apostrophe (O’Brien, 0x92) and an ISP a dash (0x96).
QS = dict(S, upn="Seán O’Brien")
QEV = [(N, "Update user."), (QS, STS), (PT, STS), (U, STS), (D, STS)]


def smart_row(e, op, date):
    r = portal_row(e, op, date)
    if e["kind"] == "User":
        r[8] = "Woodgrove – Fiber “Business”"
    return r


write("portal-cp1252-smart-quotes.csv",
      csv_text(PH, [smart_row(e, op, us(e["time"])) for e, op in QEV], quote_all=False), encoding="cp1252",
      expected=[portal_expected(QS, "Woodgrove – Fiber “Business”"), portal_expected(PT),
                nm("no_modified_properties", U["id"]), nm("directory_sync", D["id"])])

# ---- CSV framing ---------------------------------------------------------------------------------
# 55. Export-Csv -Delimiter '|' (Export-Csv documents -Delimiter for any character; scripts
#     use '|' because AuditData is full of commas), -NoTypeInformation, UTF-8.
write("sual-export-csv-pipe.csv",
      csv_text(SUAL_H, [sual_row(e, op, i + 1, us(e["time"])) for i, (e, op) in enumerate(EVENTS)], delimiter="|"))

# ---- Dates ---------------------------------------------------------------------------------------


def fmt_rows(fmt):
    return [portal_row(e, op, fmt(t(e["time"]))) for e, op in PEV]


# 56. .NET's full date/time pattern "F" of en-US (dddd, MMMM d, yyyy h:mm:ss tt): Get-Date's
#     display, a script's "$date" in a culture-aware ToString('F').
write("portal-long-date-en-us.csv", csv_text(PH, fmt_rows(lambda d: d.strftime("%A, %B ") + "%d, %d %d:%s %s" % (
    d.day, d.year, h12(d), d.strftime("%M:%S"), "AM" if d.hour < 12 else "PM"))), expected=PORTAL_EXPECTED)
# 57. en-GB "F" (dd MMMM yyyy HH:mm:ss), de-DE "F" (dddd, d. MMMM yyyy HH:mm:ss) and fr-FR "F"
#     (dddd d MMMM yyyy HH:mm:ss): the month named in the culture's language.
DE_MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember"]
DE_DAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]
FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
write("portal-long-date-en-gb.csv", csv_text(PH, fmt_rows(lambda d: d.strftime("%d %B %Y %H:%M:%S"))),
      expected=PORTAL_EXPECTED)
write("portal-long-date-de-de.csv", csv_text(PH, fmt_rows(lambda d: "%s, %d. %s %d %s" % (
    DE_DAYS[d.weekday()], d.day, DE_MONTHS[d.month - 1], d.year, d.strftime("%H:%M:%S"))), delimiter=";"),
      encoding="utf-8-sig", expected=PORTAL_EXPECTED)
write("portal-long-date-fr-fr.csv", csv_text(PH, fmt_rows(lambda d: "%s %d %s %d %s" % (
    FR_DAYS[d.weekday()], d.day, FR_MONTHS[d.month - 1], d.year, d.strftime("%H:%M:%S"))), delimiter=";"),
      encoding="utf-8-sig", expected=PORTAL_EXPECTED)
# 58. RFC 1123 (Get-Date -Format R, .NET "R"; HTTP dates): ddd, dd MMM yyyy HH:mm:ss GMT.
write("portal-rfc1123.csv", csv_text(PH, fmt_rows(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT"))),
      expected=PORTAL_EXPECTED)
# 59. dd-MMM-yyyy HH:mm:ss (Excel's d-mmm-yyyy display, en-IE/en-GB scripts), and Kusto's
#     own text of a datetime with ' UTC' (Azure Data Explorer web UI copy, "yyyy-MM-dd HH:mm:ss.fffffff UTC").
write("portal-dd-mmm-yyyy.csv", csv_text(PH, fmt_rows(lambda d: d.strftime("%d-%b-%Y %H:%M:%S"))),
      expected=PORTAL_EXPECTED)
write("portal-utc-suffix.csv", csv_text(PH, fmt_rows(lambda d: d.strftime("%Y-%m-%d %H:%M:%S.0000000 UTC"))),
      expected=PORTAL_EXPECTED)
# 60. ISO 8601 with an offset without its colon (+0100: .NET "zzz" is with, but Python,
#     strftime %z and many collectors write it so), 7 fractional digits.
write("portal-iso-offset-nocolon.csv",
      csv_text(PH, fmt_rows(lambda d: (d + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.1234567+0100"))),
      expected=PORTAL_EXPECTED)

# ---- PowerShell objects written as text ----------------------------------------------------------
# 61. The advanced hunting API called with Invoke-RestMethod (the JSON becomes objects) and
#     its Results piped to Export-Csv: RawEventData is the object's text '@{CreationTime=…;
#     ModifiedProperties=System.Object[]; …}', the rule cannot read it.


def at_text(value):
    def leaf(v):
        if isinstance(v, list):
            return "System.Object[]"
        if isinstance(v, dict):
            return at_text(v)
        if v is None:
            return ""
        if isinstance(v, bool):
            return "True" if v else "False"
        return str(v)
    return "@{" + "; ".join("%s=%s" % (k, leaf(v)) for k, v in value.items()) + "}"


AHH = ["Timestamp", "ActionType", "Application", "ApplicationId", "AccountObjectId", "AccountDisplayName", "IPAddress",
       "IsAnonymousProxy", "ISP", "ReportId", "RawEventData"]


def ah_csv_row(e, op):
    user = e["kind"] == "User"
    return [e["time"].replace("Z", ".0000000Z"), op, "Microsoft 365", "11161", e["oid"] if user else "", e["upn"],
            e["ip"], "False" if user else "", "Woodgrove Fiber" if user else "", "%d_11161_%s" % (e["n"], e["id"]),
            at_text(ual(e, op))]


write("ah-api-irm-export-csv.csv", "#TYPE System.Management.Automation.PSCustomObject\r\n" +
      csv_text(AHH, [ah_csv_row(e, op) for e, op in EVENTS]),
      expected=[nm("audit_data_unusable", e["id"]) for e in (S, T, U, D)])

# 62. Get-AzureADAuditDirectoryLogs (AzureADPreview, used by AzureADIncidentResponse) |
#     Export-Csv: the nested objects become their ToString(): InitiatedBy 'class
#     AuditActivityInitiator {…}' over several lines, TargetResources the list's type name.
AADH = ["Id", "Category", "CorrelationId", "Result", "ResultReason", "ActivityDisplayName", "ActivityDateTime",
        "LoggedByService", "OperationType", "InitiatedBy", "TargetResources", "AdditionalDetails"]


def aad_row(e, op="Update StsRefreshTokenValidFrom Timestamp"):
    a = directory_audit(e, op)
    who = ("class AuditActivityInitiator {\n  User: class UserIdentity {\n    Id: %s\n    DisplayName: \n"
           "    Ip: %s\n    UserPrincipalName: %s\n  }\n\n  App: \n}\n" % (e["oid"], e["ip"], e["upn"]))
    return [a["id"], "UserManagement", a["correlationId"], "success", "", op, e["time"].replace("Z", ".1234567Z"),
            "Core Directory", "Update", who,
            "System.Collections.Generic.List`1[Microsoft.Open.MSGraph.Model.TargetResource]",
            "System.Collections.Generic.List`1[Microsoft.Open.MSGraph.Model.KeyValue]"]


write("aad-preview-export-csv.csv", "#TYPE Microsoft.Open.MSGraph.Model.DirectoryAudit\r\n" +
      csv_text(AADH, [aad_row(N, "Update user")] + [aad_row(e) for e in (S, T, U, D)]),
      expected=[nm("audit_data_unusable", entra_id(e)) for e in (S, T, U, D)])

# 63. Get-AzureADAuditDirectoryLogs | ConvertTo-Json -Depth 10 (Windows PowerShell 5.1):
#     PascalCase, InitiatedBy.User.Ip (not IpAddress), ModifiedProperties' DisplayName.


def aad_json(e, op="Update StsRefreshTokenValidFrom Timestamp"):
    a = directory_audit(e, op)
    if e["kind"] == "User":
        ib = {"App": None, "User": {"Id": e["oid"], "DisplayName": None, "Ip": e["ip"], "UserPrincipalName": e["upn"]}}
    else:
        ib = {"App": {"AppId": "abcdabcd-0000-4000-8000-0000000000a1", "DisplayName": e["upn"],
                      "ServicePrincipalId": e["oid"], "ServicePrincipalName": None}, "User": None}
    tr = [{"Id": r["id"], "DisplayName": None, "Type": "User", "UserPrincipalName": r["userPrincipalName"],
           "GroupType": None,
           "ModifiedProperties": [{"DisplayName": p["displayName"], "OldValue": p["oldValue"], "NewValue": p["newValue"]}
                                  for p in r["modifiedProperties"]]} for r in a["targetResources"]]
    return {"Id": a["id"], "Category": "UserManagement", "CorrelationId": a["correlationId"], "Result": "success",
            "ResultReason": "", "ActivityDisplayName": op, "ActivityDateTime": a["activityDateTime"],
            "LoggedByService": "Core Directory", "OperationType": "Update", "InitiatedBy": ib, "TargetResources": tr,
            "AdditionalDetails": [{"Key": "UserType", "Value": "Member"}]}


write("aad-preview-depth10.json", ps51_json([aad_json(N, "Update user")] + [aad_json(e) for e in (S, T, U, D)]),
      encoding="utf-8-sig", expected=ENTRA_EXPECTED)

# ---- Management Activity API --------------------------------------------------------------------
# 64. Content blobs (GET contentUri returns a JSON array of records) saved one after another
#     in one file by a script (each blob on one line, as the service sends it).
write("mgmt-api-blobs.json", "".join(json.dumps([ual(e, op) for e, op in part], separators=(",", ":")) + "\n"
                                     for part in (EVENTS[:2], EVENTS[2:])))

# ---- The Entra admin center's Download (CSV) ------------------------------------------------------
# 65. The download's columns (as public scripts that process it list them: Date (UTC),
#     CorrelationId, …, Target1ModifiedProperty1Name…, AdditionalDetail1Key…) with an `Id`
#     column in front (a download re-exported by a tool that keeps the record's id), beside
#     the JSON download of the same records: each event is read once, by its id.
EH = ["Date (UTC)", "CorrelationId", "Service", "Category", "Activity", "Result", "ResultReason", "User Agent",
      "ActorType", "ActorDisplayName", "ActorObjectId", "ActorUserPrincipalName", "IPAddress", "ActorHomeTenantId",
      "ActorHomeTenantName", "ActorServicePrincipalId", "ActorServicePrincipalName"]
for tn in (1, 2, 3):
    EH += ["Target%d%s" % (tn, c) for c in ("Type", "DisplayName", "ObjectId", "UserPrincipalName")]
    for pn in range(1, 6):
        EH += ["Target%dModifiedProperty%d%s" % (tn, pn, c) for c in ("Name", "OldValue", "NewValue")]
for dn in range(1, 7):
    EH += ["AdditionalDetail%dKey" % dn, "AdditionalDetail%dValue" % dn]


def download_row(e, op="Update StsRefreshTokenValidFrom Timestamp"):
    a = directory_audit(e, op)
    r = {"Id": a["id"], "Date (UTC)": a["activityDateTime"], "CorrelationId": a["correlationId"],
         "Service": "Core Directory", "Category": "UserManagement", "Activity": op, "Result": "success"}
    if e["kind"] == "User":
        r.update({"ActorType": "User", "ActorObjectId": e["oid"], "ActorUserPrincipalName": e["upn"], "IPAddress": e["ip"]})
    else:
        r.update({"ActorType": "Application", "ActorDisplayName": e["upn"], "ActorServicePrincipalId": e["oid"],
                  "ActorServicePrincipalName": e["upn"]})
    tr = a["targetResources"][0]
    r.update({"Target1Type": "User", "Target1ObjectId": tr["id"], "Target1UserPrincipalName": tr["userPrincipalName"]})
    for pn, p in enumerate(tr["modifiedProperties"], 1):
        r["Target1ModifiedProperty%dName" % pn] = p["displayName"]
        r["Target1ModifiedProperty%dOldValue" % pn] = p["oldValue"] or ""
        r["Target1ModifiedProperty%dNewValue" % pn] = p["newValue"] or ""
    r.update({"AdditionalDetail1Key": "UserType", "AdditionalDetail1Value": "Member"})
    return [r.get(h, "") for h in ["Id"] + EH]


DOWNLOAD = [download_row(N, "Update user")] + [download_row(e) for e in (S, T, U, D)]
write("entra-download-id.csv", csv_text(["Id"] + EH, DOWNLOAD, quote_all=False), encoding="utf-8-sig",
      expected=ENTRA_EXPECTED)
os.makedirs(os.path.join(OUT, "entra-download-id-and-json"), exist_ok=True)
open(os.path.join(OUT, "entra-download-id-and-json", "AuditLogs.csv"), "w", encoding="utf-8-sig", newline="").write(
    csv_text(["Id"] + EH, DOWNLOAD, quote_all=False))
from make_variants import audits  # noqa: E402
open(os.path.join(OUT, "entra-download-id-and-json", "AuditLogs.json"), "w", encoding="utf-8-sig", newline="").write(
    json.dumps(audits, indent=2).replace("\n", "\r\n"))
with open(os.path.join(OUT, "entra-download-id-and-json.expected.jsonl"), "w") as f:
    for item in ENTRA_EXPECTED:
        f.write(json.dumps(item) + "\n")

# 66. The UAL records (Management Activity API JSON lines) beside the Invoke-RestMethod CSV
#     of 61 with the same events, read after them: the readable copy stands for each event.
#     (Read the other way round, a flagged copy after an unusable one is kept as an event of
#     its own, as for a cut copy: its row is never hidden.)
os.makedirs(os.path.join(OUT, "irm-csv-and-ual"), exist_ok=True)
open(os.path.join(OUT, "irm-csv-and-ual", "b-advanced-hunting.csv"), "w", newline="").write(
    "#TYPE System.Management.Automation.PSCustomObject\r\n" + csv_text(AHH, [ah_csv_row(e, op) for e, op in EVENTS]))
open(os.path.join(OUT, "irm-csv-and-ual", "a-ual.jsonl"), "w", newline="").write(lines)
with open(os.path.join(OUT, "irm-csv-and-ual.expected.jsonl"), "w") as f:
    for item in UAL_EXPECTED:
        f.write(json.dumps(item) + "\n")

# 67. A long date whose weekday is not the date's own (a value typed or altered by hand):
#     not read; the rows keep a null time and the file says which values and where.
write("portal-long-date-wrong-weekday.csv", csv_text(PH, fmt_rows(lambda d: (d + timedelta(days=1)).strftime("%A, ") + d.strftime(
    "%B ") + "%d, %d %d:%s %s" % (d.day, d.year, h12(d), d.strftime("%M:%S"), "AM" if d.hour < 12 else "PM"))),
      expected=[dict(portal_expected(PS), tokenMinutesRemaining=None), dict(portal_expected(PT), tokenMinutesRemaining=None),
                nm("no_modified_properties", U["id"]), nm("directory_sync", D["id"])])

# ---- Batch 8: what Excel and PowerShell do to values -----------------------------------------------
# 68. A portal CSV opened and saved again by Excel in de-DE and fr-FR: Excel reads
#     IsAnonymousProxy's FALSE as a boolean and writes it in the culture's words (FALSCH,
#     FAUX), with the culture's ';' and dates.


def excel_bool_rows(word, fmt):
    rows = []
    for e, op in PEV:
        r = portal_row(e, op, fmt(t(e["time"])))
        r[7] = word if r[7] == "FALSE" else r[7]
        rows.append(r)
    return rows


write("portal-excel-de-booleans.csv", csv_text(PH, excel_bool_rows("FALSCH", lambda d: d.strftime("%d.%m.%Y %H:%M")),
                                               delimiter=";", quote_all=False), encoding="cp1252", expected=PORTAL_EXPECTED)
write("portal-excel-fr-booleans.csv", csv_text(PH, excel_bool_rows("FAUX", lambda d: d.strftime("%d/%m/%Y %H:%M")),
                                               delimiter=";", quote_all=False), encoding="cp1252", expected=PORTAL_EXPECTED)

# 69. Excel for Mac's "Macintosh Comma Separated" save: records end with CR alone (classic
#     Mac OS line ends); ASCII values.
AS = dict(PS, upn="Jorg Schafer")


def ascii_row(e, op):
    r = portal_row(e, op, us(e["time"]))
    r[8] = "Societe Reseaux" if r[8] else ""
    r[9] = "koln"
    r[5] = e["upn"]
    return r


write("portal-excel-mac-cr.csv", csv_text(PH, [ascii_row(e, op) for e, op in [(N, "Update user."), (AS, STS), (PT, STS),
                                                                             (U, STS), (D, STS)]], quote_all=False, eol="\r"),
      encoding="ascii", expected=[portal_expected(AS, "Societe Reseaux"), portal_expected(PT),
                                  nm("no_modified_properties", U["id"]), nm("directory_sync", D["id"])])

# 70. The advanced hunting API's response through Invoke-RestMethod saved with ConvertTo-Json
#     at its default depth (Windows PowerShell 5.1): each row's RawEventData, an object one
#     level too deep, is written as its text '@{…}'.
ah_resp = {"Schema": [{"Name": h, "Type": "String"} for h in AHH],
           "Results": [dict(zip(AHH, ah_csv_row(e, op))) for e, op in EVENTS]}
write("ah-api-irm-convertto-json.json", ps51_json(ah_resp), encoding="utf-8-sig",
      expected=[nm("audit_data_unusable", e["id"]) for e in (S, T, U, D)])

# ---- Batch 9: what is not read, and says why ---------------------------------------------------------
# 71. Search-UnifiedAuditLog results sent to Out-File (Windows PowerShell 5.1: UTF-16LE): the
#     list view, AuditData cut to the console's width. Not read; named.


def list_view(e, op, i):
    audit = json.dumps(ual(e, op), separators=(",", ":"))
    return "\r\n".join([
        "RunspaceId   : 4d4d4d4d-0000-4000-8000-000000000001", "RecordType   : AzureActiveDirectory",
        "CreationDate : %s" % us(e["time"]), "UserIds      : %s" % e["upn"], "Operations   : %s" % op,
        "AuditData    : %s..." % audit[:100], "ResultIndex  : %d" % i, "ResultCount  : 5", "Identity     : %s" % e["id"],
        "IsValid      : True", "ObjectState  : Unchanged"]) + "\r\n\r\n"


open(os.path.join(OUT, "sual-out-file-list.txt"), "wb").write(
    b"\xff\xfe" + ("\r\n\r\n" + "".join(list_view(e, op, i + 1) for i, (e, op) in enumerate(EVENTS))).encode("utf-16-le"))
# 72. The same results saved with Export-Clixml. Not read; named.
open(os.path.join(OUT, "sual-export-clixml.xml"), "w", newline="").write(
    "#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">"
    "<Obj RefId=\"0\"><TN RefId=\"0\"><T>Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks."
    "UnifiedAuditLogResult</T><T>Deserialized.System.Object</T></TN><Props><S N=\"AuditData\">%s</S>"
    "</Props></Obj></Objs>" % json.dumps(ual(S)).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;"))
# 73. A portal export opened in Excel and saved as a workbook (.xlsx: a zip archive of XML).
#     Not read; named. (A minimal workbook: the parts Excel writes first.)
import zipfile  # noqa: E402
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, "w") as z:
    z.writestr(zipfile.ZipInfo("[Content_Types].xml", (1980, 1, 1, 0, 0, 0)),
               '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Types xmlns="http://schemas.'
               'openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
               '</Types>')
    z.writestr(zipfile.ZipInfo("xl/workbook.xml", (1980, 1, 1, 0, 0, 0)), "<workbook/>")
open(os.path.join(OUT, "portal-saved-as.xlsx"), "wb").write(zbuf.getvalue())
# 74. Sentinel's "Export to CSV (displayed columns)" of CloudAppEvents: no RawEventData, so
#     the STS rows are near misses, and the file says which column is missing.
DH = ["TimeGenerated [UTC]", "ActionType", "Application", "AccountObjectId", "AccountDisplayName", "IPAddress", "ReportId"]
write("sentinel-displayed-columns.csv",
      csv_text(DH, [[e["time"].replace("Z", ".000Z"), op, "Microsoft 365", e["oid"], e["upn"], e["ip"],
                     "%d_11161_%s" % (e["n"], e["id"])] for e, op in EVENTS], quote_all=False),
      expected=[nm("unparseable_values", "%d_11161_%s" % (e["n"], e["id"])) for e in (S, T, U, D)])

# ---- Batch 10: numeric dates of more cultures (Excel "CSV UTF-8" saves, .NET short patterns) ----------
# 75. sk-SK "d. M. yyyy H:mm:ss" (a space after each dot), hr-HR "d.M.yyyy. H:mm:ss" (a dot
#     after the year), fi-FI "d.M.yyyy H.mm.ss" (dots in the time), it-IT's older
#     "dd/MM/yyyy HH.mm.ss", and a short date set to a two-digit year "dd/MM/yy HH:mm".
for name, fmt in [
    ("portal-sk-sk.csv", lambda d: "%d. %d. %d %d:%s" % (d.day, d.month, d.year, d.hour, d.strftime("%M:%S"))),
    ("portal-hr-hr.csv", lambda d: "%d.%d.%d. %d:%s" % (d.day, d.month, d.year, d.hour, d.strftime("%M:%S"))),
    ("portal-fi-fi.csv", lambda d: "%d.%d.%d %d.%s" % (d.day, d.month, d.year, d.hour, d.strftime("%M.%S"))),
    ("portal-it-it-dotted-time.csv", lambda d: d.strftime("%d/%m/%Y %H.%M.%S")),
    ("portal-two-digit-year.csv", lambda d: d.strftime("%d/%m/%y %H:%M")),
]:
    write(name, csv_text(PH, fmt_rows(fmt), delimiter=";", quote_all=False), encoding="utf-8-sig",
          expected=PORTAL_EXPECTED)

# ---- Batch 11: PowerShell 7's Export-Csv -UseQuotes Never ----------------------------------------------
# 76. Search-UnifiedAuditLog results written by PowerShell 7 `Export-Csv -UseQuotes Never`
#     (about the parameter: "Never: don't quote anything"): AuditData's commas split it, and
#     the quotes that begin its pieces read as CSV quoting. Every other column is one value
#     without a comma, so AuditData's place frames it: read.
write("sual-export-csv-usequotes-never.csv",
      "\r\n".join(",".join(r) for r in [SUAL_H] + [sual_row(e, op, i + 1, us(e["time"]))
                                              for i, (e, op) in enumerate(EVENTS)]) + "\r\n")

# ---- Batch 12: files joined by cmd's copy without /b --------------------------------------------------
# 77. `copy a.csv+b.csv all.csv` joins in ASCII mode, which ends the result with a DOS
#     end-of-file mark (Ctrl+Z, 0x1A): two Export-Csv -NoTypeInformation parts, UAL JSON
#     lines, and two Graph audit log query pages so joined.
sual_a = csv_text(SUAL_H, [sual_row(e, op, i + 1, us(e["time"])) for i, (e, op) in enumerate(EVENTS[:3])])
sual_b = csv_text(SUAL_H, [sual_row(e, op, i + 4, us(e["time"])) for i, (e, op) in enumerate(EVENTS[3:])])
write("sual-copy-joined.csv", (sual_a + sual_b).encode("ascii") + b"\x1a")
write("ual-lines-copy-joined.jsonl",
      "".join(json.dumps(ual(e, op)) + "\r\n" for e, op in EVENTS).encode("ascii") + b"\x1a")
from make_variants import pages  # noqa: E402
write("graph-pages-copy-joined.json",
      "".join(json.dumps(p, indent=2) + "\r\n" for p in pages).encode("ascii") + b"\x1a")
