# Part of tests/formats/variants/make_variants.py: Graph audit log query records (pages, arrays,
# PowerShell 7 object text) and Graph
# directoryAudits (pages, lines, Graph PowerShell at its default depth).
from variants_common import *  # noqa: F401,F403 (the names of the parts before)
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
