#!/usr/bin/env python3
"""Writes the SYNTHETIC sample inputs of sts-triage and their expected results.

Everything here is made up: tenant contoso.onmicrosoft.com, documentation IP ranges
(203.0.113.0/24, 198.51.100.0/24, 2001:db8::/32), GUIDs derived with uuid5 from fixed names,
fixed times. The record shapes follow shared/reference/data-formats.md; no real tenant data.

Run:  python3 assets/samples/make_samples.py        (standard library only, deterministic)

It writes assets/samples/<file> and tests/expected/<file>.json. The expected results are NOT
copied from the scenario table below: after writing a file, the script reads it back with
format-specific readers (json / csv / gzip, its own date parsers and line tracking) and runs
an independent Python rendering of the query on what it read (see "Expected results").
It then checks that outcome against the intent written in the scenario table.
"""

import csv
import datetime as dt
import gzip
import io
import json
import os
import re
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SAMPLES = HERE
EXPECTED = os.path.join(REPO, "tests", "expected")

ACTION = "Update StsRefreshTokenValidFrom Timestamp."
PROP = "StsRefreshTokensValidFrom"
NS = uuid.UUID("6f1c3a52-2b8e-4d3f-9a57-0c2d4e6f8a10")


def G(name):
    """A fixed GUID for a name."""
    return str(uuid.uuid5(NS, name))


TENANT = G("tenant")
TENANT_DOMAIN = "contoso.onmicrosoft.com"
UTC = dt.timezone.utc


def T(text):
    """UTC datetime from 'YYYY-MM-DDTHH:MM:SS'."""
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


# --------------------------------------------------------------------------------------------
# People and applications (all fictitious)
# --------------------------------------------------------------------------------------------

PERSONAS = {
    "admin": dict(kind="user", upn="admin@" + TENANT_DOMAIN, name="Contoso Admin",
                  oid=G("admin"), puid="10032002F22CA807"),
    "helpdesk": dict(kind="user", upn="lee.gu@" + TENANT_DOMAIN, name="Lee Gu",
                     oid=G("helpdesk"), puid="1003200312AB45CD"),
    "secops": dict(kind="user", upn="secops.oncall@" + TENANT_DOMAIN, name="SecOps On-Call",
                   oid=G("secops"), puid="100320044C0FFEE1"),
    "sp": dict(kind="sp", upn=None, name="Contoso Session Manager", oid=G("sp-session-manager"),
               appid=G("app-session-manager")),
    "sync": dict(kind="user", upn="Sync_DC01_4f1a2b3c4d5e@" + TENANT_DOMAIN,
                 name="On-Premises Directory Synchronization Service Account",
                 oid=G("sync-account"), puid="10032001A1B2C3D4"),
}

TARGETS = {n: dict(upn=f"{n}@{TENANT_DOMAIN}", oid=G("target-" + n), puid=f"1003BFFD{i:08X}")
           for i, n in enumerate(["megan.bowen", "alex.wilber", "diego.siciliani", "lynne.robbins",
                                  "adele.vance", "grady.archie", "isaiah.langer", "joni.sherman",
                                  "nestor.wilke", "patti.fernandez", "pradeep.gupta",
                                  "miriam.graham", "johanna.lorenz", "lidia.holloway",
                                  "henrietta.mueller", "christie.cline",
                                  # the context story (below)
                                  "irvin.sayers", "enrico.cattaneo", "debra.berger",
                                  "emily.braun", "gerhart.moller", "brian.johnson",
                                  "cameron.white", "raul.razo", "alan.steiner", "ben.walters",
                                  "candy.parker", "dan.jump"], start=1)}

# The context story's actors: an incident responder, and a user who signs themselves out
# everywhere (the same object as the target of that name).
PERSONAS["responder"] = dict(kind="user", upn="allan.deyoung@" + TENANT_DOMAIN,
                             name="Allan Deyoung", oid=G("responder"), puid="1003200577A1B2C3")
PERSONAS["selfuser"] = dict(kind="user", upn=TARGETS["enrico.cattaneo"]["upn"],
                            name="Enrico Cattaneo", oid=TARGETS["enrico.cattaneo"]["oid"],
                            puid=TARGETS["enrico.cattaneo"]["puid"])

UA_BROWSER = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0")
UA_PS = "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.4111"
UA_APP = "Contoso-SessionManager/2.3 (+https://contoso.example/session-manager)"


# --------------------------------------------------------------------------------------------
# UAL AuditData builders (data-formats.md §1.4, §3, §4)
# --------------------------------------------------------------------------------------------

def ual_dt(value):
    """OldValue/NewValue of StsRefreshTokensValidFrom in UAL form: a JSON string holding a
    pretty-printed one-element array with CRLF and a two-space indent."""
    if isinstance(value, dt.datetime):
        return '[\r\n  "' + value.strftime("%Y-%m-%dT%H:%M:%SZ") + '"\r\n]'
    return value  # already text ("" or "[]")


def sts_prop(old, new, name=PROP):
    return {"Name": name, "NewValue": ual_dt(new), "OldValue": ual_dt(old)}


INCLUDED = {"Name": "Included Updated Properties", "NewValue": PROP, "OldValue": ""}
DIRSYNC = {"Name": "Action Client Name", "NewValue": "DirectorySync", "OldValue": ""}


def actor_for(p, style="entra"):
    if p["kind"] == "sp":
        return [{"ID": p["name"], "Type": 1}, {"ID": p["appid"], "Type": 2},
                {"ID": "ServicePrincipal_" + p["oid"], "Type": 2}, {"ID": p["oid"], "Type": 2},
                {"ID": "ServicePrincipal", "Type": 2}]
    head = [{"ID": p["upn"], "Type": 5}, {"ID": p["puid"], "Type": 3}]
    if style == "m365portal":
        head += [{"ID": "Microsoft Office 365 Portal", "Type": 1},
                 {"ID": "00000006-0000-0ff1-ce00-000000000000", "Type": 2}]
    return head + [{"ID": "User_" + p["oid"], "Type": 2}, {"ID": p["oid"], "Type": 2},
                   {"ID": "User", "Type": 2}]


def target_for(t):
    return [{"ID": "User_" + t["oid"], "Type": 2}, {"ID": t["oid"], "Type": 2},
            {"ID": "User", "Type": 2}, {"ID": t["upn"], "Type": 5}, {"ID": t["puid"], "Type": 3}]


def default_ext(ua):
    return [{"Name": "additionalDetails", "Value": json.dumps({"User-Agent": ua},
                                                                separators=(",", ":"))},
            {"Name": "extendedAuditEventCategory", "Value": "User"}]


def ual_record(*, rid, created, op, persona, target, modprops, actor=None, client_ip=None,
               actor_ip=None, ext=None, ua=UA_BROWSER):
    p = PERSONAS[persona]
    t = TARGETS[target]
    r = {
        "CreationTime": created.strftime("%Y-%m-%dT%H:%M:%S"),
        "Id": rid,
        "Operation": op,
        "OrganizationId": TENANT,
        "RecordType": 8,
        "ResultStatus": "Success",
        "UserKey": (p["puid"] + "@" + TENANT_DOMAIN) if p["kind"] == "user" else "Not Available",
        "UserType": 0 if p["kind"] == "user" else 6,
        "Version": 1,
        "Workload": "AzureActiveDirectory",
    }
    if client_ip is not None:
        r["ClientIP"] = client_ip
    r["ObjectId"] = t["upn"]
    r["UserId"] = p["upn"] if p["kind"] == "user" else "ServicePrincipal_" + p["oid"]
    r["AzureActiveDirectoryEventType"] = 1
    r["ExtendedProperties"] = ext if ext is not None else default_ext(ua)
    r["ModifiedProperties"] = modprops
    r["Actor"] = actor if actor is not None else actor_for(p)
    r["ActorContextId"] = TENANT
    if actor_ip is not None:
        r["ActorIpAddress"] = actor_ip
    r["InterSystemsId"] = G("inter-" + rid)
    r["IntraSystemId"] = G("intra-" + rid)
    r["SupportTicketId"] = ""
    r["Target"] = target_for(t)
    r["TargetContextId"] = TENANT
    return r


# --------------------------------------------------------------------------------------------
# Scenario table: one logical event each. "intent" is what the query must do with it:
# "flag" or a near-miss reason; "noise" for records that are not STS events at all.
# --------------------------------------------------------------------------------------------

SCEN = {}


def scen(key, *, intent, persona, target, when, old=None, new=None, modprops=None, op=ACTION,
         actor=None, ip="203.0.113.10", ip_field="actor", proxy=False, isp="Contoso Networks",
         city="seattle", cc="US", ua=UA_BROWSER, ext=None, frac="0000000", broken=False,
         cae_oid="persona", cae_name=None, note=""):
    p = PERSONAS[persona]
    rid = G("event-" + key)
    if modprops is None:
        modprops = [sts_prop(old, new)]
    client_ip = ip if ip_field in ("client", "both") else None
    actor_ip = ip if ip_field in ("actor", "both") else None
    audit = ual_record(rid=rid, created=when, op=op, persona=persona, target=target,
                       modprops=modprops, actor=actor, client_ip=client_ip, actor_ip=actor_ip,
                       ext=ext, ua=ua)
    SCEN[key] = dict(
        key=key, intent=intent, when=when, frac=frac, audit=audit, broken=broken, op=op,
        rid=rid, persona=persona,
        cae=dict(AccountObjectId=p["oid"] if cae_oid == "persona" else cae_oid,
                 AccountDisplayName=cae_name if cae_name is not None else p["name"],
                 IPAddress=ip, IsAnonymousProxy=proxy, ISP=isp, City=city, CountryCode=cc,
                 UserAgent=ua),
        note=note)


# Flagged -----------------------------------------------------------------------------------
scen("rev_admin", intent="flag", persona="admin", target="megan.bowen",
     when=T("2025-10-01T14:32:27"), old=T("2025-06-15T08:12:03"), new=T("2025-10-01T14:32:26"),
     ip="203.0.113.10", frac="4630000",
     note="typical admin session revocation: new = event time, large positive minutes added")
scen("backwards_sp", intent="flag", persona="sp", target="alex.wilber",
     when=T("2025-10-02T09:15:40"), old=T("2025-10-01T14:32:26"), new=T("2025-09-01T00:00:00"),
     ip="198.51.100.23", ip_field="both", proxy=None, isp="", city="", cc="", ua=UA_APP,
     frac="1200000", note="service principal moves the value backwards: negative minutes added")
scen("far_past", intent="flag", persona="helpdesk", target="diego.siciliani",
     when=T("2025-10-03T16:00:04"), old=T("2019-03-01T12:00:00"), new=T("2021-01-01T00:00:00"),
     ip="2001:db8:4a7::1f", proxy=True, isp="Example Anonymizer Ltd", city="amsterdam", cc="NL",
     frac="4637225", note="value set far in the past relative to the event time, anonymous proxy")
scen("future", intent="flag", persona="admin", target="lynne.robbins",
     when=T("2025-10-01T00:35:10"), old=T("2025-10-01T00:34:24"), new=T("2026-09-10T14:32:27"),
     ip="203.0.113.10", frac="0000000",
     note="values of the real 2026 Graph capture: value moved ~11 months into the future")
scen("boundary", intent="flag", persona="secops", target="adele.vance",
     when=T("2020-12-15T11:05:00"), old=T("2020-12-14T10:02:59"), new=T("2020-12-15T11:03:27"),
     ip="203.0.113.45", ip_field="client", isp="Contoso Networks", ua=UA_PS, frac="0000000",
     note="boundary counting: added 1501 (elapsed floor 1500), remaining 2 (elapsed floor 1)")
scen("dup_a", intent="flag", persona="helpdesk", target="grady.archie",
     when=T("2025-10-04T08:20:05"), old=T("2025-09-20T07:00:10"), new=T("2025-10-04T08:20:01"),
     ip="198.51.100.77", isp="Example Telecom", city="redmond", frac="1111111",
     note="bulk revoke, 1 of 3: same 8 output values as dup_b (and dup_c outside CloudAppEvents)")
