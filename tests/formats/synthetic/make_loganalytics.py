# Writes the Log Analytics inputs of tests/formats/synthetic and their expected values (minute
# counts computed here with Python datetime, independently of the Rust code).
# Run: python3 tests/formats/synthetic/make_loganalytics.py
# Synthetic values (fabrikam.example, documentation IPs, made-up GUIDs) in the real shapes:
# - the Log Analytics query API response (Azure Monitor docs, "Log Analytics API response
#   format"): {"tables":[{"name":"PrimaryResult","columns":[{"name","type"}],"rows":[[...]]}]},
#   dynamic columns as JSON text, and an "error" beside the tables for a partial result;
# - `az monitor log-analytics query` output (azure-cli transforms each row with str(value)):
#   a JSON array of objects, "TableName" first, every value text ("True", "None", "0").
import json, os
from datetime import datetime, timezone
OUT = os.path.dirname(os.path.abspath(__file__))
def t(s): return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
def fm(d): return int(d.replace(second=0).timestamp() // 60)
def diff(a, b): return fm(t(a)) - fm(t(b))
TENANT = "6f6f6f6f-0000-4000-8000-00000000beef"
STS = "Update StsRefreshTokenValidFrom Timestamp."
def ev(n, time, old, new, upn, oid, ip, kind, victim):
    return dict(id="8c8c8c8c-2222-4333-8444-0000000000%02d" % n, time=time, old=old, new=new, upn=upn, oid=oid, ip=ip, kind=kind, victim=victim)
P = ev(1, "2025-09-02T07:45:12Z", "2025-03-01T09:00:00Z", "2025-09-02T07:45:11Z", "sec.admin@fabrikam.example",
       "21212121-3333-4444-8555-000000000001", "203.0.113.77", "User", "mo.rahman@fabrikam.example")
Q = ev(2, "2025-09-03T22:10:05Z", "2025-09-03T22:00:00Z", "2025-08-01T00:00:00Z", "Token Refresher",
       "31313131-3333-4444-8555-000000000002", "198.51.100.9", "ServicePrincipal", "jo.berg@fabrikam.example")
R = ev(3, "2025-09-04T12:00:30Z", None, None, "sec.admin@fabrikam.example",
       "21212121-3333-4444-8555-000000000001", "203.0.113.77", "User", "li.wei@fabrikam.example")
N = ev(9, "2025-09-02T07:44:00Z", None, None, "sec.admin@fabrikam.example",
       "21212121-3333-4444-8555-000000000001", "203.0.113.77", "User", "mo.rahman@fabrikam.example")

def la_time(s): return s[:-1] + ".318Z"   # Log Analytics writes milliseconds
def nm(reason, eid): return {"kind": "near_miss", "reason": reason, "event_id": eid}
def write_expected(name, items):
    with open(os.path.join(OUT, name + ".expected.jsonl"), "w") as f:
        for i in items: f.write(json.dumps(i) + "\n")
def row(e, ip):
    return {"AccountObjectId": e["oid"], "AccountDisplayName": e["upn"], "Role": e["kind"], "IPAddress": ip,
            "IsAnonymousProxy": None, "ISP": "", "tokenMinutesAdded": diff(e["new"], e["old"]), "tokenMinutesRemaining": diff(e["time"], e["new"])}

# --- AuditLogs (Entra) rows -------------------------------------------------------------
AUDIT_COLUMNS = [("TenantId", "string"), ("SourceSystem", "string"), ("TimeGenerated", "datetime"), ("ResourceId", "string"),
                 ("OperationName", "string"), ("OperationVersion", "string"), ("Category", "string"), ("ResultType", "string"),
                 ("ResultSignature", "string"), ("ResultDescription", "string"), ("DurationMs", "long"), ("CorrelationId", "string"),
                 ("Resource", "string"), ("ResourceGroup", "string"), ("ResourceProvider", "string"), ("Identity", "string"),
                 ("Level", "string"), ("Location", "string"), ("AdditionalDetails", "dynamic"), ("Id", "string"),
                 ("InitiatedBy", "dynamic"), ("LoggedByService", "string"), ("Result", "string"), ("ResultReason", "string"),
                 ("TargetResources", "dynamic"), ("AADTenantId", "string"), ("ActivityDisplayName", "string"),
                 ("ActivityDateTime", "datetime"), ("AADOperationType", "string"), ("Type", "string")]
def audit(e, op="Update StsRefreshTokenValidFrom Timestamp", n=1, nested=False):
    if e["kind"] == "User":
        ib = {"user": {"id": e["oid"], "displayName": None, "userPrincipalName": e["upn"], "ipAddress": e["ip"], "roles": []}}
    else:
        ib = {"app": {"appId": "acacacac-0000-4000-8000-000000000002", "displayName": e["upn"], "servicePrincipalId": e["oid"], "servicePrincipalName": None}}
    props = []
    if e.get("old") and op.startswith("Update Sts"):
        props = [{"displayName": "StsRefreshTokensValidFrom", "oldValue": "[\"%s\"]" % e["old"], "newValue": "[\"%s\"]" % e["new"]},
                 {"displayName": "Included Updated Properties", "oldValue": None, "newValue": "\"StsRefreshTokensValidFrom\""}]
    elif not op.startswith("Update Sts"):
        props = [{"displayName": "Department", "oldValue": "[]", "newValue": "[\"Security\"]"}]
    targets = [{"id": "0e0e0e0e-0000-4000-8000-0000000000%02d" % n, "displayName": None, "type": "User", "userPrincipalName": e["victim"],
                "modifiedProperties": props, "administrativeUnits": []}]
    dyn = (lambda v: v) if nested else (lambda v: json.dumps(v, separators=(",", ":")))
    v = {"TenantId": TENANT, "SourceSystem": "Azure AD", "TimeGenerated": la_time(e["time"]), "ResourceId": "/tenants/%s/providers/Microsoft.aadiam" % TENANT,
         "OperationName": op, "OperationVersion": "1.0", "Category": "UserManagement", "ResultType": "", "ResultSignature": "None",
         "ResultDescription": "", "DurationMs": 0, "CorrelationId": "f2f2f2f2-0000-4000-8000-0000000000%02d" % n, "Resource": "Microsoft.aadiam",
         "ResourceGroup": "Microsoft.aadiam", "ResourceProvider": "", "Identity": "", "Level": "4", "Location": "",
         "AdditionalDetails": dyn([]), "Id": "Directory_FBK02_%s" % e["id"][-6:], "InitiatedBy": dyn(ib), "LoggedByService": "Core Directory",
         "Result": "success", "ResultReason": "", "TargetResources": dyn(targets), "AADTenantId": TENANT, "ActivityDisplayName": op,
         "ActivityDateTime": la_time(e["time"]), "AADOperationType": "Update", "Type": "AuditLogs"}
    return v
def entra_expected(e): return row(e, e["ip"] if e["kind"] == "User" else "")

# 1. The Log Analytics API response to `AuditLogs | where ...`, on one line as the service sends
#    it. Q's dynamic columns are nested values (a tool that parsed and saved the response again).
table = {"name": "PrimaryResult", "columns": [{"name": c, "type": ty} for c, ty in AUDIT_COLUMNS],
         "rows": [[audit(e, op, n, nested)[c] for c, _ in AUDIT_COLUMNS] for e, op, n, nested in
                  [(N, "Update user", 0, False), (P, "Update StsRefreshTokenValidFrom Timestamp", 1, False),
                   (Q, "Update StsRefreshTokenValidFrom Timestamp", 2, True), (R, "Update StsRefreshTokenValidFrom Timestamp", 3, False)]]}
with open(os.path.join(OUT, "la-api-auditlogs.json"), "w") as f:
    f.write(json.dumps({"tables": [table]}, separators=(",", ":")))
write_expected("la-api-auditlogs", [entra_expected(P), entra_expected(Q), nm("no_modified_properties", "Directory_FBK02_" + R["id"][-6:])])

# --- UAL records (OfficeActivity columns, and RawEventData of CloudAppEvents) -------------
def ual(e, op=STS):
    actor = [{"ID": e["upn"], "Type": 5}]
    if e["kind"] == "User":
        actor += [{"ID": "1003BFFD00000077", "Type": 3}, {"ID": "User_" + e["oid"], "Type": 2}, {"ID": e["oid"], "Type": 2}, {"ID": "User", "Type": 2}]
    else:
        actor += [{"ID": "ServicePrincipal_" + e["oid"], "Type": 2}, {"ID": e["oid"], "Type": 2}, {"ID": "ServicePrincipal", "Type": 2}]
    mp = []
    if op == STS and e.get("old"):
        mp = [{"Name": "StsRefreshTokensValidFrom", "NewValue": "[\r\n  \"%s\"\r\n]" % e["new"], "OldValue": "[\r\n  \"%s\"\r\n]" % e["old"]},
              {"Name": "Included Updated Properties", "NewValue": "StsRefreshTokensValidFrom", "OldValue": ""}]
    elif op != STS:
        mp = [{"Name": "Department", "NewValue": "[\r\n  \"Security\"\r\n]", "OldValue": "[]"}]
    return {"CreationTime": e["time"][:-1], "Id": e["id"], "Operation": op, "OrganizationId": TENANT, "RecordType": 8,
            "ResultStatus": "Success", "UserKey": "1003BFFD00000077@fabrikam.example", "UserType": 0 if e["kind"] == "User" else 5,
            "Version": 1, "Workload": "AzureActiveDirectory", "ClientIP": e["ip"], "ObjectId": e["victim"], "UserId": e["upn"],
            "AzureActiveDirectoryEventType": 1, "ExtendedProperties": [{"Name": "extendedAuditEventCategory", "Value": "User"}],
            "ModifiedProperties": mp, "Actor": actor, "ActorContextId": TENANT, "ActorIpAddress": "",
            "Target": [{"ID": "User_0e0e0e0e-0000-4000-8000-0000000000aa", "Type": 2}, {"ID": e["victim"], "Type": 5}],
            "TargetContextId": TENANT}
def ual_expected(e): return row(e, e["ip"])

# 2. OfficeActivity through the Log Analytics API, pretty-printed (as the docs show it and as
#    `Invoke-RestMethod ... | ConvertTo-Json -Depth 10` or jq write it). The UAL fields that are
#    arrays are string columns holding JSON text; the UAL Id is `OfficeId`. The query went
#    over a limit: an "error" beside the tables says the result is partial.
OA_COLUMNS = [("TenantId", "string"), ("TimeGenerated", "datetime"), ("Operation", "string"), ("OrganizationId", "string"),
              ("UserType", "string"), ("UserKey", "string"), ("OfficeWorkload", "string"), ("ResultStatus", "string"),
              ("OfficeObjectId", "string"), ("UserId", "string"), ("ClientIP", "string"), ("Actor", "string"),
              ("ActorContextId", "string"), ("ActorIpAddress", "string"), ("AzureActiveDirectory_EventType", "string"),
              ("ExtendedProperties", "string"), ("ModifiedProperties", "string"), ("AADTarget", "string"),
              ("RecordType", "string"), ("SourceSystem", "string"), ("OfficeId", "string"), ("SourceRecordId", "string"),
              ("ElevationTime", "datetime"), ("Start_Time", "datetime"), ("Type", "string")]
def office(e, op=STS):
    u = ual(e, op)
    text = lambda v: json.dumps(v, separators=(",", ":"))
    return {"TenantId": TENANT, "TimeGenerated": e["time"][:-1] + ".000Z", "Operation": op, "OrganizationId": TENANT,
            "UserType": "Regular" if e["kind"] == "User" else "ServicePrincipal", "UserKey": u["UserKey"], "OfficeWorkload": "AzureActiveDirectory",
            "ResultStatus": "Success", "OfficeObjectId": e["victim"], "UserId": e["upn"], "ClientIP": e["ip"], "Actor": text(u["Actor"]),
            "ActorContextId": TENANT, "ActorIpAddress": "", "AzureActiveDirectory_EventType": "1",
            "ExtendedProperties": text(u["ExtendedProperties"]), "ModifiedProperties": text(u["ModifiedProperties"]),
            "AADTarget": e["victim"], "RecordType": "AzureActiveDirectory", "SourceSystem": "OfficeActivityManager",
            "OfficeId": e["id"], "SourceRecordId": e["id"], "ElevationTime": None, "Start_Time": None, "Type": "OfficeActivity"}
resp = {"tables": [{"name": "PrimaryResult", "columns": [{"name": c, "type": ty} for c, ty in OA_COLUMNS],
                    "rows": [[office(e, op)[c] for c, _ in OA_COLUMNS] for e, op in [(N, "Update user."), (P, STS), (Q, STS), (R, STS)]]}],
        "error": {"message": "Response contains partial results", "code": "PartialError",
                  "details": [{"code": "EngineError", "message": "Something went wrong processing your query on the server.",
                               "innererror": {"code": "-2133196797", "message": "Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)", "severity": 2, "severityName": "Error"}}]}}
with open(os.path.join(OUT, "la-api-officeactivity.json"), "w") as f:
    f.write(json.dumps(resp, indent=4) + "\n")
write_expected("la-api-officeactivity", [ual_expected(P), ual_expected(Q), nm("no_modified_properties", R["id"])])

# 3. CloudAppEvents (the Defender XDR connector's copy in Sentinel) through the API: bool and
#    null columns as JSON values, RawEventData as JSON text; a row whose RawEventData is null.
CA_COLUMNS = [("TenantId", "string"), ("TimeGenerated", "datetime"), ("Timestamp", "datetime"), ("ActionType", "string"),
              ("Application", "string"), ("ApplicationId", "int"), ("AccountObjectId", "string"), ("AccountDisplayName", "string"),
              ("IPAddress", "string"), ("IsAnonymousProxy", "bool"), ("ISP", "string"), ("ReportId", "string"),
              ("RawEventData", "dynamic"), ("SourceSystem", "string"), ("Type", "string")]
def cloud(e, op=STS, raw=True):
    return {"TenantId": TENANT, "TimeGenerated": la_time(e["time"]), "Timestamp": e["time"], "ActionType": op, "Application": "Microsoft 365",
            "ApplicationId": 11161, "AccountObjectId": e["oid"], "AccountDisplayName": e["upn"], "IPAddress": e["ip"],
            "IsAnonymousProxy": False if e["kind"] == "User" else None, "ISP": "Contoso Telecom" if e["kind"] == "User" else "",
            "ReportId": "CA_" + e["id"], "RawEventData": json.dumps(ual(e, op)) if raw else None, "SourceSystem": "", "Type": "CloudAppEvents"}
S = dict(R, id="8c8c8c8c-2222-4333-8444-000000000004")
resp = {"tables": [{"name": "PrimaryResult", "columns": [{"name": c, "type": ty} for c, ty in CA_COLUMNS],
                    "rows": [[cloud(e, op, raw)[c] for c, _ in CA_COLUMNS] for e, op, raw in [(N, "Update user.", True), (P, STS, True), (Q, STS, True), (S, STS, False)]]}]}
with open(os.path.join(OUT, "la-api-cloudappevents.json"), "w") as f:
    f.write(json.dumps(resp, indent=2) + "\n")
def cloud_expected(e):
    r = row(e, e["ip"]); r["IsAnonymousProxy"] = False if e["kind"] == "User" else None
    r["ISP"] = "Contoso Telecom" if e["kind"] == "User" else ""
    return r
write_expected("la-api-cloudappevents", [cloud_expected(P), cloud_expected(Q), nm("unparseable_values", "CA_" + S["id"])])

# 4. `az monitor log-analytics query -w ... --analytics-query 'AuditLogs | ...'`: every value
#    str()-ed; a null long is "None", the app's InitiatedBy keeps its JSON nulls inside the text.
def py(v):
    if v is None: return "None"
    if v is True: return "True"
    if v is False: return "False"
    return str(v) if not isinstance(v, str) else v
def az(values, columns):
    out = {"TableName": "PrimaryResult"}
    for c, _ in columns: out[c] = py(values[c])
    return out
rows = []
for e, op, n in [(N, "Update user", 0), (P, "Update StsRefreshTokenValidFrom Timestamp", 1), (Q, "Update StsRefreshTokenValidFrom Timestamp", 2), (R, "Update StsRefreshTokenValidFrom Timestamp", 3)]:
    a = audit(e, op, n); a["DurationMs"] = None
    rows.append(az(a, AUDIT_COLUMNS))
with open(os.path.join(OUT, "az-cli-auditlogs.json"), "w") as f:
    f.write(json.dumps(rows, indent=2) + "\n")
write_expected("az-cli-auditlogs", [entra_expected(P), entra_expected(Q), nm("no_modified_properties", "Directory_FBK02_" + R["id"][-6:])])

# 5. az output of a union over OfficeActivity and CloudAppEvents: every row has every column,
#    the other table's as "" or "None"; IsAnonymousProxy "False" / "None"; RawEventData "None".
U_COLUMNS = CA_COLUMNS + [c for c in OA_COLUMNS if c[0] not in dict(CA_COLUMNS)]
rows = []
for e, op, kind, raw in [(N, "Update user.", "oa", True), (P, STS, "oa", True), (Q, STS, "ca", True), (S, STS, "ca", False)]:
    vals = {c: (None if ty in ("datetime", "bool", "int", "long", "dynamic") else "") for c, ty in U_COLUMNS}
    vals.update(office(e, op) if kind == "oa" else cloud(e, op, raw))
    rows.append(az(vals, U_COLUMNS))
with open(os.path.join(OUT, "az-cli-union.json"), "w") as f:
    f.write(json.dumps(rows, indent=2) + "\n")
write_expected("az-cli-union", [ual_expected(P), cloud_expected(Q), nm("unparseable_values", "CA_" + S["id"])])
