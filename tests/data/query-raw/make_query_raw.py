"""Synthetic exports in the shape `sts-triage query --raw` returns (synthetic values,
real shapes): the Defender portal's CSV and the advanced hunting API's JSON, the Sentinel
portal's CSV and Log Analytics JSON (az CLI), and the AuditLogs raw query in both.

Run from this folder: python3 make_query_raw.py
Each CloudAppEvents file holds 2 flagged events (one moved backwards, one revocation) and
3 near misses (entry [0] is "Included Updated Properties", DirectorySync, the operation
without its trailing period). Each AuditLogs file holds 1 flagged event and 1 near miss
(DirectorySync)."""
import csv, json

OP = "Update StsRefreshTokenValidFrom Timestamp."

def mp(name, old, new):
    return {"Name": name, "NewValue": '[\r\n  "%s"\r\n]' % new, "OldValue": '[\r\n  "%s"\r\n]' % old}

def ual(i, when, user, props, role="User", op=OP):
    return {"CreationTime": when, "Id": "5e1f0000-0000-4000-8000-00000000000%d" % i, "Operation": op,
            "OrganizationId": "0b6c0000-0000-4000-8000-000000000000", "RecordType": 8, "ResultStatus": "Success",
            "UserKey": "1003BFFD%d@contoso.onmicrosoft.com" % i, "UserType": 0, "Version": 1, "Workload": "AzureActiveDirectory",
            "ObjectId": "target%d@contoso.onmicrosoft.com" % i, "UserId": user, "ActorIpAddress": "198.51.100.%d" % (10 + i),
            "ModifiedProperties": props,
            "Actor": [{"ID": user, "Type": 5}, {"ID": "1003BFFD%d" % i, "Type": 3}, {"ID": role, "Type": 2}]}

EVENTS = [
    # (time, user, oid, ip, proxy, isp, ua, ual record)
    ("2025-10-01T14:32:27", "mallory@contoso.com", "a1b2c3d4-0000-4000-8000-000000000001", "203.0.113.7", True, "Anon VPN Ltd",
     "python-requests/2.31",
     ual(1, "2025-10-01T14:32:27", "mallory@contoso.com",
         [mp("StsRefreshTokensValidFrom", "2025-10-01T08:00:00Z", "2025-09-20T08:00:00Z"),
          {"Name": "Included Updated Properties", "NewValue": "StsRefreshTokensValidFrom", "OldValue": ""}])),
    ("2025-10-02T09:15:04", "helpdesk@contoso.com", "a1b2c3d4-0000-4000-8000-000000000002", "198.51.100.20", False, "Contoso ISP",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
     ual(2, "2025-10-02T09:15:04", "helpdesk@contoso.com",
         [mp("StsRefreshTokensValidFrom", "2025-06-15T08:12:03Z", "2025-10-02T09:15:03Z")])),
    ("2025-10-03T11:00:00", "admin@contoso.com", "a1b2c3d4-0000-4000-8000-000000000003", "198.51.100.30", False, "Contoso ISP",
     "Mozilla/5.0",
     ual(3, "2025-10-03T11:00:00", "admin@contoso.com",
         [{"Name": "Included Updated Properties", "NewValue": "StsRefreshTokensValidFrom", "OldValue": ""},
          mp("StsRefreshTokensValidFrom", "2025-06-15T08:12:03Z", "2025-10-03T11:00:00Z")])),
    ("2025-10-04T02:00:00", "Sync_HOST01_0123456789ab@contoso.onmicrosoft.com", "", "", None, "",
     "",
     ual(4, "2025-10-04T02:00:00", "Sync_HOST01_0123456789ab@contoso.onmicrosoft.com",
         [mp("StsRefreshTokensValidFrom", "2025-06-15T08:12:03Z", "2025-10-04T02:00:00Z"),
          {"Name": "Action Client Name", "NewValue": "DirectorySync", "OldValue": ""}], role="ServicePrincipal")),
    ("2025-10-05T16:45:10", "ops@contoso.com", "a1b2c3d4-0000-4000-8000-000000000005", "198.51.100.50", False, "Contoso ISP",
     "Mozilla/5.0",
     ual(5, "2025-10-05T16:45:10", "ops@contoso.com",
         [mp("StsRefreshTokensValidFrom", "2025-06-15T08:12:03Z", "2025-10-05T16:45:10Z")],
         op="Update StsRefreshTokenValidFrom Timestamp")),
]

RAW_COLUMNS = ["ReportId", "ActionType", "Application", "AccountObjectId", "AccountDisplayName", "IPAddress",
               "IsAnonymousProxy", "ISP", "CountryCode", "City", "UserAgent", "RawEventData"]

def cloud_rows():
    for i, (t, user, oid, ip, proxy, isp, ua, raw) in enumerate(EVENTS, 1):
        yield t, {"ReportId": "1068308%d_11161_%s" % (i, raw["Id"]), "ActionType": raw["Operation"],
                  "Application": "Microsoft 365", "AccountObjectId": oid or None, "AccountDisplayName": user,
                  "IPAddress": ip or None, "IsAnonymousProxy": proxy, "ISP": isp or None,
                  "CountryCode": "US" if ip else None, "City": "redmond" if ip else None,
                  "UserAgent": ua or None, "RawEventData": raw}