scen("dup_b", intent="flag", persona="helpdesk", target="isaiah.langer",
     when=T("2025-10-04T08:20:50"), old=T("2025-09-20T07:00:40"), new=T("2025-10-04T08:20:44"),
     ip="198.51.100.77", isp="Example Telecom", city="redmond", frac="2222222",
     note="bulk revoke, 2 of 3: collapses with dup_a under distinct")
scen("dup_c", intent="flag", persona="helpdesk", target="joni.sherman",
     when=T("2025-10-04T08:20:58"), old=T("2025-09-20T07:00:59"), new=T("2025-10-04T08:20:55"),
     ip="198.51.100.77", proxy=None, isp="Example Telecom", city="redmond", frac="3333333",
     note="bulk revoke, 3 of 3: IsAnonymousProxy null in CloudAppEvents, so a separate row there")
scen("old_empty", intent="flag", persona="admin", target="nestor.wilke",
     when=T("2025-10-05T10:00:30"), old="", new=T("2025-10-05T10:00:29"), ip="203.0.113.11",
     note='OldValue "": tokenMinutesAdded null, row still returned')
scen("old_brackets", intent="flag", persona="admin", target="patti.fernandez",
     when=T("2025-10-05T10:02:11"), old="[]", new=T("2025-10-05T10:02:10"), ip="203.0.113.12",
     note='OldValue "[]": tokenMinutesAdded null, row still returned')
scen("actor_empty", intent="flag", persona="admin", target="pradeep.gupta",
     when=T("2025-10-06T03:14:15"), old=T("2025-10-01T00:00:00"), new=T("2025-10-06T03:14:00"),
     actor=[], ip="203.0.113.13", cae_oid=None,
     note='Actor []: Role "" (and, for UAL, AccountObjectId "")')
scen("xdirsync", intent="flag", persona="secops", target="miriam.graham",
     when=T("2025-10-07T12:10:57"), old=T("2025-08-01T09:30:00"), new=T("2025-10-07T12:10:50"),
     ip="203.0.113.45", ua=UA_PS,
     ext=default_ext(UA_PS) + [{"Name": "changeTicket", "Value": "CHG-0042 xDirectorysyncY"}],
     note='"xDirectorysyncY" is not the term DirectorySync: still flagged; 12:10 PM in CSV')
scen("sync_host", intent="flag", persona="sync", target="johanna.lorenz",
     when=T("2025-10-08T00:05:33"), old=T("2025-10-07T23:59:59"), new=T("2025-10-08T00:05:30"),
     ip="198.51.100.5", isp="Contoso Networks", city="dublin", cc="IE", ua="",
     note="Sync_<HOST>_<hex> UPN is not the term DirectorySync: flagged; 12:05 AM in CSV; "
          "added 6 (elapsed floor 5)")

# Near misses -------------------------------------------------------------------------------
scen("nm_empty", intent="no_modified_properties", persona="admin", target="patti.fernandez",
     when=T("2025-10-09T09:01:12"), modprops=[], ip="203.0.113.10",
     note="ModifiedProperties [] as in every real huntress record")
scen("nm_index1", intent="property_not_at_index_0", persona="admin", target="lidia.holloway",
     when=T("2025-10-09T09:20:41"),
     modprops=[INCLUDED, sts_prop(T("2025-07-01T10:00:00"), T("2025-10-09T09:20:40"))],
     actor=actor_for(PERSONAS["admin"], "m365portal"), ip="203.0.113.10",
     note="[0] is Included Updated Properties, StsRefreshTokensValidFrom at index 1 "
          "(M365 admin portal actor array)")
scen("nm_lower_name", intent="property_name_spelled_differently", persona="sp",
     target="henrietta.mueller", when=T("2025-10-09T10:45:00"),
     modprops=[sts_prop(T("2025-09-30T00:00:00"), T("2025-10-09T10:44:58"),
                        name="stsrefreshtokensvalidfrom")],
     ip="198.51.100.23", proxy=None, isp="", city="", cc="", ua=UA_APP,
     note="[0].Name in lower case: == is case-sensitive")
scen("nm_dirsync", intent="directory_sync", persona="sync", target="christie.cline",
     when=T("2025-10-09T02:00:14"),
     modprops=[sts_prop(T("2025-10-02T02:00:11"), T("2025-10-09T02:00:13")), DIRSYNC,
               {"Name": "LastDirSyncTime", "NewValue": ual_dt(T("2025-10-09T02:00:12")),
                "OldValue": ual_dt(T("2025-10-02T02:00:10"))}],
     ip="198.51.100.5", isp="Contoso Networks", city="dublin", cc="IE", ua="",
     note="Action Client Name = DirectorySync at index 1")
scen("nm_op_lower", intent="operation_spelled_differently", persona="admin", target="megan.bowen",
     when=T("2025-10-09T11:11:11"), old=T("2025-10-01T14:32:26"), new=T("2025-10-09T11:11:10"),
     op=ACTION.lower(), ip="203.0.113.10", note="ActionType/Operation in lower case")
scen("nm_op_noperiod", intent="operation_spelled_differently", persona="helpdesk",
     target="alex.wilber", when=T("2025-10-09T12:30:00"), old=T("2025-10-02T09:15:40"),
     new=T("2025-10-09T12:29:59"), op=ACTION.rstrip("."), ip="198.51.100.77",
     isp="Example Telecom", city="redmond", note="ActionType/Operation without the trailing period")
scen("nm_unparseable", intent="record_cut", persona="admin", target="diego.siciliani",
     when=T("2025-10-09T13:40:02"), old=T("2025-10-03T16:00:04"), new=T("2025-10-09T13:40:01"),
     ip="203.0.113.10", broken=True,
     note="RawEventData/AuditData cut short: JSON that never closes")
scen("nm_sync_dirsync", intent="directory_sync", persona="admin", target="lynne.robbins",
     when=T("2025-10-09T14:02:09"), old=T("2025-10-01T00:35:10"), new=T("2025-10-09T14:02:08"),
     ip="203.0.113.10",
     ext=default_ext(UA_BROWSER) + [{"Name": "actorClientName", "Value": "Sync_DirectorySync"}],
     note='"Sync_DirectorySync": _ separates terms, so the term DirectorySync is there: excluded')

# Noise (not STS refresh-token events) --------------------------------------------------------
NOISE_UAL = {
    "update_user": ual_record(
        rid=G("noise-update-user"), created=T("2025-10-01T14:31:58"), op="Update user.",
        persona="admin", target="megan.bowen", actor_ip="203.0.113.10",
        modprops=[{"Name": "AccountEnabled", "NewValue": "[\r\n  false\r\n]",
                   "OldValue": "[\r\n  true\r\n]"},
                  {"Name": "Included Updated Properties", "NewValue": "AccountEnabled",
                   "OldValue": ""}]),
    "add_user": ual_record(
        rid=G("noise-add-user"), created=T("2025-10-05T09:58:03"), op="Add user.",
        persona="admin", target="nestor.wilke", actor_ip="203.0.113.11",
        modprops=[sts_prop("[]", T("2025-10-05T09:58:02")),
                  {"Name": "AccountEnabled", "NewValue": "[\r\n  true\r\n]", "OldValue": "[]"},
                  {"Name": "UserPrincipalName",
                   "NewValue": '[\r\n  "nestor.wilke@' + TENANT_DOMAIN + '"\r\n]',
                   "OldValue": "[]"}]),
    "reset_password": ual_record(
        rid=G("noise-reset-password"), created=T("2025-10-04T08:19:31"),
        op="Reset user password.", persona="helpdesk", target="grady.archie",
        actor_ip="198.51.100.77", modprops=[]),
}
NOISE_UAL["user_logged_in"] = {
    "CreationTime": "2025-10-01T14:29:40", "Id": G("noise-logon"), "Operation": "UserLoggedIn",
    "OrganizationId": TENANT, "RecordType": 15, "ResultStatus": "Success",
    "UserKey": PERSONAS["admin"]["oid"], "UserType": 0, "Version": 1,
    "Workload": "AzureActiveDirectory", "ClientIP": "203.0.113.10",
    "ObjectId": "797f4846-ba00-4fd7-ba43-dac1f8f63013", "UserId": PERSONAS["admin"]["upn"],
    "AzureActiveDirectoryEventType": 1,
    "ExtendedProperties": [{"Name": "ResultStatusDetail", "Value": "Redirect"},
                           {"Name": "UserAgent", "Value": UA_BROWSER},
                           {"Name": "RequestType", "Value": "OAuth2:Authorize"}],
    "ModifiedProperties": [],
    "Actor": [{"ID": PERSONAS["admin"]["oid"], "Type": 0},
              {"ID": PERSONAS["admin"]["upn"], "Type": 5}],
    "ActorContextId": TENANT, "ActorIpAddress": "203.0.113.10",
    "InterSystemsId": G("noise-logon-inter"), "IntraSystemId": G("noise-logon-intra"),
    "SupportTicketId": "",
    "Target": [{"ID": "797f4846-ba00-4fd7-ba43-dac1f8f63013", "Type": 0}],
    "TargetContextId": TENANT, "ApplicationId": "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
    "ErrorNumber": "0"}

MAIL_ITEMS = {
    "OrganizationId": TENANT, "CreationTime": "2025-10-02T09:10:07", "RecordType": 50,
    "Operation": "MailItemsAccessed", "UserType": 0, "Workload": "Exchange", "Version": 1,
    "UserKey": "10032001E5F6A7B8", "UserId": TARGETS["alex.wilber"]["upn"],
    "ClientIPAddress": "198.51.100.23", "ClientInfoString": "Client=REST;;",
    "MailboxOwnerUPN": TARGETS["alex.wilber"]["upn"], "ExternalAccess": False,
    "ResultStatus": "Succeeded", "Id": G("noise-mail"), "LogonType": 0,
    "OperationProperties": ["@{Value=Bind; Name=MailAccessType}",
                            "@{Value=False; Name=IsThrottled}"],
    "OperationCount": 3, "AppId": "00000003-0000-0000-c000-000000000000",
    "Folders": ["@{Id=LgAAAAAM7KyTTmWeRac2KXBEz/7aAQARGHK+grzLTpRJraC1QR6kAAAAAAEMAAAB; "
                "Path=\\Inbox; FolderItems=System.Object[]}"],
    "ClientAppId": PERSONAS["sp"]["appid"]}


# --------------------------------------------------------------------------------------------
# The context story (2025-10-10), APPENDED at the end of every CloudAppEvents, UAL and Entra
# sample so that the records above keep their lines: the related records a newcomer sees in the
# context panel and the context hints (reset, self, bulk, first, signin).
#   08:55:12  Lee Gu signs in from 198.51.100.80
#   09:00:03  Lee Gu: Update user. -> irvin.sayers        } one correlation
#   09:00:04  Lee Gu: Reset user password. -> irvin.sayers }
#   09:00:05  Lee Gu revokes irvin.sayers's sessions (ctx_reset: reset, signin)
#   09:40:00  irvin.sayers signs in (the target's own sign-in: same target, as its actor)
#   10:15:00  Enrico Cattaneo revokes his own sessions (ctx_self: self, first)
#   10:52:30  Allan Deyoung signs in from 203.0.113.60
#   11:00:05-11:00:50  Allan Deyoung revokes 10 users' sessions from 203.0.113.61 (bulk, signin)
# --------------------------------------------------------------------------------------------

CTX_CORR = G("ctx-helpdesk-flow")
BULK_TARGETS = ["debra.berger", "emily.braun", "gerhart.moller", "brian.johnson",
                "cameron.white", "raul.razo", "alan.steiner", "ben.walters", "candy.parker",
                "dan.jump"]

scen("ctx_reset", intent="flag", persona="helpdesk", target="irvin.sayers",
     when=T("2025-10-10T09:00:05"), old=T("2025-08-12T07:41:09"), new=T("2025-10-10T09:00:04"),
     ip="198.51.100.77", isp="Example Telecom", city="redmond", frac="5550000",
     note="context story: helpdesk reset then revocation in one correlation; the actor signed "
          "in from another IP 5 min before; the target signs in 40 min after")
SCEN["ctx_reset"]["audit"]["InterSystemsId"] = CTX_CORR
scen("ctx_self", intent="flag", persona="selfuser", target="enrico.cattaneo",
     when=T("2025-10-10T10:15:00"), old=T("2025-09-28T18:03:44"), new=T("2025-10-10T10:14:59"),
     ip="203.0.113.70", note="context story: a user signs themselves out everywhere")
