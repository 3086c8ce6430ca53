# Writes the inputs of tests/formats/synthetic in the shapes the collection tools write, and
# their expected values. Run: python3 tests/formats/synthetic/make_collectors.py
# The events and minute counts are those of make_loganalytics.py (its helpers are reused).
# Shapes, from the tools' public sources:
# - Microsoft-Extractor-Suite Get-UALGraph: -Output JSON (an array written record by record:
#   "[", then ",\r\n" + ConvertTo-Json of each Graph record, then "]"), CSV (Select-Object of
#   the Graph fields, auditData as pretty JSON text, administrativeUnits as System.Object[]),
#   JSONL (compressed auditData lines, each followed by a blank line);
# - Microsoft-Extractor-Suite Get-UAL -Output JSON: each batch of Search-UnifiedAuditLog
#   results (AuditData parsed) appended as its own ConvertTo-Json document (a batch of one is
#   an object, not an array), with a newline between;
# - Hawk's simple view (Get-SimpleUnifiedAuditLog): arrays of objects spread over
#   ModifiedProperties_0_Name... columns, "" for an empty array; JSON by Out-File (UTF-16LE
#   in Windows PowerShell 5.1) and CSV by Export-Csv -Encoding UTF8;
# - the Sentinel / Log Analytics portal's Export to CSV: "TimeGenerated [UTC]" with
#   "9/2/2025, 7:45:12.000 AM", dynamic columns as JSON text, of OfficeActivity and AuditLogs.
import json, csv, io, sys, os
OUT = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(OUT, "make_loganalytics.py")).read()
top = src.split("# 1. The Log Analytics API response")[0]
mid = src.split("# --- UAL records")[1].split("# 2. OfficeActivity through")[0]
ns = {"__file__": os.path.join(OUT, "make_loganalytics.py")}
exec(top + "\n# --- UAL records" + mid, ns)
# office() and OA_COLUMNS
oa = src.split("# 2. OfficeActivity through")[1].split("resp = {")[0]
exec("#" + oa, ns)
P,Q,R,N,ual,audit,office,OA_COLUMNS,AUDIT_COLUMNS = [ns[k] for k in "P Q R N ual audit office OA_COLUMNS AUDIT_COLUMNS".split()]
STS = ns["STS"]
def ps_json(v, indent=2): return json.dumps(v, indent=indent).replace("\n", "\r\n")
def graph_record(e, op=STS):
    return {"id": e["id"], "createdDateTime": e["time"], "auditLogRecordType": "azureActiveDirectory", "operation": op, "organizationId": ns["TENANT"],
            "userType": "regular", "userId": "1003BFFD00000077@fabrikam.example", "service": "AzureActiveDirectory", "objectId": e["victim"],
            "userPrincipalName": e["upn"], "clientIp": e["ip"], "administrativeUnits": [], "auditData": ual(e, op)}
evs = [(N, "Update user."), (P, STS), (Q, STS), (R, STS)]
# 1. Get-UALGraph -Output JSON
out = "\ufeff[\r\n"
for i, (e, op) in enumerate(evs):
    if i: out += ","
    out += "\r\n" + ps_json(graph_record(e, op))
out += "]\r\n"
open(os.path.join(OUT, "extractor-ualgraph.json"), "w", newline="").write(out)
# 2. Get-UALGraph -Output CSV
buf = io.StringIO(); w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
cols = ["id","createdDateTime","auditLogRecordType","operation","organizationId","userType","userId","service","objectId","userPrincipalName","clientIp","administrativeUnits","auditData"]
w.writerow(cols)
for e, op in evs:
    r = graph_record(e, op); r["administrativeUnits"] = "System.Object[]"; r["auditData"] = ps_json(r["auditData"])
    w.writerow([r[c] for c in cols])
open(os.path.join(OUT, "extractor-ualgraph-csv.csv"), "w", newline="", encoding="utf-8-sig").write(buf.getvalue())
# 3. Get-UALGraph -Output JSONL
out = "\ufeff"
for e, op in evs:
    out += json.dumps(ual(e, op), separators=(",", ":")) + "\r\n" + "\r\n" + "\r\n"
open(os.path.join(OUT, "extractor-ualgraph-lines.jsonl"), "w", newline="").write(out)
# 4. Get-UAL (EXO) -Output JSON: batches appended, AuditData nested
def sual(e, op, i):
    return {"PSComputerName": "outlook.office365.com", "RunspaceId": "3c3c3c3c-0000-4000-8000-000000000001", "PSShowComputerName": False,
            "RecordType": "AzureActiveDirectory", "CreationDate": "/Date(%d)/" % 1756799112000, "UserIds": e["upn"], "Operations": op,
            "AuditData": ual(e, op), "ResultIndex": i, "ResultCount": 4, "Identity": e["id"], "IsValid": True, "ObjectState": "Unchanged"}
