# Part of tests/formats/variants/make_variants.py: Overlapping and joined exports, AuditData and
# RawEventData cut short, the Entra
# downloads, cultures' spellings of the time, and the Graph v1.0 and SDK shapes.
from variants_locales import *  # noqa: F401,F403 (the names of the parts before)
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

# 52. Two Defender portal exports joined (cat a.csv b.csv > all.csv, breaker 14 #1), the second
#     with its columns in another order (AccountObjectId and AccountDisplayName, IPAddress and
#     ISP swapped): its rows are read under its own header, not under the first one's.
def swapped(cells):
    order = list(range(len(PH)))
    for a, b in [("AccountObjectId", "AccountDisplayName"), ("IPAddress", "ISP")]:
        i, j = PH.index(a), PH.index(b)
        order[i], order[j] = j, i
    return [cells[k] for k in order]


PROWS = [portal_row(e, op, us(e["time"])) for e, op in PEV]
write("portal-joined-reordered.csv",
      csv_text(PH, PROWS[:3], quote_all=False) + csv_text(swapped(PH), [swapped(r) for r in PROWS[3:]], quote_all=False),
      expected=PORTAL_EXPECTED)