for _i, _t in enumerate(BULK_TARGETS):
    scen(f"ctx_bulk_{_i:02d}", intent="flag", persona="responder", target=_t,
         when=T("2025-10-10T11:00:05") + dt.timedelta(seconds=5 * _i),
         old=T("2025-09-01T00:00:00"), new=T("2025-10-10T11:00:00"), ip="203.0.113.61",
         ua=UA_PS, note=f"context story: mass revocation {_i + 1} of 10 by one responder "
                        "within a minute (one distinct row)")


def logon(rid, created, upn, oid, ip):
    """A UAL UserLoggedIn record (Azure AD STS logon): the user is the actor, the target is
    the application signed in to."""
    app = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
    return {
        "CreationTime": created, "Id": rid, "Operation": "UserLoggedIn",
        "OrganizationId": TENANT, "RecordType": 15, "ResultStatus": "Success",
        "UserKey": oid, "UserType": 0, "Version": 1,
        "Workload": "AzureActiveDirectory", "ClientIP": ip,
        "ObjectId": app, "UserId": upn,
        "AzureActiveDirectoryEventType": 1,
        "ExtendedProperties": [{"Name": "ResultStatusDetail", "Value": "Redirect"},
                               {"Name": "UserAgent", "Value": UA_BROWSER},
                               {"Name": "RequestType", "Value": "OAuth2:Authorize"}],
        "ModifiedProperties": [],
        "Actor": [{"ID": oid, "Type": 0}, {"ID": upn, "Type": 5}],
        "ActorContextId": TENANT, "ActorIpAddress": ip,
        "InterSystemsId": G(rid + "-inter"), "IntraSystemId": G(rid + "-intra"),
        "SupportTicketId": "",
        "Target": [{"ID": app, "Type": 0}],
        "TargetContextId": TENANT, "ApplicationId": "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
        "ErrorNumber": "0"}


# Who each noise record's CloudAppEvents row names as its account (AccountObjectId,
# AccountDisplayName); the records above: reset_password by the helpdesk, the others by admin.
NOISE_WHO = {"reset_password": "helpdesk"}

_hd, _ir, _irvin = PERSONAS["helpdesk"], PERSONAS["responder"], TARGETS["irvin.sayers"]
NOISE_UAL["ctx_signin_helpdesk"] = logon(G("ctx-signin-helpdesk"), "2025-10-10T08:55:12",
                                         _hd["upn"], _hd["oid"], "198.51.100.80")
NOISE_WHO["ctx_signin_helpdesk"] = "helpdesk"
NOISE_UAL["ctx_update_user"] = ual_record(
    rid=G("ctx-update-user"), created=T("2025-10-10T09:00:03"), op="Update user.",
    persona="helpdesk", target="irvin.sayers", actor_ip="198.51.100.77",
    modprops=[{"Name": "Included Updated Properties", "NewValue": "", "OldValue": ""}])
NOISE_UAL["ctx_update_user"]["InterSystemsId"] = CTX_CORR
NOISE_WHO["ctx_update_user"] = "helpdesk"
NOISE_UAL["ctx_reset_password"] = ual_record(
    rid=G("ctx-reset-password"), created=T("2025-10-10T09:00:04"), op="Reset user password.",
    persona="helpdesk", target="irvin.sayers", actor_ip="198.51.100.77", modprops=[])
NOISE_UAL["ctx_reset_password"]["InterSystemsId"] = CTX_CORR
NOISE_WHO["ctx_reset_password"] = "helpdesk"
NOISE_UAL["ctx_signin_target"] = logon(G("ctx-signin-target"), "2025-10-10T09:40:00",
                                       _irvin["upn"], _irvin["oid"], "203.0.113.88")
NOISE_WHO["ctx_signin_target"] = ("irvin.sayers", "Irvin Sayers")
NOISE_UAL["ctx_signin_responder"] = logon(G("ctx-signin-responder"), "2025-10-10T10:52:30",
                                          _ir["upn"], _ir["oid"], "203.0.113.60")
NOISE_WHO["ctx_signin_responder"] = "responder"

# The story in time order: SCEN keys (STS events) and NOISE_UAL keys.
CTX_SEQ = (["ctx_signin_helpdesk", "ctx_update_user", "ctx_reset_password", "ctx_reset",
            "ctx_signin_target", "ctx_self", "ctx_signin_responder"]
           + [f"ctx_bulk_{i:02d}" for i in range(len(BULK_TARGETS))])
CTX_STS = [k for k in CTX_SEQ if k in SCEN]


def ctx_when(k):
    return SCEN[k]["when"] if k in SCEN else T(NOISE_UAL[k]["CreationTime"])


# --------------------------------------------------------------------------------------------
# CloudAppEvents rows
# --------------------------------------------------------------------------------------------

CAE_COLUMNS = ["Timestamp", "ActionType", "Application", "ApplicationId", "AccountObjectId",
               "AccountDisplayName", "IPAddress", "IsAnonymousProxy", "ISP", "City",
               "CountryCode", "UserAgent", "ReportId", "RawEventData"]
CAE_TYPES = {"Timestamp": "DateTime", "ApplicationId": "Int32", "IsAnonymousProxy": "Boolean",
             "RawEventData": "Object"}


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def broken_text(audit):
    """AuditData cut short just before "Actor": not valid JSON."""
    text = compact(audit)
    return text[:text.index('"Actor"')]


def iso(when, frac, style):
    base = when.strftime("%Y-%m-%dT%H:%M:%S")
    if style == "Z":
        return base + "Z"
    if style == "7":
        return f"{base}.{frac}Z"
    if style == "3":
        return f"{base}.{frac[:3]}Z"
    raise ValueError(style)


def cae_row(key, ts_style="7", report_n=None):
    s = SCEN[key]
    raw = broken_text(s["audit"]) if s["broken"] else s["audit"]
    c = s["cae"]
    n = report_n if report_n is not None else 104000000 + list(SCEN).index(key) * 7919
    return {
        "Timestamp": iso(s["when"], s["frac"], ts_style),
        "ActionType": s["op"],
        "Application": "Office 365",
        "ApplicationId": 11161,
        "AccountObjectId": c["AccountObjectId"],
        "AccountDisplayName": c["AccountDisplayName"],
        "IPAddress": c["IPAddress"],
        "IsAnonymousProxy": c["IsAnonymousProxy"],
        "ISP": c["ISP"],
        "City": c["City"],
        "CountryCode": c["CountryCode"],
        "UserAgent": c["UserAgent"],
        "ReportId": f"{n}_11161_{s['rid']}",
        "RawEventData": raw,
    }


def cae_noise(kind, ts_style="7"):
    if kind == "mail":
        a = MAIL_ITEMS
        return {"Timestamp": iso(T(a["CreationTime"]), "0000000", ts_style),
                "ActionType": "MailItemsAccessed", "Application": "Microsoft Exchange Online",
                "ApplicationId": 20893, "AccountObjectId": PERSONAS["sp"]["oid"],
                "AccountDisplayName": PERSONAS["sp"]["name"], "IPAddress": "198.51.100.23",
                "IsAnonymousProxy": False, "ISP": "Example Cloud Hosting", "City": "chicago",
                "CountryCode": "US", "UserAgent": "Client=REST;;",
                "ReportId": f"106830890_20893_{a['Id']}", "RawEventData": a}
    a = NOISE_UAL[kind]
    who = NOISE_WHO.get(kind, "admin")
    if isinstance(who, tuple):
        oid, name = TARGETS[who[0]]["oid"], who[1]
    else:
        oid, name = PERSONAS[who]["oid"], PERSONAS[who]["name"]
    return {"Timestamp": iso(T(a["CreationTime"]), "0000000", ts_style),
            "ActionType": a["Operation"], "Application": "Office 365", "ApplicationId": 11161,
            "AccountObjectId": oid, "AccountDisplayName": name,
            "IPAddress": a.get("ActorIpAddress", a.get("ClientIP", "")), "IsAnonymousProxy": False,
            "ISP": "Contoso Networks", "City": "seattle", "CountryCode": "US",
            "UserAgent": UA_BROWSER, "ReportId": f"104999001_11161_{a['Id']}",
            "RawEventData": a}


def cae_any(k, ts_style="7"):
    """The CloudAppEvents row of a scenario or a noise record."""
    return cae_row(k, ts_style=ts_style) if k in SCEN else cae_noise(k, ts_style=ts_style)


def frac_of(k):
    return SCEN[k]["frac"] if k in SCEN else "0000000"


# --------------------------------------------------------------------------------------------
# Date renderings used by the exports
# --------------------------------------------------------------------------------------------

def h12(when):
    h = when.hour % 12
    return (12 if h == 0 else h), ("AM" if when.hour < 12 else "PM")


def portal_time(when):
    """Defender advanced hunting portal CSV: 'Dec 29, 2025 12:10:57 PM'."""
    h, ap = h12(when)
    return f"{when.strftime('%b')} {when.day}, {when.year} {h}:{when.minute:02d}:{when.second:02d} {ap}"


def la_time(when, frac="0000000"):
    """Log Analytics 'Export to CSV': '9/24/2024, 7:59:09.960 PM'."""
    h, ap = h12(when)
    return (f"{when.month}/{when.day}/{when.year}, {h}:{when.minute:02d}:{when.second:02d}."
            f"{frac[:3]} {ap}")


def us_time(when):
    """Purview / PowerShell en-US: '9/26/2023 1:43:41 AM'."""
    h, ap = h12(when)
    return f"{when.month}/{when.day}/{when.year} {h}:{when.minute:02d}:{when.second:02d} {ap}"


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

WRITTEN = []     # (file name, list of scenario keys in the file, kind)


def write_text(name, text, keys, kind, newline=""):
    path = os.path.join(SAMPLES, name)
    with open(path, "w", encoding="utf-8", newline=newline) as f:
        f.write(text)
    WRITTEN.append((name, keys, kind))


def jsonl(objs):
    return "".join(compact(o) + "\n" for o in objs)


def la_quote(v):
    """Log Analytics CSV: quote a value unless it is empty, purely alphanumeric or a number."""
    if v == "" or re.fullmatch(r"[A-Za-z0-9]+|-?[0-9]+(\.[0-9]+)?", v):
        return v
    return '"' + v.replace('"', '""') + '"'


def la_csv(header, rows, eol="\r\n"):
    lines = [",".join(la_quote(h) for h in header)]
    lines += [",".join(la_quote(c) for c in r) for r in rows]
    return eol.join(lines) + eol


def std_csv(header, rows, eol="\r\n", quoting=csv.QUOTE_MINIMAL, pre=""):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=eol, quoting=quoting)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return pre + buf.getvalue()


def cell_bool(v):
    return "" if v is None else ("true" if v else "false")


def cell_str(v):
    return "" if v is None else str(v)


# ---- 1/2. Defender advanced hunting API rows, one a line ----------------------------------
AH_KEYS = ["rev_admin", "backwards_sp", "far_past", "future", "boundary", "dup_a", "dup_b",
           "dup_c", "old_empty", "actor_empty", "xdirsync", "sync_host", "nm_empty",
           "nm_index1", "nm_lower_name", "nm_dirsync", "nm_op_lower", "nm_op_noperiod",
           "nm_unparseable", "nm_sync_dirsync"]


