# Part of tests/formats/variants/make_variants.py: The events, the UAL record and its expected row,
# and the writers every variants
# generator uses (synthetic values: woodgrove.example, documentation IP ranges, made-up GUIDs).
# The minute counts are computed with Python datetime (minute boundaries crossed, as Kusto's
# datetime_diff counts them), independently of the Rust code.
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