def csv_cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return json.dumps(v, separators=(",", ":"))
    return v

def us_time(t):
    # 2025-10-01T14:32:27 -> 10/1/2025, 2:32:27.000 PM (the Log Analytics portal's style)
    d, h = t.split("T"); y, mo, da = d.split("-"); hh, mi, ss = h.split(":")
    hh = int(hh); ap = "AM" if hh < 12 else "PM"; h12 = hh % 12 or 12
    return "%d/%d/%s, %d:%s:%s.000 %s" % (int(mo), int(da), y, h12, mi, ss, ap)

# Defender XDR portal: Export (CSV), ISO timestamps with 7 fractional digits.
with open("defender-portal.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow(["Timestamp"] + RAW_COLUMNS)
    for t, row in cloud_rows():
        w.writerow([t + ".0000000Z"] + [csv_cell(row[c]) for c in RAW_COLUMNS])

# Defender XDR advanced hunting API: {"Schema": [...], "Results": [...]}, RawEventData an object.
types = {"Timestamp": "DateTime", "IsAnonymousProxy": "Boolean", "RawEventData": "Object"}
with open("defender-api.json", "w", encoding="utf-8") as f:
    json.dump({"Schema": [{"Name": c, "Type": types.get(c, "String")} for c in ["Timestamp"] + RAW_COLUMNS],
               "Results": [dict({"Timestamp": t + "Z"}, **row) for t, row in cloud_rows()]}, f, indent=2)
    f.write("\n")

# Sentinel / Log Analytics portal: Export to CSV, "TimeGenerated [UTC]" in US style.
with open("sentinel-portal.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow(["TimeGenerated [UTC]"] + RAW_COLUMNS)
    for t, row in cloud_rows():
        w.writerow([us_time(t)] + [csv_cell(row[c]) for c in RAW_COLUMNS])

# Log Analytics JSON (az monitor log-analytics query): an array of objects, every dynamic
# column as JSON text, booleans as they are.
with open("sentinel-api.json", "w", encoding="utf-8") as f:
    out = []
    for t, row in cloud_rows():
        r = dict({"TimeGenerated": t + ".000Z"}, **row)
        r["RawEventData"] = json.dumps(row["RawEventData"])
        out.append(r)
    json.dump(out, f, indent=2)
    f.write("\n")

# AuditLogs, the sibling rule's raw query.
AUDIT_COLUMNS = ["TimeGenerated", "Id", "OperationName", "ActivityDisplayName", "Category", "Result",
                 "LoggedByService", "CorrelationId", "InitiatedBy", "TargetResources", "AdditionalDetails"]

def audit_rows():
    sts = {"displayName": "StsRefreshTokensValidFrom",
           "oldValue": '["2025-10-01T08:00:00Z"]', "newValue": '["2025-09-20T08:00:00Z"]'}
    sync = {"displayName": "Action Client Name", "oldValue": "", "newValue": '"DirectorySync"'}
    for i, (t, who, ip, props) in enumerate([
            ("2025-10-01T14:32:27.120Z", "mallory@contoso.com", "203.0.113.7", [sts]),
            ("2025-10-04T02:00:00.000Z", "Sync_HOST01_0123456789ab@contoso.onmicrosoft.com", None, [sts, sync])], 1):
        yield {"TimeGenerated": t, "Id": "Directory_7c0e0000-0000-4000-8000-00000000000%d_ABCDE_%d" % (i, i),
               "OperationName": "Update StsRefreshTokenValidFrom Timestamp",
               "ActivityDisplayName": "Update StsRefreshTokenValidFrom Timestamp",
               "Category": "UserManagement", "Result": "success", "LoggedByService": "Core Directory",
               "CorrelationId": "7c0e0000-0000-4000-8000-00000000000%d" % i,
               "InitiatedBy": {"user": {"id": "a1b2c3d4-0000-4000-8000-00000000000%d" % i, "displayName": None,
                                        "userPrincipalName": who, "ipAddress": ip, "roles": []}},
               "TargetResources": [{"id": "9d9d0000-0000-4000-8000-00000000000%d" % i, "displayName": None,
                                    "type": "User", "userPrincipalName": "target%d@contoso.com" % i,
                                    "modifiedProperties": props, "administrativeUnits": []}],
               "AdditionalDetails": [{"key": "User-Agent", "value": "Mozilla/5.0"}]}

with open("auditlogs-portal.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow(["TimeGenerated [UTC]"] + AUDIT_COLUMNS[1:])
    for r in audit_rows():
        t = r["TimeGenerated"][:19]
        w.writerow([us_time(t)] + [json.dumps(r[c], separators=(",", ":")) if isinstance(r[c], (dict, list)) else r[c]
                                   for c in AUDIT_COLUMNS[1:]])

with open("auditlogs-api.jsonl", "w", encoding="utf-8") as f:
    for r in audit_rows():
        for c in ("InitiatedBy", "TargetResources", "AdditionalDetails"):
            r[c] = json.dumps(r[c], separators=(",", ":"))
        f.write(json.dumps(r) + "\n")