def make_ah_api():
    rows = [cae_noise("mail")]
    order = ["rev_admin", "backwards_sp", "nm_empty", "far_past", "future", "nm_index1",
             "boundary", "dup_a", "dup_b", "dup_c", "nm_lower_name", "old_empty", "actor_empty",
             "nm_dirsync", "xdirsync", "nm_op_lower", "nm_op_noperiod", "sync_host",
             "nm_unparseable", "nm_sync_dirsync"]
    assert sorted(order) == sorted(AH_KEYS)
    for i, k in enumerate(order):
        r = cae_row(k, ts_style="Z" if i % 3 == 0 else "7")
        rows.append(r)
        if k == "rev_admin":
            rows.append(cae_noise("update_user"))
        if k == "old_empty":
            rows.insert(len(rows) - 1, cae_noise("add_user"))
    # the context story, appended (the records above keep their lines)
    rows += [cae_any(k, ts_style="7") for k in CTX_SEQ]
    order = order + CTX_STS
    # legacy-API union artefact: IsAnonymousProxy as 0 on one flagged row
    for r in rows:
        if r["ReportId"].endswith(SCEN["boundary"]["rid"]):
            r["IsAnonymousProxy"] = 0
    text = jsonl(rows)
    write_text("cloudappevents-ah-api.jsonl", text, order, "cae")
    gz = os.path.join(SAMPLES, "cloudappevents-ah-api.jsonl.gz")
    with open(gz, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            g.write(text.encode("utf-8"))
    WRITTEN.append(("cloudappevents-ah-api.jsonl.gz", order, "cae"))


# ---- 3. Defender streaming API envelopes -------------------------------------------------------
def make_streaming():
    order = ["rev_admin", "nm_index1", "backwards_sp", "dup_a", "dup_b", "nm_dirsync",
             "sync_host", "nm_sync_dirsync"]
    out = []

    def envelope(row, when):
        sent = when + dt.timedelta(minutes=5, seconds=53, microseconds=985491)
        recv = when + dt.timedelta(minutes=1, seconds=52, microseconds=96000)
        return {"time": sent.strftime("%Y-%m-%dT%H:%M:%S.%f") + "5Z", "tenantId": TENANT,
                "operationName": "Publish", "category": "AdvancedHunting-CloudAppEvents",
                "_TimeReceivedBySvc": recv.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z",
                "properties": row, "Tenant": "DefaultTenant"}

    mail = cae_noise("mail", ts_style="Z")
    mail["ISP"] = None
    out.append(envelope(mail, T(MAIL_ITEMS["CreationTime"])))
    for k in order:
        row = cae_row(k, ts_style="Z")
        row["AccountId"] = row["AccountObjectId"]
        row["IsAdminOperation"] = False
        if k == "backwards_sp":
            row["ISP"] = None        # streaming API writes null for unknown strings
            row["City"] = None
            row["CountryCode"] = None
        out.append(envelope(row, SCEN[k]["when"]))
    for k in CTX_SEQ:
        row = cae_any(k, ts_style="Z")
        row["AccountId"] = row["AccountObjectId"]
        row["IsAdminOperation"] = False
        out.append(envelope(row, ctx_when(k)))
    order = order + CTX_STS
    write_text("cloudappevents-streaming.jsonl", jsonl(out), order, "cae")


# ---- 4. Graph runHuntingQuery -------------------------------------------------------------------
def make_graph_hunting():
    order = ["far_past", "nm_empty", "boundary", "nm_lower_name", "rev_admin"]
    rows = [cae_row(k, ts_style="7") for k in order]
    rows.insert(2, cae_noise("update_user", ts_style="7"))
    rows += [cae_any(k, ts_style="7") for k in CTX_SEQ]
    order = order + CTX_STS
    doc = {"@odata.context":
           "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
           "schema": [{"name": c, "type": CAE_TYPES.get(c, "String")} for c in CAE_COLUMNS],
           "results": rows}
    write_text("cloudappevents-graph-hunting.json",
               json.dumps(doc, indent=4, ensure_ascii=False) + "\n", order, "cae")


# ---- 5. Legacy advanced hunting API, compact on one line -------------------------------------
def make_legacy_api():
    order = ["future", "old_brackets", "actor_empty", "nm_op_noperiod", "dup_a"]
    rows = [cae_noise("mail", ts_style="Z")] + [cae_row(k, ts_style="Z") for k in order]
    rows[2]["IsAnonymousProxy"] = 0          # old_brackets: 0 for false, as in the OTRF dump
    rows[5]["IsAnonymousProxy"] = 1          # dup_a: 1 for true (differs from other files)
    rows += [cae_any(k, ts_style="Z") for k in CTX_SEQ]
    order = order + CTX_STS
    doc = {"Schema": [{"Name": c, "Type": CAE_TYPES.get(c, "String")} for c in CAE_COLUMNS],
           "Results": rows}
    write_text("cloudappevents-legacy-api.json", compact(doc), order, "cae")


# ---- 6. Plain JSON array, pretty-printed -------------------------------------------------------
def make_array():
    order = ["backwards_sp", "nm_index1", "xdirsync", "dup_a", "nm_op_lower", "dup_b"]
    rows = [cae_row(k, ts_style="7") for k in order]
    rows.insert(1, cae_noise("reset_password", ts_style="7"))
    rows += [cae_any(k, ts_style="7") for k in CTX_SEQ]
    order = order + CTX_STS
    write_text("cloudappevents-array.json", json.dumps(rows, indent=2, ensure_ascii=False) + "\n",
               order, "cae")


# ---- 7. Log Analytics JSON (RawEventData as a JSON string, TimeGenerated) ---------------------
def la_row(row, when, frac):
    out = {"TenantId": TENANT, "TimeGenerated": iso(when, frac, "3")}
    for c in CAE_COLUMNS[1:]:
        v = row[c]
        if c == "RawEventData":
            v = v if isinstance(v, str) else compact(v)
        out[c] = v
    out["SourceSystem"] = ""
    out["Type"] = "CloudAppEvents"
    return out


def make_la_json():
    order = ["old_empty", "nm_unparseable", "rev_admin", "nm_dirsync", "sync_host"]
    rows = [la_row(cae_noise("mail"), T(MAIL_ITEMS["CreationTime"]), "0000000")]
    for k in order:
        rows.append(la_row(cae_row(k), SCEN[k]["when"], SCEN[k]["frac"]))
    rows += [la_row(cae_any(k), ctx_when(k), frac_of(k)) for k in CTX_SEQ]
    order = order + CTX_STS
    text = "[\n" + ",\n".join(compact(r) for r in rows) + "\n]\n"
    write_text("cloudappevents-loganalytics.json", text, order, "cae")


# ---- 8. Defender portal CSV --------------------------------------------------------------------
def make_portal_csv():
    header = ["Timestamp", "ActionType", "Application", "ApplicationId", "AccountObjectId",
              "AccountDisplayName", "IPAddress", "IsAnonymousProxy", "Isp", "City",
              "CountryCode", "UserAgent", "ReportId", "RawEventData"]
    order = ["xdirsync", "nm_empty", "far_past", "sync_host", "nm_unparseable", "boundary"]
    rows = []

    def csvrow(r, when, pretty=False):
        raw = r["RawEventData"]
        if not isinstance(raw, str):
            raw = json.dumps(raw, indent=2, ensure_ascii=False) if pretty else compact(raw)
        return [portal_time(when), r["ActionType"], r["Application"], str(r["ApplicationId"]),
                cell_str(r["AccountObjectId"]), r["AccountDisplayName"], r["IPAddress"],
                cell_bool(r["IsAnonymousProxy"]), cell_str(r["ISP"]), r["City"],
                r["CountryCode"], r["UserAgent"], r["ReportId"], raw]

    rows.append(csvrow(cae_noise("update_user"), T(NOISE_UAL["update_user"]["CreationTime"])))
    for k in order:
        # far_past: RawEventData pretty-printed, so the quoted cell spans several lines
        rows.append(csvrow(cae_row(k), SCEN[k]["when"], pretty=(k == "far_past")))
    rows += [csvrow(cae_any(k), ctx_when(k)) for k in CTX_SEQ]
    order = order + CTX_STS
    write_text("cloudappevents-portal.csv", std_csv(header, rows, eol="\r\n"), order, "cae")


# ---- 9. Log Analytics "Export to CSV" ------------------------------------------------------------
def make_la_csv():
    header = ["TimeGenerated [UTC]", "ActionType", "Application", "ApplicationId",
              "AccountObjectId", "AccountDisplayName", "IPAddress", "IsAnonymousProxy", "ISP",
              "City", "CountryCode", "UserAgent", "ReportId", "RawEventData", "Type"]
    order = ["boundary", "dup_a", "nm_lower_name", "backwards_sp", "dup_b", "nm_sync_dirsync",
             "nm_unparseable"]
    rows = []

    def csvrow(r, when, frac):
        raw = r["RawEventData"]
        raw = raw if isinstance(raw, str) else compact(raw)
        return [la_time(when, frac), r["ActionType"], r["Application"], str(r["ApplicationId"]),
                cell_str(r["AccountObjectId"]), r["AccountDisplayName"], r["IPAddress"],
                cell_bool(r["IsAnonymousProxy"]), cell_str(r["ISP"]), r["City"],
                r["CountryCode"], r["UserAgent"], r["ReportId"], raw, "CloudAppEvents"]

    rows.append(csvrow(cae_noise("mail"), T(MAIL_ITEMS["CreationTime"]), "0000000"))
    for k in order:
        rows.append(csvrow(cae_row(k), SCEN[k]["when"], SCEN[k]["frac"]))
    rows += [csvrow(cae_any(k), ctx_when(k), frac_of(k)) for k in CTX_SEQ]
    order = order + CTX_STS
    write_text("cloudappevents-loganalytics.csv", la_csv(header, rows, eol="\n"), order, "cae")


# ---- 10. UAL, Management Activity API, one compact record a line ------------------------------
def make_ual_mgmt():
    order = ["rev_admin", "backwards_sp", "far_past", "future", "boundary", "dup_a", "dup_b",
             "dup_c", "old_empty", "actor_empty", "xdirsync", "sync_host", "nm_empty",
             "nm_index1", "nm_lower_name", "nm_dirsync", "nm_op_lower", "nm_op_noperiod",
             "nm_sync_dirsync"]
    seq = ["user_logged_in", "update_user", "rev_admin", "backwards_sp", "nm_empty", "far_past",
           "future", "boundary", "reset_password", "dup_a", "dup_b", "dup_c", "nm_index1",
           "add_user", "old_empty", "actor_empty", "nm_lower_name", "xdirsync", "nm_dirsync",
           "sync_host", "nm_op_lower", "nm_op_noperiod", "nm_sync_dirsync"]
    assert sorted(k for k in seq if k in SCEN) == sorted(order)
    seq = seq + CTX_SEQ
    order = order + CTX_STS
    lines = []
    for k in seq:
        rec = SCEN[k]["audit"] if k in SCEN else NOISE_UAL[k]
        line = compact(rec)
        if k == "boundary":
            # the Operation value written with JSON \u escapes (same string once decoded)
            plain = '"Operation":"' + ACTION + '"'
            escaped = '"Operation":"\\u0055pdate\\u0020StsRefreshTokenValidFrom Timestamp\\u002E"'
            assert plain in line
            line = line.replace(plain, escaped)
        lines.append(line + "\n")
    write_text("ual-management-api.jsonl", "".join(lines), order, "ual")


# ---- 11. Purview audit search export, new header ---------------------------------------------
def ual_audit_text(k):
    s = SCEN[k]
    return broken_text(s["audit"]) if s["broken"] else compact(s["audit"])


def make_purview():
    header = ["RecordId", "CreationDate", "RecordType", "Operation", "UserId", "AuditData",
              "AssociatedAdminUnits", "AssociatedAdminUnitsNames"]
    order = ["rev_admin", "nm_empty", "boundary", "dup_a", "nm_unparseable", "dup_b",
             "nm_index1", "old_empty", "nm_dirsync"]
    rows = []
    noise = NOISE_UAL["update_user"]
    rows.append([noise["Id"], us_time(T(noise["CreationTime"])), "8", noise["Operation"],
                 noise["UserId"], compact(noise), "", ""])
    for k in order:
        a = SCEN[k]["audit"]
        rows.append([a["Id"], us_time(SCEN[k]["when"]), "8", a["Operation"], a["UserId"],
                     ual_audit_text(k), "", ""])
    for k in CTX_SEQ:
        a = SCEN[k]["audit"] if k in SCEN else NOISE_UAL[k]
        rows.append([a["Id"], us_time(ctx_when(k)), str(a["RecordType"]), a["Operation"],
                     a["UserId"], compact(a), "", ""])
    order = order + CTX_STS
    write_text("ual-purview.csv", std_csv(header, rows, eol="\r\n"), order, "ual")


# ---- 12. Purview classic header ------------------------------------------------------------------
def make_purview_classic():
    header = ["CreationDate", "UserIds", "Operations", "AuditData"]
    order = ["backwards_sp", "far_past", "nm_lower_name", "actor_empty", "nm_op_noperiod",
             "sync_host", "dup_c"]
    rows = []
    noise = NOISE_UAL["reset_password"]
    rows.append([T(noise["CreationTime"]).strftime("%Y-%m-%dT%H:%M:%S.0000000Z"),
                 noise["UserId"], noise["Operation"], compact(noise)])
    for k in order:
        a = SCEN[k]["audit"]
        rows.append([SCEN[k]["when"].strftime("%Y-%m-%dT%H:%M:%S.0000000Z"), a["UserId"],
                     a["Operation"], compact(a)])
    for k in CTX_SEQ:
        a = SCEN[k]["audit"] if k in SCEN else NOISE_UAL[k]
        rows.append([ctx_when(k).strftime("%Y-%m-%dT%H:%M:%S.0000000Z"), a["UserId"],
                     a["Operation"], compact(a)])
    order = order + CTX_STS
    write_text("ual-purview-classic.csv", std_csv(header, rows, eol="\r\n"), order, "ual")


# ---- 13. Search-UnifiedAuditLog | Export-Csv (Windows PowerShell 5.1) -------------------------
def make_search_ual():
    header = ["RunspaceId", "RecordType", "CreationDate", "UserIds", "Operations", "AuditData",
              "ResultIndex", "ResultCount", "Identity", "IsValid", "ObjectState"]
    order = ["future", "nm_empty", "old_brackets", "xdirsync", "nm_sync_dirsync", "nm_op_lower"]
    seq = ["add_user", "future", "nm_empty", "old_brackets", "xdirsync", "nm_sync_dirsync",
           "nm_op_lower"] + CTX_SEQ
    order = order + CTX_STS
    runspace = G("runspace")
    rows = []
    for i, k in enumerate(seq, start=1):
        a = SCEN[k]["audit"] if k in SCEN else NOISE_UAL[k]
        rtype = "AzureActiveDirectoryStsLogon" if a["RecordType"] == 15 else "AzureActiveDirectory"
        rows.append([runspace, rtype, us_time(T(a["CreationTime"])),
                     a["UserId"], a["Operation"], compact(a), str(i), str(len(seq)), a["Id"],
                     "True", "Unchanged"])
    pre = "#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.AuditRecord\r\n"
    write_text("ual-search-unifiedauditlog.csv",
               std_csv(header, rows, eol="\r\n", quoting=csv.QUOTE_ALL, pre=pre), order, "ual")


# --------------------------------------------------------------------------------------------
# Entra ID audit records (sibling AuditLogs rule)
# --------------------------------------------------------------------------------------------

ENTRA = {}


def gval(x):
    """Graph/AuditLogs value form: compact JSON array text, or null."""
    if x is None:
        return None
    if isinstance(x, dt.datetime):
        return json.dumps([x.strftime("%Y-%m-%dT%H:%M:%SZ")])
    return x


def gprop(old, new, name=PROP):
    return {"displayName": name, "oldValue": gval(old), "newValue": gval(new)}


G_INCLUDED = {"displayName": "Included Updated Properties", "oldValue": None,
              "newValue": '"StsRefreshTokensValidFrom"'}
G_DIRSYNC = {"displayName": "Action Client Name", "oldValue": None, "newValue": "DirectorySync"}


def entra(key, *, intent, persona, target, when, frac="0000000", props, ip="203.0.113.10",
          op="Update StsRefreshTokenValidFrom Timestamp", category="UserManagement", note=""):
    p = PERSONAS[persona]
    t = TARGETS[target]
    if p["kind"] == "user":
        initiated = {"app": None,
                     "user": {"id": p["oid"], "displayName": None, "userPrincipalName": p["upn"],
                              "ipAddress": ip}}
    else:
        initiated = {"app": {"appId": p["appid"], "displayName": p["name"],
                             "servicePrincipalId": p["oid"], "servicePrincipalName": None},
                     "user": None}
    corr = G("corr-" + key)
    ENTRA[key] = dict(
        key=key, intent=intent, when=when, frac=frac, op=op, note=note,
        id=f"Directory_{corr}_{key.upper()[:5]}_{abs(hash_int(key)) % 90000000 + 10000000}",
        correlationId=corr, category=category, initiatedBy=initiated,
        targetResources=[{"id": t["oid"], "displayName": None, "type": "User",
                          "userPrincipalName": t["upn"], "groupType": None,
                          "modifiedProperties": props}],
        persona=persona)


def hash_int(s):
    """Deterministic small integer from a string (Python's hash() is salted)."""
    return int(uuid.uuid5(NS, s).hex[:8], 16)


entra("e_revoke", intent="flag", persona="admin", target="megan.bowen",
      when=T("2025-10-01T14:32:27"), frac="4630000",
      props=[gprop(T("2025-06-15T08:12:03"), T("2025-10-01T14:32:26")), G_INCLUDED],
      note="user initiator, property at index 0")
entra("e_app_index1", intent="flag", persona="sp", target="alex.wilber",
      when=T("2025-10-02T09:15:40"), frac="1200000",
      props=[G_INCLUDED, gprop(T("2025-10-01T14:32:26"), T("2025-09-01T00:00:00"))],
      note="app initiator, property at index 1 (mv-expand reads every index), moved backwards")
entra("e_lower", intent="flag", persona="helpdesk", target="diego.siciliani",
      when=T("2025-10-03T16:00:04"), frac="4637225", ip="2001:db8:4a7::1f",
      props=[gprop(T("2019-03-01T12:00:00"), T("2021-01-01T00:00:00"),
                   name="stsrefreshtokensvalidfrom")],
      note="displayName in lower case: =~ ignores case; value set far in the past")
entra("e_capture", intent="flag", persona="admin", target="lynne.robbins",
      when=T("2025-10-01T00:35:10"), frac="2210000",
      props=[gprop(T("2025-10-01T00:34:24"), T("2026-09-10T14:32:27")), G_INCLUDED],
      note="old/new values of the real 2026 Graph capture: added 496198")
entra("e_dirsync", intent="directory_sync", persona="sync", target="christie.cline",
      when=T("2025-10-09T02:00:14"), ip="198.51.100.5",
      props=[gprop(T("2025-10-02T02:00:11"), T("2025-10-09T02:00:13")), G_DIRSYNC],
      note="modifiedProperties has DirectorySync: excluded")
entra("e_empty", intent="no_modified_properties", persona="admin", target="patti.fernandez",
      when=T("2025-10-09T09:01:12"), props=[], note="modifiedProperties []")
entra("e_sync_user", intent="flag", persona="sync", target="johanna.lorenz",
      when=T("2025-10-08T00:05:33"), ip="198.51.100.5",
      props=[gprop(T("2025-10-07T23:59:59"), T("2025-10-08T00:05:30"))],
      note="initiator Sync_DC01_... (not the term DirectorySync): flagged")
entra("e_dup_a", intent="flag", persona="helpdesk", target="grady.archie",
      when=T("2025-10-04T08:20:05"), frac="1110000", ip="198.51.100.77",
      props=[gprop(T("2025-09-20T07:00:10"), T("2025-10-04T08:20:01"))],
      note="bulk revoke 1/2: same output as e_dup_b")
entra("e_dup_b", intent="flag", persona="helpdesk", target="isaiah.langer",
      when=T("2025-10-04T08:20:50"), frac="2220000", ip="198.51.100.77",
      props=[gprop(T("2025-09-20T07:00:40"), T("2025-10-04T08:20:44"))],
      note="bulk revoke 2/2")
entra("e_old_null", intent="flag", persona="admin", target="nestor.wilke",
      when=T("2025-10-05T10:00:30"), ip="203.0.113.11",
      props=[gprop(None, T("2025-10-05T10:00:29"))],
      note="oldValue null: tokenMinutesAdded null")
entra("e_noise_update", intent="noise", persona="admin", target="megan.bowen",
      when=T("2025-10-01T14:31:58"), op="Update user",
      props=[{"displayName": "AccountEnabled", "oldValue": "[true]", "newValue": "[false]"},
             {"displayName": "Included Updated Properties", "oldValue": None,
              "newValue": '"AccountEnabled"'}])
entra("e_noise_reset", intent="noise", persona="helpdesk", target="grady.archie",
      when=T("2025-10-04T08:19:31"), op="Reset user password", ip="198.51.100.77", props=[])

# The context story in Entra shapes (see "The context story" above), appended to every Entra
# sample: audit records, and sign-ins (SignInLogs) where the export can hold them.
E_CTX_CORR = G("ctx-entra-helpdesk-flow")
entra("e_ctx_update", intent="noise", persona="helpdesk", target="irvin.sayers",
      when=T("2025-10-10T09:00:03"), op="Update user", ip="198.51.100.77",
      props=[{"displayName": "Included Updated Properties", "oldValue": None,
              "newValue": '""'}])
entra("e_ctx_resetpw", intent="noise", persona="helpdesk", target="irvin.sayers",
      when=T("2025-10-10T09:00:04"), op="Reset user password", ip="198.51.100.77", props=[])
entra("e_ctx_reset", intent="flag", persona="helpdesk", target="irvin.sayers",
      when=T("2025-10-10T09:00:05"), frac="5550000", ip="198.51.100.77",
      props=[gprop(T("2025-08-12T07:41:09"), T("2025-10-10T09:00:04"))],
      note="context story: helpdesk reset then revocation in one correlation")
for _k in ("e_ctx_update", "e_ctx_resetpw", "e_ctx_reset"):
    ENTRA[_k]["correlationId"] = E_CTX_CORR
entra("e_ctx_self", intent="flag", persona="selfuser", target="enrico.cattaneo",
      when=T("2025-10-10T10:15:00"), ip="203.0.113.70",
      props=[gprop(T("2025-09-28T18:03:44"), T("2025-10-10T10:14:59"))],
      note="context story: a user signs themselves out everywhere")
for _i, _t in enumerate(BULK_TARGETS):
    entra(f"e_ctx_bulk_{_i:02d}", intent="flag", persona="responder", target=_t,
          when=T("2025-10-10T11:00:05") + dt.timedelta(seconds=5 * _i), ip="203.0.113.61",
          props=[gprop(T("2025-09-01T00:00:00"), T("2025-10-10T11:00:00"))],
          note=f"context story: mass revocation {_i + 1} of 10 by one responder")

# Entra sign-ins of the story: (upn, object id, display name, time, IP).
SIGNIN = {
    "s_helpdesk": (PERSONAS["helpdesk"]["upn"], PERSONAS["helpdesk"]["oid"], "Lee Gu",
                   T("2025-10-10T08:55:12"), "198.51.100.80"),
    "s_target": (TARGETS["irvin.sayers"]["upn"], TARGETS["irvin.sayers"]["oid"],
                 "Irvin Sayers", T("2025-10-10T09:40:00"), "203.0.113.88"),
    "s_responder": (PERSONAS["responder"]["upn"], PERSONAS["responder"]["oid"],
                    "Allan Deyoung", T("2025-10-10T10:52:30"), "203.0.113.60"),
}
E_CTX_SEQ = (["s_helpdesk", "e_ctx_update", "e_ctx_resetpw", "e_ctx_reset", "s_target",
              "e_ctx_self", "s_responder"] + [f"e_ctx_bulk_{i:02d}" for i in range(10)])
E_CTX_STS = [k for k in E_CTX_SEQ if k in ENTRA and ENTRA[k]["intent"] != "noise"]


def graph_signin(k):
    """Graph `GET /auditLogs/signIns` shape (the properties of a SignInLogs record)."""
    upn, oid, name, when, ip = SIGNIN[k]
    return {"id": G("signin-" + k), "createdDateTime": iso(when, "0000000", "Z"),
            "userDisplayName": name, "userPrincipalName": upn, "userId": oid,
            "appId": "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
            "appDisplayName": "Office 365 Exchange Online", "ipAddress": ip,
            "clientAppUsed": "Browser", "correlationId": G("signin-corr-" + k),
            "conditionalAccessStatus": "success", "isInteractive": True,
            "riskLevelAggregated": "none", "status": {"errorCode": 0,
                                                       "failureReason": "Other.",
                                                       "additionalDetails": None},
            "location": {"city": "Redmond", "state": "Washington", "countryOrRegion": "US"}}


def la_signin_row(k):
    """Log Analytics SigninLogs row (the same export may union AuditLogs and SigninLogs)."""
    upn, oid, name, when, ip = SIGNIN[k]
    g = graph_signin(k)
    return {"TenantId": TENANT, "SourceSystem": "Azure AD",
            "TimeGenerated": iso(when, "0000000", "3"),
            "ResourceId": f"/tenants/{TENANT}/providers/Microsoft.aadiam",
            "OperationName": "Sign-in activity", "OperationVersion": "1.0",
            "Category": "SignInLogs", "ResultType": "0", "ResultSignature": "None",
            "CorrelationId": g["correlationId"], "Identity": name, "Level": "4",
            "AppDisplayName": g["appDisplayName"], "AppId": g["appId"],
            "ClientAppUsed": "Browser", "IPAddress": ip, "IsInteractive": True,
            "UserDisplayName": name, "UserId": oid, "UserPrincipalName": upn,
            "Status": compact(g["status"]), "Id": g["id"], "Type": "SigninLogs"}


def diag_signin(k):
    """Entra diagnostic settings SignInLogs record (beside AuditLogs in one destination)."""
    upn, oid, name, when, ip = SIGNIN[k]
    g = graph_signin(k)
    return {"time": iso(when, "0000000", "7"),
            "resourceId": f"/tenants/{TENANT}/providers/Microsoft.aadiam",
            "operationName": "Sign-in activity", "operationVersion": "1.0",
            "category": "SignInLogs", "tenantId": TENANT, "resultType": "0",
            "resultSignature": "None", "durationMs": 0, "callerIpAddress": ip,
            "correlationId": g["correlationId"], "identity": name, "level": 4,
            "location": "US", "properties": g}


def graph_audit(k, ip_override="keep"):
    e = ENTRA[k]
    init = json.loads(json.dumps(e["initiatedBy"]))
    if ip_override != "keep" and init["user"] is not None:
        init["user"]["ipAddress"] = ip_override
    return {"id": e["id"], "category": e["category"], "correlationId": e["correlationId"],
            "result": "success", "resultReason": "",
            "activityDisplayName": e["op"],
            "activityDateTime": iso(e["when"], e["frac"], "7"),
            "loggedByService": "Core Directory", "operationType": "Update",
            "initiatedBy": init, "targetResources": e["targetResources"],
            "additionalDetails": []}


def la_auditlogs_row(k):
    e = ENTRA[k]
    init = {kk: vv for kk, vv in e["initiatedBy"].items() if vv is not None}
    if "user" in init:
        init = {"user": dict(init["user"], roles=[])}
    tr = [dict(x, administrativeUnits=[]) for x in e["targetResources"]]
    return {"TenantId": TENANT, "SourceSystem": "Azure AD",
            "TimeGenerated": iso(e["when"], e["frac"], "3"),
            "ResourceId": f"/tenants/{TENANT}/providers/Microsoft.aadiam",
            "OperationName": e["op"], "OperationVersion": "1.0", "Category": e["category"],
            "ResultSignature": "None", "CorrelationId": e["correlationId"],
            "Resource": "Microsoft.aadiam", "ResourceGroup": "Microsoft.aadiam", "Level": "4",
            "AdditionalDetails": "[]", "Id": e["id"], "InitiatedBy": compact(init),
            "LoggedByService": "Core Directory", "Result": "success",
            "TargetResources": compact(tr), "AADTenantId": TENANT,
            "ActivityDisplayName": e["op"], "ActivityDateTime": iso(e["when"], e["frac"], "3"),
            "AADOperationType": "Update", "Type": "AuditLogs"}


def make_entra_la():
    order = ["e_revoke", "e_app_index1", "e_lower", "e_dirsync", "e_empty", "e_dup_a",
             "e_dup_b"]
    seq = ["e_noise_update", "e_revoke", "e_app_index1", "e_lower", "e_dirsync", "e_empty",
           "e_dup_a", "e_dup_b"]
    seq = seq + E_CTX_SEQ
    order = order + E_CTX_STS
    write_text("entra-auditlogs-loganalytics.jsonl",
               jsonl(la_signin_row(k) if k in SIGNIN else la_auditlogs_row(k) for k in seq),
               order, "entra")


def make_entra_csv():
    header = ["TimeGenerated [UTC]", "OperationName", "Category", "Result", "CorrelationId",
              "Id", "InitiatedBy", "TargetResources", "AdditionalDetails", "LoggedByService",
              "ActivityDateTime [UTC]", "ActivityDisplayName", "AADOperationType", "Type"]
    order = ["e_revoke", "e_capture", "e_sync_user", "e_empty", "e_app_index1"]
    seq = ["e_revoke", "e_noise_reset", "e_capture", "e_sync_user", "e_empty", "e_app_index1"]
    seq = seq + [k for k in E_CTX_SEQ if k in ENTRA]
    order = order + E_CTX_STS
    rows = []
    for k in seq:
        r = la_auditlogs_row(k)
        e = ENTRA[k]
        rows.append([la_time(e["when"], e["frac"]), r["OperationName"], r["Category"],
                     r["Result"], r["CorrelationId"], r["Id"], r["InitiatedBy"],
                     r["TargetResources"], r["AdditionalDetails"], r["LoggedByService"],
                     la_time(e["when"], e["frac"]), r["ActivityDisplayName"],
                     r["AADOperationType"], r["Type"]])
    write_text("entra-auditlogs.csv", la_csv(header, rows, eol="\n"), order, "entra")


def make_entra_graph():
    order = ["e_capture", "e_app_index1", "e_old_null", "e_dirsync", "e_lower"]
    seq = ["e_capture", "e_noise_update", "e_app_index1", "e_old_null", "e_dirsync", "e_lower"]
    seq = seq + E_CTX_SEQ
    order = order + E_CTX_STS
    doc = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits",
           "value": [graph_signin(k) if k in SIGNIN else graph_audit(k) for k in seq]}
    write_text("entra-graph-directoryaudits.json",
               json.dumps(doc, indent=2, ensure_ascii=False) + "\n", order, "entra")