out = "\ufeff" + ps_json([sual(e, op, i+1) for i, (e, op) in enumerate(evs[:2])], 4) + "\r\n" + "\n\r\n"
out += ps_json(sual(Q, STS, 3), 4) + "\r\n" + "\n\r\n"   # a batch of one: an object, not an array
out += ps_json([sual(R, STS, 4)], 4) + "\r\n" + "\n\r\n"
open(os.path.join(OUT, "extractor-ual-batches.json"), "w", newline="").write(out)
# 5. Hawk simple view (flattened), JSON (PS 5.1 Out-File: UTF-16LE)
def flat(e, op):
    u = ual(e, op)
    d = {"RunspaceId": "3c3c", "RecordType": 8, "CreationDate": "/Date(1756799112000)/", "UserIds": e["upn"], "Operations": op,
         "ResultIndex": 1, "ResultCount": 4, "Identity": e["id"], "IsValid": True, "ObjectState": "Unchanged"}
    for k, v in u.items():
        if isinstance(v, list):
            if not v: d[k] = ""
            elif isinstance(v[0], dict):
                for i, item in enumerate(v):
                    for kk, vv in item.items(): d["%s_%d_%s" % (k, i, kk)] = vv
            else: d[k] = "|".join(map(str, v))
        else: d[k] = v
    return d
rows = [flat(e, op) for e, op in evs]
open(os.path.join(OUT, "hawk-simple.json"), "wb").write(("\ufeff" + ps_json(rows, 4) + "\r\n").encode("utf-16-le"))
# 6. Hawk simple CSV (header from the first object: an STS record first so its columns exist)
keys = list(rows[1].keys())
buf = io.StringIO(); w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
w.writerow(keys)
for r in [rows[1], rows[2], rows[3], rows[0]]:
    w.writerow([r.get(k, "") for k in keys])
open(os.path.join(OUT, "hawk-simple-csv.csv"), "w", newline="", encoding="utf-8-sig").write(buf.getvalue())
# 7. Sentinel portal CSV of OfficeActivity (TimeGenerated [UTC] "9/2/2025, 7:45:12.000 AM")
from datetime import datetime
def portal(s):
    d = datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
    return "%d/%d/%d, %d:%02d:%02d.000 %s" % (d.month, d.day, d.year, (d.hour % 12) or 12, d.minute, d.second, "AM" if d.hour < 12 else "PM")
buf = io.StringIO(); w = csv.writer(buf, lineterminator="\r\n")
hdr = [("TimeGenerated [UTC]" if c == "TimeGenerated" else ("%s [UTC]" % c if ty == "datetime" else c)) for c, ty in OA_COLUMNS]
w.writerow(hdr)
for e, op in evs:
    o = office(e, op); o["TimeGenerated"] = portal(e["time"])
    w.writerow(["" if o[c] is None else o[c] for c, _ in OA_COLUMNS])
open(os.path.join(OUT, "sentinel-officeactivity.csv"), "w", newline="").write(buf.getvalue())
# 8. Sentinel portal CSV of AuditLogs
buf = io.StringIO(); w = csv.writer(buf, lineterminator="\r\n")
w.writerow([("%s [UTC]" % c if ty == "datetime" else c) for c, ty in AUDIT_COLUMNS])
for (e, op), n in zip([(N, "Update user"), (P, "Update StsRefreshTokenValidFrom Timestamp"), (Q, "Update StsRefreshTokenValidFrom Timestamp"), (R, "Update StsRefreshTokenValidFrom Timestamp")], range(4)):
    a = audit(e, op, n); a["TimeGenerated"] = portal(e["time"]); a["ActivityDateTime"] = portal(e["time"])
    w.writerow([a[c] for c, _ in AUDIT_COLUMNS])
open(os.path.join(OUT, "sentinel-auditlogs.csv"), "w", newline="").write(buf.getvalue())

ue, ae = ns["ual_expected"], ns["entra_expected"]
def nm(reason, eid): return {"kind": "near_miss", "reason": reason, "event_id": eid}
ual_rows = [ue(P), ue(Q), nm("no_modified_properties", R["id"])]
for stem in ["extractor-ualgraph", "extractor-ualgraph-csv", "extractor-ualgraph-lines", "extractor-ual-batches", "hawk-simple", "hawk-simple-csv", "sentinel-officeactivity"]:
    ns["write_expected"](stem, ual_rows)
ns["write_expected"]("sentinel-auditlogs", [ae(P), ae(Q), nm("no_modified_properties", "Directory_FBK02_" + R["id"][-6:])])
