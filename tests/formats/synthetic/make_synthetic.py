# Writes the synthetic inputs of tests/formats/synthetic and their expected values (the
# minute counts computed here with Python datetime, independently of the Rust code).
# Run: python3 tests/formats/synthetic/make_synthetic.py
# Synthetic inputs (fabrikam.example, documentation IPs, made-up GUIDs) in the real shapes.
import json, csv, io, os
from datetime import datetime, timezone, timedelta
OUT = os.path.dirname(os.path.abspath(__file__))
os.makedirs(OUT, exist_ok=True)
def t(s): return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
def fm(d): return int(d.replace(second=0).timestamp() // 60)
def diff(a, b): return fm(t(a)) - fm(t(b))
ORG = "5e5e5e5e-0000-4000-8000-00000000f00d"
P = dict(id="7a7a7a7a-1111-4222-8333-000000000001", time="2025-06-10T08:20:45Z", old="2025-01-05T12:00:00Z", new="2025-06-10T08:20:44Z",
         upn="ops.lead@fabrikam.example", oid="11112222-3333-4444-8555-666677778888", ip="192.0.2.50", kind="User", victim="kim.ng@fabrikam.example")
Q = dict(id="7a7a7a7a-1111-4222-8333-000000000002", time="2025-06-11T17:05:30Z", old="2025-06-11T17:00:00Z", new="2025-05-01T06:30:00Z",
         upn="Sync Broker App", oid="99998888-7777-4666-8555-444433332222", ip="198.51.100.200", kind="ServicePrincipal", victim="lee.park@fabrikam.example")
R = dict(id="7a7a7a7a-1111-4222-8333-000000000003", time="2025-06-12T11:11:11Z", old=None, new=None,
         upn="ops.lead@fabrikam.example", oid="11112222-3333-4444-8555-666677778888", ip="192.0.2.50", kind="User", victim="ana.silva@fabrikam.example")
N = dict(id="7a7a7a7a-1111-4222-8333-0000000000ff", time="2025-06-10T08:19:00Z", upn="ops.lead@fabrikam.example",
         oid="11112222-3333-4444-8555-666677778888", ip="192.0.2.50", kind="User", victim="kim.ng@fabrikam.example")
STS = "Update StsRefreshTokenValidFrom Timestamp."
def ual(e, op=STS, client_ip=None):
    actor = [{"ID": e["upn"], "Type": 5}]
    if e["kind"] == "User":
        actor += [{"ID": "1003BFFD00000001", "Type": 3}, {"ID": "User_" + e["oid"], "Type": 2}, {"ID": e["oid"], "Type": 2}, {"ID": "User", "Type": 2}]
    else:
        actor += [{"ID": "ServicePrincipal_" + e["oid"], "Type": 2}, {"ID": e["oid"], "Type": 2}, {"ID": "ServicePrincipal", "Type": 2}]
    mp = []
    if op == STS and e.get("old"):
        mp = [{"Name": "StsRefreshTokensValidFrom", "NewValue": "[\r\n  \"%s\"\r\n]" % e["new"], "OldValue": "[\r\n  \"%s\"\r\n]" % e["old"]},
              {"Name": "Included Updated Properties", "NewValue": "StsRefreshTokensValidFrom", "OldValue": ""}]
    elif op != STS:
        mp = [{"Name": "Department", "NewValue": "[\r\n  \"Ops\"\r\n]", "OldValue": "[]"}]
    return {"CreationTime": e["time"][:-1], "Id": e["id"], "Operation": op, "OrganizationId": ORG, "RecordType": 8,
            "ResultStatus": "Success", "UserKey": "1003BFFD00000001@fabrikam.example", "UserType": 0 if e["kind"] == "User" else 5,
            "Version": 1, "Workload": "AzureActiveDirectory", "ClientIP": client_ip or e["ip"], "ObjectId": e["victim"], "UserId": e["upn"],
            "AzureActiveDirectoryEventType": 1,
            "ExtendedProperties": [{"Name": "extendedAuditEventCategory", "Value": "User"}],
            "ModifiedProperties": mp, "Actor": actor, "ActorContextId": ORG, "ActorIpAddress": "",
            "InterSystemsId": "c0c0c0c0-0000-4000-8000-0000000000%s" % e["id"][-2:], "IntraSystemId": "d0d0d0d0-0000-4000-8000-0000000000%s" % e["id"][-2:],
            "SupportTicketId": "", "Target": [{"ID": "User_0f0f0f0f-0000-4000-8000-0000000000aa", "Type": 2}, {"ID": e["victim"], "Type": 5}],
            "TargetContextId": ORG}
def ual_row(e):
    if e.get("old"):
        return {"AccountObjectId": e["oid"] if False else None}
def expected_ual_row(e):
    return {"AccountObjectId": e["oid"], "AccountDisplayName": e["upn"], "Role": e["kind"], "IPAddress": e["ip"], "IsAnonymousProxy": None, "ISP": "",
            "tokenMinutesAdded": diff(e["new"], e["old"]), "tokenMinutesRemaining": diff(e["time"], e["new"])}
def nm(reason, eid): return {"kind": "near_miss", "reason": reason, "event_id": eid}
def write_expected(name, items):
    with open(os.path.join(OUT, name + ".expected.jsonl"), "w") as f:
        for i in items: f.write(json.dumps(i) + "\n")
def graph_record(e, op=STS, audit=None, client_ip=None):
    return {"id": e["id"], "createdDateTime": e["time"], "auditLogRecordType": "azureActiveDirectory", "operation": op, "organizationId": ORG,
            "userType": "regular", "userId": "1003BFFD00000001@fabrikam.example", "service": "AzureActiveDirectory", "objectId": e["victim"],
            "userPrincipalName": e["upn"], "clientIp": e["ip"], "administrativeUnits": [],
            "auditData": audit if audit is not None else ual(e, op, client_ip)}
# 1. Graph audit log query: two pages ({"value":[...]} with @odata.nextLink), auditData as JSON text, ClientIP with a port.
p1 = {"@odata.context": "https://graph.microsoft.com/beta/$metadata#security/auditLog/queries('q1')/records", "@odata.nextLink": "https://graph.microsoft.com/beta/security/auditLog/queries/q1/records?$skiptoken=abc",
      "value": [graph_record(N, "Update user.", audit=json.dumps(ual(N, "Update user."))), graph_record(P, audit=json.dumps(ual(P, client_ip="192.0.2.50:50123")))]}
p2 = {"@odata.context": p1["@odata.context"], "value": [graph_record(Q, audit=json.dumps(ual(Q, client_ip="[198.51.100.200]:443"))), graph_record(R, audit=json.dumps(ual(R)))]}
with open(os.path.join(OUT, "graph-records-pages.json"), "w") as f:
    f.write(json.dumps(p1, indent=2) + "\n" + json.dumps(p2, indent=2) + "\n")
write_expected("graph-records-pages", [expected_ual_row(P), expected_ual_row(Q), nm("no_modified_properties", R["id"])])
# 2. Graph records one per line; one auditData left empty by the collecting script.
with open(os.path.join(OUT, "graph-records-lines.jsonl"), "w") as f:
    for r in [graph_record(N, "Update user."), graph_record(P), graph_record(Q, audit=""), graph_record(R)]:
        f.write(json.dumps(r) + "\n")
write_expected("graph-records-lines", [expected_ual_row(P), nm("audit_data_unusable", Q["id"]), nm("no_modified_properties", R["id"])])
# 3. Search-UnifiedAuditLog result objects, PowerShell 7 ConvertTo-Json: RecordType as a number, ISO CreationDate, AuditData as text.
def sual(e, op=STS, i=1, client_ip=None):
    return {"PSComputerName": "outlook.office365.com", "RunspaceId": "3c3c3c3c-0000-4000-8000-000000000001", "PSShowComputerName": False,
            "RecordType": 8, "CreationDate": e["time"][:-1], "UserIds": e["upn"], "Operations": op, "AuditData": json.dumps(ual(e, op, client_ip)),
            "ResultIndex": i, "ResultCount": 4, "Identity": e["id"], "IsValid": True, "ObjectState": "Unchanged"}
with open(os.path.join(OUT, "search-ual-ps7.json"), "w") as f:
    f.write(json.dumps([sual(N, "Update user.", 1), sual(P, i=2, client_ip="[2001:db8::5]:443"), sual(Q, i=3), sual(R, i=4)], indent=2))
pe = expected_ual_row(P); pe["IPAddress"] = "2001:db8::5"
write_expected("search-ual-ps7", [pe, expected_ual_row(Q), nm("no_modified_properties", R["id"])])
# 4. Graph PowerShell Get-MgAuditLogDirectoryAudit | ConvertTo-Json: PascalCase, App of nulls for a user.
def mg(e, op="Update StsRefreshTokenValidFrom Timestamp", n=1):
    nulls_app = {"AppId": None, "DisplayName": None, "ServicePrincipalId": None, "ServicePrincipalName": None, "AdditionalProperties": {}}
    nulls_user = {"DisplayName": None, "Id": None, "IPAddress": None, "UserPrincipalName": None, "AdditionalProperties": {}}
    if e["kind"] == "User":
        ib = {"App": nulls_app, "User": {"DisplayName": None, "Id": e["oid"], "IPAddress": e["ip"], "UserPrincipalName": e["upn"], "AdditionalProperties": {"homeTenantId": ORG}}, "AdditionalProperties": {}}
    else:
        ib = {"App": {"AppId": "abababab-0000-4000-8000-000000000001", "DisplayName": e["upn"], "ServicePrincipalId": e["oid"], "ServicePrincipalName": None, "AdditionalProperties": {}}, "User": nulls_user, "AdditionalProperties": {}}
    props = []
    if e.get("old") and op.startswith("Update Sts"):
        props = [{"DisplayName": "StsRefreshTokensValidFrom", "NewValue": "[\"%s\"]" % e["new"], "OldValue": "[\"%s\"]" % e["old"], "AdditionalProperties": {}},
                 {"DisplayName": "Included Updated Properties", "NewValue": "\"StsRefreshTokensValidFrom\"", "OldValue": None, "AdditionalProperties": {}}]
    return {"ActivityDateTime": e["time"], "ActivityDisplayName": op, "AdditionalDetails": [], "Category": "UserManagement",
            "CorrelationId": "e1e1e1e1-0000-4000-8000-0000000000%02d" % n, "Id": "Directory_FBK01_%s" % e["id"][-6:], "InitiatedBy": ib,
            "LoggedByService": "Core Directory", "OperationType": "Update", "Result": "success", "ResultReason": "",
            "TargetResources": [{"DisplayName": None, "GroupType": None, "Id": "0f0f0f0f-0000-4000-8000-0000000000aa", "ModifiedProperties": props,
                                  "Type": "User", "UserPrincipalName": e["victim"], "AdditionalProperties": {}}], "AdditionalProperties": {}}
with open(os.path.join(OUT, "mg-directory-audits.json"), "w") as f:
    f.write(json.dumps([mg(N, "Update user", 0), mg(P, n=1), mg(Q, n=2), mg(R, n=3)], indent=4))
def entra_row(e, ip=True):
    return {"AccountObjectId": e["oid"], "AccountDisplayName": e["upn"], "Role": e["kind"], "IPAddress": e["ip"] if e["kind"] == "User" else "",
            "IsAnonymousProxy": None, "ISP": "", "tokenMinutesAdded": diff(e["new"], e["old"]), "tokenMinutesRemaining": diff(e["time"], e["new"])}
write_expected("mg-directory-audits", [entra_row(P), entra_row(Q), nm("no_modified_properties", "Directory_FBK01_" + R["id"][-6:])])
# 5. Entra admin center Download (CSV): the public header, rows that stop early.
H = ["Date (UTC)", "CorrelationId", "Service", "Category", "Activity", "Result", "ResultReason", "User Agent", "ActorType", "ActorDisplayName", "ActorObjectId",
     "ActorUserPrincipalName", "IPAddress", "ActorHomeTenantId", "ActorHomeTenantName", "ActorServicePrincipalId", "ActorServicePrincipalName"]
for tn in (1, 2, 3):
    H += ["Target%dType" % tn, "Target%dDisplayName" % tn, "Target%dObjectId" % tn, "Target%dUserPrincipalName" % tn]
    for pn in range(1, 6):
        H += ["Target%dModifiedProperty%dName" % (tn, pn), "Target%dModifiedProperty%dOldValue" % (tn, pn), "Target%dModifiedProperty%dNewValue" % (tn, pn)]
for dn in range(1, 7):
    H += ["AdditionalDetail%dKey" % dn, "AdditionalDetail%dValue" % dn]
def drow(e, op="Update StsRefreshTokenValidFrom Timestamp", n=1):
    r = {"Date (UTC)": e["time"].replace("Z", ".4410000+00:00"), "CorrelationId": "e1e1e1e1-0000-4000-8000-0000000000%02d" % n, "Service": "Core Directory",
         "Category": "UserManagement", "Activity": op, "Result": "success", "ResultReason": "", "User Agent": ""}
    if e["kind"] == "User":
        r.update({"ActorType": "User", "ActorDisplayName": "Ops Lead", "ActorObjectId": e["oid"], "ActorUserPrincipalName": e["upn"], "IPAddress": e["ip"]})
    else:
        r.update({"ActorType": "Application", "ActorDisplayName": e["upn"], "ActorObjectId": "", "ActorUserPrincipalName": "", "IPAddress": "",
                  "ActorServicePrincipalId": e["oid"], "ActorServicePrincipalName": e["upn"]})
    r.update({"Target1Type": "User", "Target1DisplayName": "", "Target1ObjectId": "0f0f0f0f-0000-4000-8000-0000000000aa", "Target1UserPrincipalName": e["victim"]})
    if e.get("old") and op.startswith("Update Sts"):
        r.update({"Target1ModifiedProperty1Name": "StsRefreshTokensValidFrom", "Target1ModifiedProperty1OldValue": "[\"%s\"]" % e["old"],
                  "Target1ModifiedProperty1NewValue": "[\"%s\"]" % e["new"], "Target1ModifiedProperty2Name": "Included Updated Properties",
                  "Target1ModifiedProperty2OldValue": "", "Target1ModifiedProperty2NewValue": "StsRefreshTokensValidFrom"})
    elif not op.startswith("Update Sts"):
        r.update({"Target1ModifiedProperty1Name": "Department", "Target1ModifiedProperty1OldValue": "[]", "Target1ModifiedProperty1NewValue": "[\"Ops\"]"})
    cells = [r.get(h, "") for h in H]
    while cells and cells[-1] == "": cells.pop()   # the row stops at its last value
    return cells
buf = io.StringIO()
w = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
w.writerow(H)
for row in [drow(N, "Update user", 0), drow(P, n=1), drow(Q, n=2), drow(R, n=3)]:
    w.writerow(row)
open(os.path.join(OUT, "entra-download.csv"), "w", encoding="utf-8-sig", newline="").write(buf.getvalue())
write_expected("entra-download", [entra_row(P), entra_row(Q), nm("no_modified_properties", "")])
# 6. Defender portal CSV in local time (UTC+02:00), month-first dates that all read both ways.
def local(s, hours=2):
    d = t(s) + timedelta(hours=hours)
    return d.strftime("%m/%d/%Y, ") + d.strftime("%I:%M:%S.000 %p").lstrip("0")
PH = ["Timestamp", "ActionType", "Application", "ApplicationId", "AccountObjectId", "AccountDisplayName", "IPAddress", "IsAnonymousProxy", "ISP", "City", "CountryCode", "ReportId", "RawEventData"]
def prow(e, op=STS):
    return [local(e["time"]), op, "Microsoft 365", "11161", e["oid"] if e["kind"] == "User" else "", e["upn"] if e["kind"] == "User" else e["upn"],
            e["ip"], "false" if e["kind"] == "User" else "", "Fabrikam Fiber" if e["kind"] == "User" else "", "oslo", "NO",
            "20250610_11161_" + e["id"], json.dumps(ual(e, op), separators=(",", ":"))]
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\n")
w.writerow(PH)
for row in [prow(N, "Update user."), prow(P), prow(Q), prow(R)]:
    w.writerow(row)
open(os.path.join(OUT, "portal-local-time.csv"), "w", newline="").write(buf.getvalue())
def portal_row(e):
    return {"AccountObjectId": e["oid"] if e["kind"] == "User" else "", "AccountDisplayName": e["upn"], "Role": e["kind"], "IPAddress": e["ip"],
            "IsAnonymousProxy": False if e["kind"] == "User" else None, "ISP": "Fabrikam Fiber" if e["kind"] == "User" else "",
            "tokenMinutesAdded": diff(e["new"], e["old"]), "tokenMinutesRemaining": diff(e["time"], e["new"])}
write_expected("portal-local-time", [portal_row(P), portal_row(Q), nm("no_modified_properties", R["id"])])
# 7. Purview audit search CSV (RecordId header) with P's AuditData cut by the service.
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\r\n")
w.writerow(["RecordId", "CreationDate", "RecordType", "Operation", "UserId", "AuditData", "AssociatedAdminUnits", "AssociatedAdminUnitsNames"])
def us(s): d = t(s); return d.strftime("%-m/%-d/%Y %-I:%M:%S %p")
cut_p = json.dumps(ual(P), separators=(",", ":"))[:1234]
for e, data in [(N, json.dumps(ual(N, "Update user."), separators=(",", ":"))), (P, cut_p), (Q, json.dumps(ual(Q), separators=(",", ":")))]:
    op = "Update user." if e is N else STS
    w.writerow([e["id"], us(e["time"]), "8", op, e["upn"], data, "", ""])
open(os.path.join(OUT, "purview-cut.csv"), "w", newline="").write(buf.getvalue())
write_expected("purview-cut", [expected_ual_row(Q), nm("record_cut", P["id"])])

# 8. The same events in two exports: UAL JSON lines (Management API) and a Purview CSV.
os.makedirs(os.path.join(OUT, "same-event-twice"), exist_ok=True)
with open(os.path.join(OUT, "same-event-twice", "ual-api.jsonl"), "w") as f:
    for e, op in [(N, "Update user."), (P, STS), (R, STS)]:
        f.write(json.dumps(ual(e, op)) + "\n")
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\r\n")
w.writerow(["RecordId", "CreationDate", "RecordType", "Operation", "UserId", "AuditData", "AssociatedAdminUnits", "AssociatedAdminUnitsNames"])
for e in [P, R, P]:
    w.writerow([e["id"], us(e["time"]), "8", STS, e["upn"], json.dumps(ual(e), separators=(",", ":")), "", ""])
open(os.path.join(OUT, "same-event-twice", "purview.csv"), "w", newline="").write(buf.getvalue())
write_expected("same-event-twice", [expected_ual_row(P), nm("no_modified_properties", R["id"])])