def make_entra_diag():
    order = ["e_revoke", "e_empty", "e_app_index1", "e_sync_user", "e_dirsync"]
    seq = ["e_revoke", "e_empty", "e_noise_reset", "e_app_index1", "e_sync_user", "e_dirsync"]
    seq = seq + E_CTX_SEQ
    order = order + E_CTX_STS
    recs = []
    for k in seq:
        if k in SIGNIN:
            recs.append(diag_signin(k))
            continue
        e = ENTRA[k]
        props = graph_audit(k, ip_override="<null>")
        props["activityDateTime"] = e["when"].strftime("%Y-%m-%dT%H:%M:%S.") + e["frac"] + "+00:00"
        recs.append({"time": iso(e["when"], e["frac"], "7"),
                     "resourceId": f"/tenants/{TENANT}/providers/Microsoft.aadiam",
                     "operationName": e["op"], "operationVersion": "1.0",
                     "category": "AuditLogs", "tenantId": TENANT, "resultSignature": "None",
                     "durationMs": 0, "callerIpAddress": "<null>",
                     "correlationId": e["correlationId"], "level": "Informational",
                     "properties": props})
    write_text("entra-diagnostic.json", json.dumps({"records": recs}, indent=2,
                                                   ensure_ascii=False) + "\n", order, "entra")


