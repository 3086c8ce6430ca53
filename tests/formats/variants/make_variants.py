# Writes tests/formats/variants: one or more further files of each class of tests/formats (the
# shapes of issue 14), written from the public documentation of the tools and APIs that make
# them (synthetic values: woodgrove.example, documentation IP ranges, made-up GUIDs), and their
# expected rows and near misses. The minute counts are computed here with Python datetime
# (minute boundaries crossed, as Kusto's datetime_diff counts them), independently of the Rust
# code. Run: python3 tests/formats/variants/make_variants.py
import csv, io, json, os
from datetime import datetime, timezone, timedelta

OUT = os.path.dirname(os.path.abspath(__file__))
STS = "Update StsRefreshTokenValidFrom Timestamp."
ENTRA_STS = "Update StsRefreshTokenValidFrom Timestamp"
ORG = "6f6f6f6f-0000-4000-8000-00000000beef"


def t(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def minutes(a, b):
    """datetime_diff('minute', a, b): minute boundaries crossed."""
    fa, fb = t(a).replace(second=0), t(b).replace(second=0)
    return int((fa - fb).total_seconds() // 60)


# S: an administrator revokes a user's sessions. T: an application moves the valid-from
# time backwards. U: the same operation with no ModifiedProperties (the common real shape).
# D: a DirectorySync change (excluded by the query, a near miss). N: noise.
S = dict(id="5c5c5c5c-aaaa-4bbb-8ccc-000000000011", time="2024-11-05T16:42:19Z", old="2024-08-01T07:00:00Z",
         new="2024-11-05T16:42:18Z", upn="sec.admin@woodgrove.example", oid="22223333-4444-4555-8666-777788889999",
         ip="203.0.113.90", kind="User", victim="zoe.berg@woodgrove.example", n=11)
T = dict(id="5c5c5c5c-aaaa-4bbb-8ccc-000000000012", time="2024-11-06T03:15:59Z", old="2024-11-06T03:00:00Z",
         new="2024-10-01T00:00:00Z", upn="Woodgrove Token Tool", oid="aaaabbbb-cccc-4ddd-8eee-ffff00001111",
         ip="198.51.100.9", kind="ServicePrincipal", victim="raj.iyer@woodgrove.example", n=12)
U = dict(id="5c5c5c5c-aaaa-4bbb-8ccc-000000000013", time="2024-11-07T12:00:30Z", old=None, new=None,
         upn="sec.admin@woodgrove.example", oid="22223333-4444-4555-8666-777788889999", ip="203.0.113.90",
         kind="User", victim="mia.chen@woodgrove.example", n=13)
D = dict(id="5c5c5c5c-aaaa-4bbb-8ccc-000000000014", time="2024-11-08T01:02:03Z", old="2024-11-01T00:00:00Z",
         new="2024-11-08T01:02:00Z", upn="Sync_WGDC01_0a1b2c3d4e5f@woodgrove.onmicrosoft.com",
         oid="33334444-5555-4666-8777-88889999aaaa", ip="", kind="User", victim="lee.ok@woodgrove.example",
         n=14, sync=True)
N = dict(id="5c5c5c5c-aaaa-4bbb-8ccc-0000000000ff", time="2024-11-05T16:40:00Z", upn="sec.admin@woodgrove.example",
         oid="22223333-4444-4555-8666-777788889999", ip="203.0.113.90", kind="User", victim="zoe.berg@woodgrove.example",
         n=10)


def ual(e, op=STS, client_ip=None, creation=None):
    """A UAL AzureActiveDirectory record (the Management Activity API schema)."""
    actor = [{"ID": e["upn"], "Type": 5}]
    if e["kind"] == "User":
        actor += [{"ID": "10037FFE8C1D2E3F", "Type": 3}, {"ID": "User_" + e["oid"], "Type": 2},
                  {"ID": e["oid"], "Type": 2}, {"ID": "User", "Type": 2}]
    else:
        actor += [{"ID": "ServicePrincipal_" + e["oid"], "Type": 2}, {"ID": e["oid"], "Type": 2},
                  {"ID": "ServicePrincipal", "Type": 2}]
    mp = []
    if op == STS and e.get("old"):
        mp = [{"Name": "StsRefreshTokensValidFrom", "NewValue": "[\r\n  \"%s\"\r\n]" % e["new"],
               "OldValue": "[\r\n  \"%s\"\r\n]" % e["old"]},
              {"Name": "Included Updated Properties", "NewValue": "StsRefreshTokensValidFrom", "OldValue": ""}]
        if e.get("sync"):
            mp.append({"Name": "Action Client Name", "NewValue": "DirectorySync", "OldValue": ""})
    elif op != STS:
        mp = [{"Name": "JobTitle", "NewValue": "[\r\n  \"Analyst\"\r\n]", "OldValue": "[]"},
              {"Name": "Included Updated Properties", "NewValue": "JobTitle", "OldValue": ""}]
    return {"CreationTime": creation or e["time"][:-1], "Id": e["id"], "Operation": op, "OrganizationId": ORG,
            "RecordType": 8, "ResultStatus": "Success", "UserKey": "10037FFE8C1D2E3F@woodgrove.example",
            "UserType": 0 if e["kind"] == "User" else 5, "Version": 1, "Workload": "AzureActiveDirectory",
            "ClientIP": client_ip if client_ip is not None else e["ip"], "ObjectId": e["victim"], "UserId": e["upn"],
            "AzureActiveDirectoryEventType": 1,
            "ExtendedProperties": [{"Name": "additionalDetails", "Value": "{\"User-Agent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\"}"},
                                   {"Name": "extendedAuditEventCategory", "Value": "User"}],
            "ModifiedProperties": mp, "Actor": actor, "ActorContextId": ORG, "ActorIpAddress": e["ip"],
            "InterSystemsId": "e0e0e0e0-0000-4000-8000-0000000000%02d" % e["n"],
            "IntraSystemId": "f0f0f0f0-0000-4000-8000-0000000000%02d" % e["n"], "SupportTicketId": "",
            "Target": [{"ID": "User_0e0e0e0e-0000-4000-8000-0000000000%02d" % e["n"], "Type": 2},
                       {"ID": e["victim"], "Type": 5}],
            "TargetContextId": ORG}


def ual_expected(e, ip=None):
    return {"AccountObjectId": e["oid"], "AccountDisplayName": e["upn"], "Role": e["kind"],
            "IPAddress": e["ip"] if ip is None else ip, "IsAnonymousProxy": None, "ISP": "",
            "tokenMinutesAdded": minutes(e["new"], e["old"]), "tokenMinutesRemaining": minutes(e["time"], e["new"])}


def nm(reason, eid):
    return {"kind": "near_miss", "reason": reason, "event_id": eid}


UAL_EXPECTED = [ual_expected(S), ual_expected(T), nm("no_modified_properties", U["id"]), nm("directory_sync", D["id"])]


def write(name, data, encoding="utf-8", expected=UAL_EXPECTED):
    raw = data.encode(encoding) if isinstance(data, str) else data
    open(os.path.join(OUT, name), "wb").write(raw)
    stem = name.rsplit(".", 1)[0]
    with open(os.path.join(OUT, stem + ".expected.jsonl"), "w") as f:
        for item in expected:
            f.write(json.dumps(item) + "\n")


def ps51_json(value):
    """Windows PowerShell 5.1 ConvertTo-Json's layout: four-space indent, two spaces after
    the colon, '/' kept, CRLF line ends."""
    text = json.dumps(value, indent=4, ensure_ascii=False)
    return text.replace('": ', '":  ').replace("\n", "\r\n")


def csv_text(header, rows, delimiter=",", quote_all=True, eol="\r\n"):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=eol,
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


EVENTS = [(N, "Update user."), (S, STS), (T, STS), (U, STS), (D, STS)]

# ---- Graph audit log query API (GET /security/auditLog/queries/{id}/records) ----------------


def graph_record(e, op=STS, audit=None):
    return {"id": e["id"], "createdDateTime": e["time"], "auditLogRecordType": "azureActiveDirectory", "operation": op,
            "organizationId": ORG, "userType": "regular", "userId": "10037FFE8C1D2E3F@woodgrove.example",
            "service": "AzureActiveDirectory", "objectId": e["victim"], "userPrincipalName": e["upn"],
            "clientIp": e["ip"], "administrativeUnits": [],
            "auditData": audit if audit is not None else dict({"@odata.type": "#microsoft.graph.security.azureActiveDirectoryAuditRecord"}, **ual(e, op))}


CTX = "https://graph.microsoft.com/beta/$metadata#security/auditLog/queries('b7c1')/records"
NEXT = "https://graph.microsoft.com/beta/security/auditLog/queries/b7c1/records?$skiptoken=%s"
recs = [graph_record(e, op) for e, op in EVENTS]

# 1. The pages as the service sends them, each on one line, appended to one file
#    (Invoke-MgGraphRequest -OutputType Json >> records.json in a paging loop).
pages = [{"@odata.context": CTX, "value": recs[:3], "@odata.nextLink": NEXT % "p2"},
         {"@odata.context": CTX, "value": recs[3:]}]
write("graph-pages-one-per-line.json", "".join(json.dumps(p, separators=(",", ":")) + "\n" for p in pages))

# 2. The pages collected in a list and saved as one array (ConvertTo-Json -Depth 10 of the
#    responses), PowerShell 7 layout (two-space indent, LF, no BOM).
write("graph-pages-in-array.json", json.dumps(pages, indent=2))

# 3. PowerShell 7 ConvertTo-Json at its default depth (2) of the records array as returned by
#    Get-MgBetaSecurityAuditLogQueryRecord (objects, not hashtables): auditData is written as
#    the object's text, '@{…}' (the property's ToString()).


def at_text(value):
    if isinstance(value, dict):
        return "@{" + "; ".join("%s=%s" % (k, at_text_leaf(v)) for k, v in value.items()) + "}"
    return str(value)


def at_text_leaf(v):
    if isinstance(v, list):
        return "System.Object[]"
    if isinstance(v, dict):
        return at_text(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "True" if v else "False"
    return str(v)


ps7 = []
for e, op in EVENTS:
    r = graph_record(e, op, audit=at_text(ual(e, op)))
    r["administrativeUnits"] = []
    ps7.append(r)
write("graph-ps7-depth-objects.json", json.dumps(ps7, indent=2),
      expected=[nm("audit_data_unusable", e["id"]) for e in (S, T, U, D)])

# 4. One record alone, PowerShell 7 ConvertTo-Json default depth: the record is depth 0, its
#    auditData depth 1, auditData's arrays depth 2, and their items (depth 3) are written as
#    their text: "@{Name=StsRefreshTokensValidFrom; NewValue=…; OldValue=…}".
one = graph_record(S)
one["auditData"]["ModifiedProperties"] = [at_text(p) for p in one["auditData"]["ModifiedProperties"]]
one["auditData"]["Actor"] = [at_text(a) for a in one["auditData"]["Actor"]]
one["auditData"]["Target"] = [at_text(a) for a in one["auditData"]["Target"]]
one["auditData"]["ExtendedProperties"] = [at_text(a) for a in one["auditData"]["ExtendedProperties"]]
write("graph-one-record-depth-items.json", json.dumps(one, indent=2),
      expected=[nm("audit_data_unusable", S["id"])])

# ---- Graph directoryAudits (GET /v1.0/auditLogs/directoryAudits) -----------------------------


def directory_audit(e, op=ENTRA_STS, index=0, name="StsRefreshTokensValidFrom"):
    if e["kind"] == "User":
        ib = {"app": None, "user": {"id": e["oid"], "displayName": None, "userPrincipalName": e["upn"],
                                    "ipAddress": e["ip"] or None, "userType": None, "homeTenantId": ORG, "homeTenantName": None}}
    else:
        ib = {"user": None, "app": {"appId": "abcdabcd-0000-4000-8000-0000000000a1", "displayName": e["upn"],
                                   "servicePrincipalId": e["oid"], "servicePrincipalName": None}}
    props = []
    if op == ENTRA_STS and e.get("old"):
        props = [{"displayName": "Included Updated Properties", "oldValue": None, "newValue": "\"StsRefreshTokensValidFrom\""}]
        props.insert(index, {"displayName": name, "oldValue": "[\"%s\"]" % e["old"], "newValue": "[\"%s\"]" % e["new"]})
        if e.get("sync"):
            props.append({"displayName": "Action Client Name", "oldValue": None, "newValue": "DirectorySync"})
    elif op != ENTRA_STS:
        props = [{"displayName": "JobTitle", "oldValue": "[]", "newValue": "[\"Analyst\"]"}]
    return {"id": "Directory_WGB7Q_%s" % e["id"][-6:], "category": "UserManagement",
            "correlationId": "c0ffee00-0000-4000-8000-0000000000%02d" % e["n"], "result": "success", "resultReason": "",
            "activityDisplayName": op, "activityDateTime": e["time"].replace("Z", ".1234567Z"),
            "loggedByService": "Core Directory", "operationType": "Update", "initiatedBy": ib,
            "targetResources": [{"id": "0e0e0e0e-0000-4000-8000-0000000000%02d" % e["n"], "displayName": None, "type": "User",
                                 "userPrincipalName": e["victim"], "groupType": None, "modifiedProperties": props}],
            "additionalDetails": [{"key": "UserType", "value": "Member"}]}


def entra_expected(e):
    return {"AccountObjectId": e["oid"], "AccountDisplayName": e["upn"], "Role": e["kind"],
            "IPAddress": e["ip"] if e["kind"] == "User" else "", "IsAnonymousProxy": None, "ISP": "",
            "tokenMinutesAdded": minutes(e["new"], e["old"]), "tokenMinutesRemaining": minutes(e["time"], e["new"])}


def entra_id(e):
    return "Directory_WGB7Q_%s" % e["id"][-6:]


ENTRA_EXPECTED = [entra_expected(S), entra_expected(T), nm("no_modified_properties", entra_id(U)),
                  nm("directory_sync", entra_id(D))]
audits = [directory_audit(N, "Update user"), directory_audit(S, index=1, name="stsRefreshTokensValidFrom"),
          directory_audit(T), directory_audit(U), directory_audit(D)]

# 5. directoryAudits pages pretty-printed one after another (a paging loop writing each
#    response with ConvertTo-Json), the property at index 1 and in another case (the AuditLogs
#    rule expands every property and compares with =~).
dpages = [{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits",
           "value": audits[:2], "@odata.nextLink": "https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=x1"},
          {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits", "value": audits[2:]}]
write("directory-audits-pages.json", "\r\n".join(ps51_json(p) for p in dpages) + "\r\n", encoding="utf-8-sig",
      expected=ENTRA_EXPECTED)

# 5b. The same pages collected in one array (a paging loop's responses saved together).
write("directory-audits-in-array.json", json.dumps(dpages, indent=2), expected=ENTRA_EXPECTED)

# 6. directoryAudit objects one per line (the Entra admin center's JSON download is an array of
#    these; a script writing each with ConvertTo-Json -Compress gives lines).
write("directory-audits-lines.jsonl", "".join(json.dumps(a) + "\n" for a in audits), expected=ENTRA_EXPECTED)

# 6b. Get-MgAuditLogDirectoryAudit | ConvertTo-Json in PowerShell 7 at its default depth (2):
#     the array is depth 0, each record depth 1, its TargetResources and InitiatedBy depth 2,
#     and what they hold (depth 3) is written as the .NET class name of Graph PowerShell's
#     objects: every target and its modified properties are lost.
M = "Microsoft.Graph.PowerShell.Models."


def mg_depth(e, op=ENTRA_STS):
    a = directory_audit(e, op)
    return {"ActivityDateTime": a["activityDateTime"], "ActivityDisplayName": op,
            "AdditionalDetails": [M + "MicrosoftGraphKeyValue"], "Category": "UserManagement",
            "CorrelationId": a["correlationId"], "Id": a["id"],
            "InitiatedBy": {"App": M + "MicrosoftGraphAppIdentity", "User": M + "MicrosoftGraphUserIdentity",
                            "AdditionalProperties": "System.Collections.Generic.Dictionary`2[System.String,System.Object]"},
            "LoggedByService": "Core Directory", "OperationType": "Update", "Result": "success", "ResultReason": "",
            "TargetResources": [M + "MicrosoftGraphTargetResource"], "AdditionalProperties": {}}


write("mg-directory-audits-depth.json",
      json.dumps([mg_depth(N, "Update user"), mg_depth(S), mg_depth(T), mg_depth(U), mg_depth(D)], indent=2),
      expected=[nm("audit_data_unusable", entra_id(e)) for e in (S, T, U, D)])

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

# ---- Batch 3: overlapping exports, cut AuditData, hashtables, Entra JSON download ----------------
# 32. A collection folder where the same events come in three envelopes and encodings: Graph
#     audit query pages (UTF-8), Search-UnifiedAuditLog Export-Csv (UTF-16LE) and UAL JSON lines
#     (Windows-1252), with S twice in the CSV: every event is counted once.
os.makedirs(os.path.join(OUT, "overlapping-mixed"), exist_ok=True)
open(os.path.join(OUT, "overlapping-mixed", "graph-records.json"), "w").write(json.dumps(pages, indent=2))
open(os.path.join(OUT, "overlapping-mixed", "sual.csv"), "wb").write(
    b"\xff\xfe" + csv_text(SUAL_H, [sual_row(e, op, i + 1, us(e["time"])) for i, (e, op) in
                                    enumerate(EVENTS + [(S, STS)])]).encode("utf-16-le"))
open(os.path.join(OUT, "overlapping-mixed", "ual.jsonl"), "wb").write(
    "".join(json.dumps(ual(e, op), ensure_ascii=False) + "\r\n" for e, op in EVENTS[1:3]).encode("cp1252"))
with open(os.path.join(OUT, "overlapping-mixed.expected.jsonl"), "w") as f:
    for item in UAL_EXPECTED:
        f.write(json.dumps(item) + "\n")

# 33. Search-UnifiedAuditLog Export-Csv whose AuditData the service cut at different places: in
#     the middle of a \" escape (S), of a \u escape (U, whose target has an accented name) and
#     right after a whole member (D); T is whole. Classic header, en-GB dates.
def cut_at(text, marker, extra=0):
    i = text.index(marker) + extra
    return text[:i]


cs = json.dumps(ual(S), separators=(",", ":"))
cu = json.dumps(dict(ual(U), ObjectId="zoé.berg@woodgrove.example"), separators=(",", ":"))
cd = json.dumps(ual(D), separators=(",", ":"))
cuts = [(N, "Update user.", json.dumps(ual(N, "Update user."), separators=(",", ":"))),
        (S, STS, cut_at(cs, '\\"Mozilla', 1)),
        (T, STS, json.dumps(ual(T), separators=(",", ":"))),
        (U, STS, cut_at(cu, "\\u00e9", 3)),
        (D, STS, cut_at(cd, ',"Actor"'))]
write("sual-auditdata-cut-escapes.csv",
      csv_text(["CreationDate", "UserIds", "Operations", "AuditData"], [[gb(e["time"]), e["upn"], op, a] for e, op, a in cuts]),
      expected=[ual_expected(T), nm("record_cut", S["id"]), nm("record_cut", U["id"]), nm("record_cut", D["id"])])

# 34. Graph audit query records by ConvertTo-Json -Compress one per line from hashtables
#     (Invoke-MgGraphRequest): auditData became System.Collections.Hashtable.
write("graph-records-hashtable-lines.jsonl",
      "".join(json.dumps(graph_record(e, op, audit="System.Collections.Hashtable")) + "\n" for e, op in EVENTS),
      expected=[nm("audit_data_unusable", e["id"]) for e in (S, T, U, D)])

# 35. The Entra admin center's JSON download of audit logs: one array of camelCase
#     directoryAudit objects, UTF-8 with BOM, CRLF.
write("entra-download.json", json.dumps(audits, indent=2).replace("\n", "\r\n"), encoding="utf-8-sig",
      expected=ENTRA_EXPECTED)

# 36. A Windows-1252 CSV inside gzip.
write("portal-cp1252.csv.gz", gzip.compress(csv_text(PH, [portal_row(e, op, us(e["time"])) for e, op in PEV],
                                                     quote_all=False).encode("cp1252"), mtime=0),
      expected=PORTAL_EXPECTED)

# 37. Excel's 'sep=' line before the header (CSV written for Excel to open with ';').
write("portal-excel-sep-line.csv", "sep=;\r\n" + csv_text(PH, [portal_row(e, op, us(e["time"])) for e, op in PEV],
                                                           delimiter=";", quote_all=False), expected=PORTAL_EXPECTED)

# ---- Batch 4: other cultures' spellings of the time ------------------------------------------
def h12(d):
    return (d.hour % 12) or 12


# 38. en-CA: yyyy-MM-dd h:mm:ss with a.m./p.m.
write("portal-en-ca.csv", csv_text(PH, [portal_row(e, op, t(e["time"]).strftime("%Y-%m-%d ") + "%d:%s %s" % (
    h12(t(e["time"])), t(e["time"]).strftime("%M:%S"), "a.m." if t(e["time"]).hour < 12 else "p.m.")) for e, op in PEV],
    quote_all=False), expected=PORTAL_EXPECTED)
# 39. es-MX Search-UnifiedAuditLog Export-Csv: dd/MM/yyyy hh:mm:ss with a. m./p. m.
write("sual-export-csv-es-mx.csv",
      csv_text(SUAL_H, [sual_row(e, op, i + 1, t(e["time"]).strftime("%d/%m/%Y ") + "%02d:%s %s" % (
          h12(t(e["time"])), t(e["time"]).strftime("%M:%S"), "a. m." if t(e["time"]).hour < 12 else "p. m."))
          for i, (e, op) in enumerate(EVENTS)]), encoding="utf-8-sig")
# 40. hu-HU: yyyy. MM. dd. H:mm:ss.
write("portal-hu-hu.csv", csv_text(PH, [portal_row(e, op, t(e["time"]).strftime("%Y. %m. %d. ") + "%d:%s" % (
    t(e["time"]).hour, t(e["time"]).strftime("%M:%S"))) for e, op in PEV], delimiter=";", quote_all=False),
      encoding="utf-8-sig", expected=PORTAL_EXPECTED)
# 41. ko-KR: yyyy. M. d. 오전/오후 h:mm:ss.
write("portal-ko-kr.csv", csv_text(PH, [portal_row(e, op, "%d. %d. %d. %s %d:%s" % (
    t(e["time"]).year, t(e["time"]).month, t(e["time"]).day, "오전" if t(e["time"]).hour < 12 else "오후",
    h12(t(e["time"])), t(e["time"]).strftime("%M:%S"))) for e, op in PEV], quote_all=False),
      encoding="utf-8-sig", expected=PORTAL_EXPECTED)
# 42. A long date (.NET's "F" format, a script's ToString('F')): the month is named, so it
#     is read (make_variants2.py writes the other cultures' long dates, and one not read).
long_expected = PORTAL_EXPECTED
write("portal-long-date.csv", csv_text(PH, [portal_row(e, op, t(e["time"]).strftime("%A, %B ") + "%d, %d %d:%s %s" % (
    t(e["time"]).day, t(e["time"]).year, h12(t(e["time"])), t(e["time"]).strftime("%M:%S"),
    "AM" if t(e["time"]).hour < 12 else "PM")) for e, op in PEV]), expected=long_expected)

# ---- Batch 5: the Graph audit query API v1.0 shape ---------------------------------------------
# 43. auditData as v1.0 documents it: a derived type of microsoft.graph.security.auditData whose
#     event properties are in its open dictionary `dynamicProperties` (a page of the v1.0 API).
def v1_record(e, op=STS):
    r = graph_record(e, op)
    r["auditData"] = {"@odata.type": "#microsoft.graph.security.azureActiveDirectoryAuditRecord",
                      "dynamicProperties": dict({"@odata.type": "microsoft.graph.security.auditRecordTypeDictionary"}, **ual(e, op))}
    return r


write("graph-v1-dynamic-properties.json",
      json.dumps({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#security/auditLog/queries('b7c1')/records",
                  "value": [v1_record(e, op) for e, op in EVENTS]}, indent=2))
# 44. The same records one per line, auditData as JSON text (a script's ConvertTo-Json -Compress
#     of auditData before saving).
write("graph-v1-dynamic-properties-lines.jsonl",
      "".join(json.dumps(dict(r, auditData=json.dumps(r["auditData"]))) + "\n" for r in (v1_record(e, op) for e, op in EVENTS)))

# 45. Get-MgBetaSecurityAuditLogQueryRecord | ConvertTo-Json -Depth 10 (Graph PowerShell SDK
#     objects): PascalCase properties, and auditData, an open type with no declared property,
#     holds the whole record in the SDK's AdditionalProperties dictionary.
def sdk_record(e, op, audit):
    r = graph_record(e, op)
    out = {k[0].upper() + k[1:]: v for k, v in r.items() if k != "auditData"}
    out["AuditData"] = audit
    out["AdditionalProperties"] = {}
    return out


write("graph-sdk-beta-additional-properties.json",
      json.dumps([sdk_record(e, op, {"AdditionalProperties": dict({"@odata.type": "#microsoft.graph.security.azureActiveDirectoryAuditRecord"}, **ual(e, op))})
                  for e, op in EVENTS], indent=2))
# 46. Get-MgSecurityAuditLogQueryRecord (v1.0 SDK): AuditData.DynamicProperties, itself an open
#     dictionary, holds the record in its AdditionalProperties; the type in AuditData's own.
write("graph-sdk-v1-dynamic-properties.json",
      json.dumps([sdk_record(e, op, {"DynamicProperties": {"AdditionalProperties": ual(e, op)},
                                     "AdditionalProperties": {"@odata.type": "#microsoft.graph.security.azureActiveDirectoryAuditRecord"}})
                  for e, op in EVENTS], indent=2))

# ---- Batch 6 ---------------------------------------------------------------------------------------
# 47. ConvertTo-Json | Out-File in Windows PowerShell 5.1: a pretty JSON document of
#     Search-UnifiedAuditLog objects in UTF-16LE with a BOM, CRLF.
objs51 = [{"RunspaceId": "4d4d4d4d-0000-4000-8000-000000000001", "RecordType": "AzureActiveDirectory",
           "CreationDate": "\\/Date(%d)\\/" % int(t(e["time"]).timestamp() * 1000), "UserIds": e["upn"], "Operations": op,
           "AuditData": json.dumps(ual(e, op), separators=(",", ":")), "ResultIndex": i + 1, "ResultCount": 5,
           "Identity": e["id"], "IsValid": True, "ObjectState": "Unchanged"} for i, (e, op) in enumerate(EVENTS)]
write("sual-ps51-out-file-utf16.json",
      b"\xff\xfe" + ps51_json(objs51).replace("\\\\/Date(", "\\/Date(").replace(")\\\\/", ")\\/").encode("utf-16-le"))

# 48. A Defender portal CSV whose RawEventData Excel cut at 32,767 characters (a long
#     ExtendedProperties value pushes S's record past the limit), day-first dates.
def long_raw(e, op):
    raw = ual(e, op)
    raw["ExtendedProperties"].insert(0, {"Name": "additionalDetails", "Value": "x" * 40000})
    return json.dumps(raw, separators=(",", ":"), ensure_ascii=False)[:32767]


rows48 = []
for e, op in PEV:
    r = portal_row(e, op, dmy12(e["time"]))
    if e is PS:
        r[-1] = long_raw(e, op)
    rows48.append(r)
write("portal-rawevent-cut.csv", csv_text(PH, rows48, quote_all=False),
      expected=[portal_expected(PT), nm("record_cut", PS["id"]), nm("no_modified_properties", U["id"]),
                nm("directory_sync", D["id"])])
# 49. The whole UAL record of S beside the portal CSV whose copy of S is cut: one event.
os.makedirs(os.path.join(OUT, "cut-and-whole"), exist_ok=True)
open(os.path.join(OUT, "cut-and-whole", "a-ual.jsonl"), "w").write(json.dumps(ual(S)) + "\n")
open(os.path.join(OUT, "cut-and-whole", "b-portal.csv"), "w").write(csv_text(PH, [rows48[1]], quote_all=False))
with open(os.path.join(OUT, "cut-and-whole.expected.jsonl"), "w") as f:
    f.write(json.dumps(ual_expected(S)) + "\n")

# 50. Two Search-UnifiedAuditLog Export-Csv parts (Windows PowerShell 5.1, -Encoding UTF8: a
#     BOM, the #TYPE line, the header) joined byte for byte (copy /b a.csv+b.csv all.csv): the
#     second part's BOM, #TYPE line and header come again in the middle of the file.
def sual_part(events, start):
    return ("\ufeff#TYPE System.Management.Automation.PSCustomObject\r\n" +
            csv_text(SUAL_H, [sual_row(e, op, start + i, us(e["time"])) for i, (e, op) in enumerate(events)])).encode("utf-8")


write("sual-joined-exports.csv", sual_part(EVENTS[:3], 1) + sual_part(EVENTS[3:], 4))

# 51. The Entra admin center's Download CSV (tests/formats/synthetic/entra-download.csv) opened
#     and saved again by Excel on a de-DE machine: ';', Windows-1252, 'Date (UTC)' as
#     dd.MM.yyyy HH:mm. Its expected values are the synthetic file's (minute counts do not
#     depend on the seconds).
SYN = os.path.join(OUT, "..", "synthetic")
erows = list(csv.reader(io.StringIO(open(os.path.join(SYN, "entra-download.csv"), encoding="utf-8-sig").read())))
di = erows[0].index("Date (UTC)")
for r in erows[1:]:
    r[di] = datetime.strptime(r[di][:19], "%Y-%m-%dT%H:%M:%S").strftime("%d.%m.%Y %H:%M")
ebuf = io.StringIO()
csv.writer(ebuf, delimiter=";", lineterminator="\r\n").writerows(erows)
write("entra-download-excel-de.csv", ebuf.getvalue(), encoding="cp1252",
      expected=[json.loads(l) for l in open(os.path.join(SYN, "entra-download.expected.jsonl"))])