# --------------------------------------------------------------------------------------------
# Exports of the query's own result
# --------------------------------------------------------------------------------------------

OUT_COLS = ["AccountObjectId", "AccountDisplayName", "Role", "IPAddress", "IsAnonymousProxy",
            "ISP", "tokenMinutesAdded", "tokenMinutesRemaining"]

RESULT_ROWS = [   # rows the query returns on cloudappevents-ah-api.jsonl
    [PERSONAS["admin"]["oid"], "Contoso Admin", "User", "203.0.113.10", False,
     "Contoso Networks", 155900, 0],
    [PERSONAS["sp"]["oid"], "Contoso Session Manager", "ServicePrincipal", "198.51.100.23", None,
     "", -44072, 45195],
    [PERSONAS["admin"]["oid"], "Contoso Admin", "User", "203.0.113.11", False,
     "Contoso Networks", None, 0],
    ["", "Contoso Admin", "", "203.0.113.13", False, "Contoso Networks", 7394, 0],
    [PERSONAS["helpdesk"]["oid"], "Lee Gu", "User", "2001:db8:4a7::1f", True,
     "Example Anonymizer Ltd", 966960, 2500800],
    [PERSONAS["secops"]["oid"], "SecOps On-Call", "User", "203.0.113.45", False,
     "Contoso Networks", 1501, 2],
]

def make_query_results():
    rows = []
    for r in RESULT_ROWS[:5]:
        rows.append([cell_str(r[0]), r[1], r[2], r[3], cell_bool(r[4]), r[5], cell_str(r[6]),
                     cell_str(r[7])])
    write_text("query-result-sentinel.csv", la_csv(OUT_COLS, rows, eol="\n"), [], "result")
    objs = [dict(zip(OUT_COLS, r)) for r in RESULT_ROWS[:4] + RESULT_ROWS[5:]]
    write_text("query-result-defender.json", json.dumps(objs, indent=2) + "\n", [], "result")


# ============================================================================================
# Expected results: read every written file back and evaluate the query on what was read.
# ============================================================================================

EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                      "Sep", "Oct", "Nov", "Dec"], start=1)}


def parse_time(text):
    """Any date style the samples use -> aware UTC datetime, or None."""
    if not isinstance(text, str):
        return None
    s = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?"
                     r"(Z|[+-]\d\d:\d\d)?", s)
    if m:
        y, mo, d, hh, mi = (int(m.group(i)) for i in range(1, 6))
        ss = int(m.group(6) or 0)
        us = int((m.group(7) or "0")[:6].ljust(6, "0"))
        t = dt.datetime(y, mo, d, hh, mi, ss, us, tzinfo=UTC)
        z = m.group(8)
        if z and z != "Z":
            sign = 1 if z[0] == "+" else -1
            t -= sign * dt.timedelta(hours=int(z[1:3]), minutes=int(z[4:6]))
        return t
    m = re.fullmatch(r"([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{1,2}):(\d\d):(\d\d) (AM|PM)", s)
    if m:
        return _ampm(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)), int(m.group(4)),
                     int(m.group(5)), int(m.group(6)), 0, m.group(7))
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4}),? (\d{1,2}):(\d\d):(\d\d)(?:\.(\d+))? (AM|PM)", s)
    if m:
        us = int((m.group(7) or "0")[:6].ljust(6, "0"))
        return _ampm(int(m.group(3)), int(m.group(1)), int(m.group(2)), int(m.group(4)),
                     int(m.group(5)), int(m.group(6)), us, m.group(8))
    return None


def _ampm(y, mo, d, h, mi, s, us, ap):
    h = h % 12 + (12 if ap == "PM" else 0)
    return dt.datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


def floor_minute(t):
    td = t - EPOCH
    return td.days * 1440 + td.seconds // 60


def minutes(a, b):
    """datetime_diff('minute', a, b): minute boundaries, null if either is null."""
    if a is None or b is None:
        return None
    return floor_minute(a) - floor_minute(b)


def terms(text):
    return {t.lower() for t in re.findall(r"[A-Za-z0-9]+", text)}


def has_term(value, needle):
    text = value if isinstance(value, str) else compact(value)
    return needle.lower() in terms(text)


def tostring(v):
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return compact(v)


def first_datetime(value):
    """todatetime(parse_json(tostring(value))[0])"""
    text = tostring(value)
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    if isinstance(parsed, list) and parsed:
        return parse_time(parsed[0]) if isinstance(parsed[0], str) else None
    return None


def to_bool(v):
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return bool(v)
    s = str(v).strip().lower()
    return {"": None, "true": True, "false": False, "1": True, "0": False}[s]


def is_sts(op):
    return "stsrefreshtokenvalidfrom" in op.lower()


class Result:
    def __init__(self):
        self.rows = set()
        self.near = []
        self.sts = 0
        self.flagged_keys = []     # ids of flagged records, for the intent check

    def as_json(self):
        def nkey(x):
            return (0, 0) if x is None else (1, x)
        rows = sorted(self.rows, key=lambda r: (r[1], r[0], nkey(r[6]), nkey(r[7]),
                                                json.dumps(r)))
        return {"rows": [dict(zip(OUT_COLS, r)) for r in rows],
                "near_misses": [{"line": ln, "reason": why} for ln, why in sorted(self.near)],
                "sts_events": self.sts}


def eval_cae(res, line, row, record_id):
    """row: dict with ActionType, RawEventData (parsed JSON, or text), the 6 output columns,
    Timestamp (datetime or None). The query first, then the near-miss explanation."""
    op = row["ActionType"]
    if not is_sts(op):
        return
    res.sts += 1
    raw = row["RawEventData"]
    parsed_ok = not isinstance(raw, str)
    # --- the query, clause by clause --------------------------------------------------------
    kept = op == ACTION and not has_term(raw, "Directorysync")
    mp0 = None
    if kept:
        mps = raw.get("ModifiedProperties") if isinstance(raw, dict) else None
        mp0 = mps[0] if isinstance(mps, list) and mps and isinstance(mps[0], dict) else None
        name = mp0.get("Name") if mp0 else None
        kept = isinstance(name, str) and name == PROP
    if kept:
        old = first_datetime(mp0.get("OldValue"))
        new = first_datetime(mp0.get("NewValue"))
        actor = raw.get("Actor")
        last = actor[-1] if isinstance(actor, list) and actor else None
        role = tostring(last.get("ID")) if isinstance(last, dict) else ""
        res.rows.add((row["AccountObjectId"], row["AccountDisplayName"], role, row["IPAddress"],
                      row["IsAnonymousProxy"], row["ISP"], minutes(new, old),
                      minutes(row["Timestamp"], new)))
        res.flagged_keys.append(record_id)
    # --- near-miss reasons: every reason that applies; a sample record must have exactly one
    reasons = []
    if not parsed_ok:
        reasons.append("record_cut")
    if op != ACTION:
        reasons.append("operation_spelled_differently")
    if parsed_ok:
        if has_term(raw, "Directorysync"):
            reasons.append("directory_sync")
        mps = raw.get("ModifiedProperties")
        if not mps:
            reasons.append("no_modified_properties")
        else:
            n0 = mps[0].get("Name")
            if n0 != PROP:
                if any(p.get("Name") == PROP for p in mps[1:]):
                    reasons.append("property_not_at_index_0")
                elif isinstance(n0, str) and n0.lower() == PROP.lower():
                    reasons.append("property_name_spelled_differently")
                else:
                    raise AssertionError(f"line {line}: unexplained miss")
    assert kept == (not reasons), (line, reasons)
    assert len(reasons) <= 1, (line, reasons)
    if reasons:
        res.near.append((line, reasons[0]))


def ual_as_cae(audit):
    oid = ""
    for a in audit.get("Actor") or []:
        i = a.get("ID", "")
        for prefix in ("User_", "ServicePrincipal_"):
            if isinstance(i, str) and i.startswith(prefix):
                oid = i[len(prefix):]
                break
        if oid:
            break
    ip = tostring(audit.get("ActorIpAddress")) or tostring(audit.get("ClientIP"))
    return {"ActionType": tostring(audit.get("Operation")), "RawEventData": audit,
            "AccountObjectId": oid, "AccountDisplayName": tostring(audit.get("UserId")),
            "IPAddress": ip, "IsAnonymousProxy": None, "ISP": "",
            "Timestamp": parse_time(audit.get("CreationTime"))}


def ci(row):
    """Case-insensitive column access; 'X [UTC]' headers are read as 'X'."""
    out = {}
    for k, v in row.items():
        out[re.sub(r"\s*\[.*\]$", "", k).lower()] = v
    return out


def cae_from_columns(cols, raw):
    ts = cols.get("timestamp") if cols.get("timestamp") is not None else cols.get("timegenerated")
    return {"ActionType": tostring(cols.get("actiontype")), "RawEventData": raw,
            "AccountObjectId": tostring(cols.get("accountobjectid")),
            "AccountDisplayName": tostring(cols.get("accountdisplayname")),
            "IPAddress": tostring(cols.get("ipaddress")),
            "IsAnonymousProxy": to_bool(cols.get("isanonymousproxy")),
            "ISP": tostring(cols.get("isp")), "Timestamp": parse_time(ts)}


def parse_raw(v):
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def csv_records(text):
    """Yields (start line, dict) per CSV record; skips a PowerShell '#TYPE' first line."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    if header and header[0].startswith("#TYPE"):
        header = next(reader)
    prev = reader.line_num
    for rec in reader:
        assert len(rec) == len(header), (prev + 1, len(rec), len(header))
        yield prev + 1, dict(zip(header, rec))
        prev = reader.line_num


def json_element_lines(text, array_path):
    """Line of the opening brace of every object that is a direct element of the array found
    at array_path (a tuple of object keys from the root; () = the root array)."""
    stack = []        # entries: ["obj", path, current_key, expecting_key] / ["arr", path]
    out = []
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if stack and stack[-1][0] == "obj" and stack[-1][3]:
                stack[-1][2] = json.loads(text[i:j + 1])
            i = j + 1
            continue
        elif c in "{[":
            if not stack:
                path = ()
            elif stack[-1][0] == "obj":
                path = stack[-1][1] + (stack[-1][2],)
            else:
                path = stack[-1][1] + ("[]",)
            if c == "{" and stack and stack[-1][0] == "arr" and stack[-1][1] == array_path:
                out.append(line)
            stack.append(["obj", path, None, True] if c == "{" else ["arr", path])
        elif c in "}]":
            stack.pop()
        elif c == ":":
            stack[-1][3] = False
        elif c == "," and stack[-1][0] == "obj":
            stack[-1][3] = True
        i += 1
    return out


def read_text(name):
    path = os.path.join(SAMPLES, name)
    if name.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read().decode("utf-8")
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def expected_for(name):
    text = read_text(name)
    res = Result()
    base = name[:-3] if name.endswith(".gz") else name

    if base in ("cloudappevents-ah-api.jsonl", "cloudappevents-streaming.jsonl"):
        for ln, l in enumerate(text.split("\n"), start=1):
            if not l.strip():
                continue
            obj = json.loads(l)
            if base.endswith("streaming.jsonl"):
                obj = obj["properties"]
            cols = ci(obj)
            eval_cae(res, ln, cae_from_columns(cols, parse_raw(cols.get("raweventdata"))),
                     cols.get("reportid"))
    elif base in ("cloudappevents-graph-hunting.json", "cloudappevents-legacy-api.json",
                  "cloudappevents-array.json", "cloudappevents-loganalytics.json"):
        doc = json.loads(text)
        key = {"cloudappevents-graph-hunting.json": "results",
               "cloudappevents-legacy-api.json": "Results"}.get(base)
        rows = doc[key] if key else doc
        lines = json_element_lines(text, (key,) if key else ())
        assert len(lines) == len(rows), (name, lines)
        for ln, obj in zip(lines, rows):
            cols = ci(obj)
            eval_cae(res, ln, cae_from_columns(cols, parse_raw(cols.get("raweventdata"))),
                     cols.get("reportid"))
    elif base in ("cloudappevents-portal.csv", "cloudappevents-loganalytics.csv"):
        for ln, rec in csv_records(text):
            cols = ci(rec)
            eval_cae(res, ln, cae_from_columns(cols, parse_raw(cols.get("raweventdata"))),
                     cols.get("reportid"))
    elif base == "ual-management-api.jsonl":
        for ln, l in enumerate(text.split("\n"), start=1):
            if l.strip():
                audit = json.loads(l)
                eval_cae(res, ln, ual_as_cae(audit), audit.get("Id"))
    elif base in ("ual-purview.csv", "ual-purview-classic.csv", "ual-search-unifiedauditlog.csv"):
        for ln, rec in csv_records(text):
            cols = ci(rec)
            audit = parse_raw(cols["auditdata"])
            if isinstance(audit, dict):
                eval_cae(res, ln, ual_as_cae(audit), audit.get("Id"))
            else:
                op = cols.get("operation", cols.get("operations"))
                eval_cae(res, ln, {"ActionType": op, "RawEventData": audit,
                                   "AccountObjectId": "", "AccountDisplayName": "",
                                   "IPAddress": "", "IsAnonymousProxy": None, "ISP": "",
                                   "Timestamp": None}, cols.get("recordid"))
    elif base.startswith("entra-"):
        for ln, rec in entra_records(base, text):
            eval_entra(res, ln, rec)
    elif base.startswith("query-result-"):
        if base.endswith(".csv"):
            for _, rec in csv_records(text):
                res.rows.add((rec["AccountObjectId"], rec["AccountDisplayName"], rec["Role"],
                              rec["IPAddress"], to_bool(rec["IsAnonymousProxy"]), rec["ISP"],
                              int(rec["tokenMinutesAdded"]) if rec["tokenMinutesAdded"] else None,
                              int(rec["tokenMinutesRemaining"])
                              if rec["tokenMinutesRemaining"] else None))
        else:
            for obj in json.loads(text):
                res.rows.add(tuple(obj[c] for c in OUT_COLS))
    else:
        raise ValueError(name)
    return res


def entra_records(base, text):
    """Yields (line, dict(op, time, initiatedBy, targetResources))."""
    if base.endswith(".jsonl"):
        for ln, l in enumerate(text.split("\n"), start=1):
            if l.strip():
                o = json.loads(l)
                # a SigninLogs row has no InitiatedBy / TargetResources
                yield ln, dict(op=o["OperationName"], time=parse_time(o["TimeGenerated"]),
                               initiatedBy=parse_raw(o.get("InitiatedBy")),
                               targetResources=parse_raw(o.get("TargetResources")))
    elif base.endswith(".csv"):
        for ln, rec in csv_records(text):
            cols = ci(rec)
            yield ln, dict(op=cols["operationname"], time=parse_time(cols["timegenerated"]),
                           initiatedBy=parse_raw(cols["initiatedby"]),
                           targetResources=parse_raw(cols["targetresources"]))
    elif base == "entra-graph-directoryaudits.json":
        doc = json.loads(text)
        lines = json_element_lines(text, ("value",))
        for ln, o in zip(lines, doc["value"]):
            # a sign-in (createdDateTime, no activityDisplayName) is not an audit record
            yield ln, dict(op=o.get("activityDisplayName", "Sign-in activity"),
                           time=parse_time(o.get("activityDateTime", o.get("createdDateTime"))),
                           initiatedBy=o.get("initiatedBy"),
                           targetResources=o.get("targetResources"))
    elif base == "entra-diagnostic.json":
        doc = json.loads(text)
        lines = json_element_lines(text, ("records",))
        for ln, o in zip(lines, doc["records"]):
            props = o["properties"]
            t1 = parse_time(o["time"])
            t2 = parse_time(props.get("activityDateTime", props.get("createdDateTime")))
            assert t1 == t2
            yield ln, dict(op=o["operationName"], time=t1,
                           initiatedBy=props.get("initiatedBy"),
                           targetResources=props.get("targetResources"))


def eval_entra(res, line, rec):
    op = rec["op"]
    if not has_term(op, "StsRefreshTokenValidFrom"):
        assert not is_sts(op)
        return
    res.sts += 1
    mps = rec["targetResources"][0]["modifiedProperties"]
    if mps == []:
        res.near.append((line, "no_modified_properties"))
        return
    if has_term(mps, "DirectorySync"):
        res.near.append((line, "directory_sync"))
        return
    init = rec["initiatedBy"]
    user, app = init.get("user"), init.get("app")
    if user and tostring(user.get("userPrincipalName")):
        name, oid, ip, role = (user["userPrincipalName"], tostring(user.get("id")),
                               tostring(user.get("ipAddress")), "User")
    else:
        name, oid, ip, role = (tostring(app.get("displayName")),
                               tostring(app.get("servicePrincipalId")),
                               tostring(app.get("ipAddress")), "ServicePrincipal")
    if ip == "<null>":
        ip = ""
    hits = 0
    for p in mps:
        if tostring(p.get("displayName")).lower() != PROP.lower():
            continue
        hits += 1
        old, new = first_datetime(p.get("oldValue")), first_datetime(p.get("newValue"))
        res.rows.add((oid, name, role, ip, None, "", minutes(new, old), minutes(rec["time"], new)))
        res.flagged_keys.append(line)
    assert hits, line


# --------------------------------------------------------------------------------------------
# Intent check: the outcome read back from each file must match the scenario table
# --------------------------------------------------------------------------------------------

def check_intent(name, keys, kind, res):
    if kind == "result":
        return
    table = ENTRA if kind == "entra" else SCEN
    want_near = sorted(table[k]["intent"] for k in keys if table[k]["intent"] != "flag")
    got_near = sorted(r for _, r in res.near)
    assert want_near == got_near, (name, want_near, got_near)
    want_flag = sum(1 for k in keys if table[k]["intent"] == "flag")
    assert want_flag == len(res.flagged_keys), (name, want_flag, len(res.flagged_keys))
    assert res.sts == len(keys), (name, res.sts, len(keys))
    if kind != "entra":
        ids = {SCEN[k]["rid"] for k in keys if SCEN[k]["intent"] == "flag"}
        got = {fid.rsplit("_", 1)[-1] for fid in res.flagged_keys}
        assert ids == got, (name, ids ^ got)



# --------------------------------------------------------------------------------------------
# README.md (generated, so the per-file case lists cannot drift from the data)
# --------------------------------------------------------------------------------------------

FORMATS = {
    "cloudappevents-ah-api.jsonl":
        "Defender advanced hunting API rows, one JSON object a line; RawEventData is the UAL "
        "AuditData object. Timestamp with and without 7 fraction digits. One flagged row has "
        "`IsAnonymousProxy: 0` (legacy union artefact, read as false).",
    "cloudappevents-ah-api.jsonl.gz":
        "gzip (mtime 0) of cloudappevents-ah-api.jsonl; same expected result.",
    "cloudappevents-streaming.jsonl":
        "Defender Streaming API (Event Hub / storage) envelopes "
        "`{time, tenantId, operationName: Publish, category: AdvancedHunting-CloudAppEvents, "
        "_TimeReceivedBySvc, properties: {row}, Tenant}`. The envelope `time` is minutes after "
        "the row's Timestamp: the query uses `properties.Timestamp`. Some string columns null.",
    "cloudappevents-graph-hunting.json":
        "Graph `POST /security/runHuntingQuery` response `{@odata.context, schema[{name,type}], "
        "results[]}`, pretty-printed (indent 4).",
    "cloudappevents-legacy-api.json":
        "Legacy advanced hunting API `{Schema[{Name,Type}], Results[]}`, compact on ONE line "
        "(every record starts on line 1). IsAnonymousProxy as 0 and 1.",
    "cloudappevents-array.json":
        "Plain JSON array of rows, pretty-printed (indent 2).",
    "cloudappevents-loganalytics.json":
        "Sentinel / Log Analytics CloudAppEvents rows: JSON array, one row a line; "
        "RawEventData is a JSON-encoded string; time column TimeGenerated (no Timestamp); ISP.",
    "cloudappevents-portal.csv":
        "Defender portal CSV export: header row, `Isp` header (case differs from the query's "
        "ISP), Timestamp like `Oct 7, 2025 12:10:57 PM` (UTC), RawEventData JSON in a quoted "
        "cell with doubled quotes; CRLF. The far_past record's RawEventData is pretty-printed, "
        "so that quoted cell spans ~80 physical lines (LF inside the cell).",
    "cloudappevents-loganalytics.csv":
        "Log Analytics portal Export to CSV: `TimeGenerated [UTC]` header, values like "
        "`12/15/2020, 11:05:00.000 AM`; only non-alphanumeric values quoted; LF.",
    "ual-management-api.jsonl":
        "Raw Unified Audit Log records (Management Activity API), compact, one a line. Line 8 "
        "writes Operation with JSON escapes: `\\u0055pdate\\u0020StsRefreshTokenValidFrom "
        "Timestamp\\u002E` (decodes to the exact ActionType).",
    "ual-purview.csv":
        "Purview audit search export, 8-column header (RecordId, CreationDate, RecordType, "
        "Operation, UserId, AuditData, AssociatedAdminUnits, AssociatedAdminUnitsNames); CRLF; "
        "CreationDate `10/1/2025 2:32:27 PM`; AuditData JSON with doubled quotes and inner "
        "escaped JSON strings in `\\\"\"` form. The nm_unparseable AuditData is cut short.",
    "ual-purview-classic.csv":
        "Classic audit export header `CreationDate,UserIds,Operations,AuditData`; CreationDate "
        "`2025-10-02T09:15:40.0000000Z`; CRLF.",
    "ual-search-unifiedauditlog.csv":
        "`Search-UnifiedAuditLog` piped to `Export-Csv` in Windows PowerShell 5.1 without "
        "-NoTypeInformation: first line `#TYPE Deserialized.Microsoft.Exchange.Management."
        "SystemConfigurationTasks.AuditRecord` (type name UNVERIFIED), header on line 2, every "
        "field quoted, RecordType as the enum name AzureActiveDirectory, CRLF.",
    "entra-auditlogs-loganalytics.jsonl":
        "Log Analytics AuditLogs rows, one a line; InitiatedBy, TargetResources, "
        "AdditionalDetails are JSON strings; OperationName without the trailing period.",
    "entra-auditlogs.csv":
        "AuditLogs Export to CSV: `TimeGenerated [UTC]` header, dynamic columns as JSON text.",
    "entra-graph-directoryaudits.json":
        "Graph `GET /auditLogs/directoryAudits` page `{@odata.context, value[]}`, indent 2; "
        "values like `[\"2025-10-01T00:34:24Z\"]`.",
    "entra-diagnostic.json":
        "Entra diagnostic settings (Event Hub / storage) `{records:[...]}`, indent 2; "
        "`callerIpAddress: \"<null>\"`, user initiator `ipAddress: \"<null>\"` (read as \"\"); "
        "`properties.activityDateTime` with `+00:00`.",
    "query-result-sentinel.csv":
        "Export of the query's own result (8 columns), Log Analytics CSV style; empty cells "
        "for null IsAnonymousProxy / tokenMinutesAdded, empty AccountObjectId and Role.",
    "query-result-defender.json":
        "The query's own result as a JSON array of objects; IsAnonymousProxy true/false/null, "
        "minutes integers or null.",
}


def make_readme(results):
    L = []
    w = L.append
    w("# Sample inputs: ALL SYNTHETIC")
    w("")
    w("**Every file in this directory is SYNTHETIC.** The records were built by "
      "`make_samples.py` from the documented export formats (shared/reference/"
      "data-formats.md); they contain **no real tenant data**. Tenant "
      "`contoso.onmicrosoft.com`, people from Microsoft's fictitious demo names, IP addresses "
      "from the documentation ranges 203.0.113.0/24, 198.51.100.0/24 and 2001:db8::/32, GUIDs "
      "derived with uuid5 from fixed names. The only value taken from a real record is the "
      "pair of StsRefreshTokensValidFrom values of the 2026 Graph capture cited in "
      "data-formats.md §0.5 (scenarios `future` / `e_capture`).")
    w("")
    w("Regenerate (standard library only, deterministic, gzip mtime 0):")
    w("")
    w("    python3 assets/samples/make_samples.py")
    w("")
    w("It writes every sample here and `tests/expected/<file>.json`. The expected results "
      "are computed by reading each written file back (json / csv / gzip readers, its own "
      "date parsers, its own line tracking) and running an independent Python rendering of "
      "the query (minute-boundary datetime_diff, whole-term case-insensitive `has` over the "
      "compact JSON of RawEventData, null rules, distinct); the script then asserts that the "
      "outcome matches the intent of every scenario below.")
    w("")
    w("Expected file shape: `rows` (the distinct result rows, compare as a set), "
      "`near_misses` (`line` = 1-based physical line where the record starts; for CSV the "
      "header is line 1, or line 2 after a `#TYPE` line; for pretty JSON the line of the "
      "record's opening brace), `sts_events` (records whose operation names "
      "StsRefreshTokenValidFrom, however spelled: flagged + near misses).")
    w("")
    w("Column mapping used for UAL records: Timestamp = CreationTime, AccountDisplayName = "
      "UserId, AccountObjectId = GUID of the Actor entry `User_<guid>` / "
      "`ServicePrincipal_<guid>`, IPAddress = ActorIpAddress else ClientIP, "
      "IsAnonymousProxy null, ISP \"\". Entra records: initiator UPN or app displayName, "
      "user.id or app.servicePrincipalId, Role User / ServicePrincipal, `<null>` IP read as "
      "\"\", one row per matching modifiedProperty.")
    w("")
    w("## Files")
    w("")
    w("| file | format | records | STS events | result rows | near misses | cases |")
    w("|---|---|---|---|---|---|---|")
    for name, keys, kind in WRITTEN:
        res = results[name]
        text = read_text(name)
        if name.endswith((".jsonl", ".jsonl.gz")):
            nrec = sum(1 for l in text.split("\n") if l.strip())
        elif name.endswith(".csv"):
            nrec = sum(1 for _ in csv_records(text))
        else:
            doc = json.loads(text)
            nrec = len(doc if isinstance(doc, list) else
                       next(v for k, v in doc.items() if isinstance(v, list) and k.lower()
                            in ("results", "value", "records")))
        near = ", ".join(f"{r}@{ln}" for ln, r in sorted(res.near)) or "-"
        cases = ", ".join(f"`{k}`" for k in keys) or "-"
        w(f"| `{name}` | SYNTHETIC. {FORMATS[name]} | {nrec} | {res.sts} | {len(res.rows)} "
          f"| {near} | {cases} |")
    w("")
    w("Records not listed under *cases* are non-STS noise (MailItemsAccessed, `Update user.`, "
      "`Add user.` carrying a StsRefreshTokensValidFrom property, `Reset user password.`, "
      "UserLoggedIn, Entra `Update user` / `Reset user password`): not STS events, not "
      "near misses.")
    w("")
    w("## Scenarios (CloudAppEvents and UAL files)")
    w("")
    w("| case | query outcome | what it is |")
    w("|---|---|---|")
    for k, sc in SCEN.items():
        w(f"| `{k}` | {sc['intent']} | {sc['note']} |")
    w("")
    w("## Scenarios (Entra files, sibling AuditLogs rule)")
    w("")
    w("| case | rule outcome | what it is |")
    w("|---|---|---|")
    for k, e in ENTRA.items():
        if e["intent"] != "noise":
            w(f"| `{k}` | {e['intent']} | {e['note']} |")
    w("")
    w("## Known uncertainties")
    w("")
    w("- Defender portal CSV: how dynamic columns are written is UNVERIFIED (data-formats "
      "§2.1); JSON text with doubled quotes is assumed, and one cell is pretty-printed on "
      "purpose to exercise multi-line quoted cells.")
    w("- `#TYPE` type name of Search-UnifiedAuditLog records, legacy API `Schema` casing and "
      "the `Object` type name for dynamic columns are UNVERIFIED.")
    w("- UAL `UserId` of a service-principal actor is written `ServicePrincipal_<object id>` "
      "(an assumption; it becomes AccountDisplayName under the UAL mapping).")
    w("- Non-ISO time texts (`Oct 7, 2025 12:10:57 PM`, `10/1/2025, 2:32:27.463 PM`, "
      "`10/1/2025 2:32:27 PM`) are taken as UTC; Kusto's `todatetime` on such text is "
      "undocumented (kql-semantics.md §5).")
    w("")
    with open(os.path.join(SAMPLES, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(L))

# --------------------------------------------------------------------------------------------

def main():
    os.makedirs(EXPECTED, exist_ok=True)
    make_ah_api()
    make_streaming()
    make_graph_hunting()
    make_legacy_api()
    make_array()
    make_la_json()
    make_portal_csv()
    make_la_csv()
    make_ual_mgmt()
    make_purview()
    make_purview_classic()
    make_search_ual()
    make_entra_la()
    make_entra_csv()
    make_entra_graph()
    make_entra_diag()
    make_query_results()
    results = {}
    for name, keys, kind in WRITTEN:
        res = expected_for(name)
        results[name] = res
        check_intent(name, keys, kind, res)
        out = json.dumps(res.as_json(), indent=2, ensure_ascii=False) + "\n"
        with open(os.path.join(EXPECTED, name + ".json"), "w", encoding="utf-8",
                  newline="\n") as f:
            f.write(out)
        print(f"{name:40s} rows={len(res.rows):2d} near={len(res.near):2d} sts={res.sts:2d}")
    make_readme(results)


if __name__ == "__main__":
    main()
