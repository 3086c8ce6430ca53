//! Deterministic benchmark input: CloudAppEvents rows as Defender's advanced hunting exports
//! them (JSON lines), or the same events as a Purview audit search CSV (`AuditData` JSON in a
//! quoted cell). About 1% of the rows are STS refresh-token events (mostly flagged, some near
//! misses, a few with the operation written with JSON `\u` escapes); the rest are ordinary
//! audit events of about 1 KB, some of them with HTML-safe `\u003c` escapes as .NET writes them.
//!
//! cargo run --release --example gen_bench -- --size 1GB --out /tmp/x.jsonl [--format csv]
//! cargo run --release --example gen_bench -- --events 1000000 --sts-percent 100 --out /tmp/sts.jsonl
//!
//! `--sts-percent P` (0 to 100) makes P% of the rows STS events of a tenant whose admins and
//! automation revoke users' sessions every day (a few actors and addresses, the valid-from
//! date moved on by about a day, a tenth of them near misses): the findings are many events
//! behind a bounded number of distinct rows. Without it the mix is the original 1%, with one
//! actor per event. `--events N` stops after N rows instead of a size.
//!
//! The same size and seed always give the same bytes. A tally of what was written goes to
//! standard error (`expected:` line), so the scan's result can be checked.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

/// xorshift64*: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        (self.next() >> 16) % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items[i]
    }
    fn guid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }
    fn ip(&mut self) -> String {
        let x = self.next();
        format!(
            "{}.{}.{}.{}",
            20 + (x & 0x7f),
            (x >> 8) & 0xff,
            (x >> 16) & 0xff,
            1 + ((x >> 24) & 0xfd)
        )
    }
}

const USERS: [&str; 12] = [
    "adele.vance",
    "alex.wilber",
    "diego.siciliani",
    "grady.archie",
    "henrietta.mueller",
    "isaiah.langer",
    "johanna.lorenz",
    "joni.sherman",
    "lee.gu",
    "lidia.holloway",
    "megan.bowen",
    "nestor.wilke",
];
const ISPS: [&str; 5] = [
    "Microsoft Azure",
    "Comcast Cable",
    "Deutsche Telekom AG",
    "Orange S.A.",
    "Vodafone",
];
const CITIES: [(&str, &str); 5] = [
    ("US", "Seattle"),
    ("DE", "Berlin"),
    ("FR", "Paris"),
    ("GB", "London"),
    ("NL", "Amsterdam"),
];
const AGENTS: [&str; 3] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)",
    "Client=REST;Client=RESTSystem;;",
];

#[derive(Default)]
struct Tally {
    rows: u64,
    bytes: u64,
    sts_flagged: u64,
    sts_near_miss: u64,
    sts_escaped: u64,
    other_with_escapes: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Jsonl,
    Csv,
}

struct Gen {
    rng: Rng,
    /// Percentage of STS rows in the daily-revocation mix; `None` for the original 1% mix.
    sts_percent: Option<u64>,
    tenant: String,
    /// Seconds since 2021-02-01T00:00:00Z.
    clock: u64,
    tally: Tally,
}

fn time_of(secs: u64) -> (String, String) {
    // February 2021 onwards, days past 28 roll into the following months loosely: the
    // calendar only has to be valid, not exact.
    let day = secs / 86_400;
    let (month, dom) = (2 + day / 28, 1 + day % 28);
    let rest = secs % 86_400;
    let (h, m, s) = (rest / 3600, rest / 60 % 60, rest % 60);
    let month = 1 + (month - 1) % 12;
    let date = format!("2021-{month:02}-{dom:02}T{h:02}:{m:02}:{s:02}");
    (format!("{date}.{:07}Z", (secs * 7919) % 10_000_000), date)
}

/// What kind of STS event a row is.
#[derive(Clone, Copy)]
enum Sts {
    Flagged,
    DirectorySync,
    NotAtIndex0,
    SpelledDifferently,
    /// Flagged, with the operation written with `\u` escapes in the export.
    Escaped,
}

impl Gen {
    fn user(&mut self) -> String {
        format!("{}@contoso.onmicrosoft.com", self.rng.pick(&USERS))
    }

    /// The UAL record (RawEventData / AuditData) of an STS event.
    fn sts_audit(
        &mut self,
        kind: Sts,
        date: &str,
        user: &str,
        oid: &str,
        ip: &str,
    ) -> (String, &'static str) {
        let target = self.user();
        let old = if self.sts_percent.is_some() {
            // Revoked the day before by the same job, a few minutes earlier or later.
            let now = self.clock;
            let back = 86_400 - 300 + self.rng.below(600);
            format!("{}Z", time_of(now.saturating_sub(back)).1)
        } else {
            format!(
                "2021-01-{:02}T{:02}:{:02}:{:02}Z",
                1 + self.rng.below(28),
                self.rng.below(24),
                self.rng.below(60),
                self.rng.below(60)
            )
        };
        let new = format!("{date}Z");
        let operation = match kind {
            Sts::SpelledDifferently => "Update StsRefreshTokenValidFrom Timestamp",
            _ => "Update StsRefreshTokenValidFrom Timestamp.",
        };
        let sts_prop = format!(
            r#"{{"Name":"StsRefreshTokensValidFrom","NewValue":"[\r\n  \"{new}\"\r\n]","OldValue":"[\r\n  \"{old}\"\r\n]"}}"#
        );
        let included = r#"{"Name":"Included Updated Properties","NewValue":"StsRefreshTokensValidFrom","OldValue":""}"#;
        let props = match kind {
            Sts::NotAtIndex0 => format!("[{included},{sts_prop}]"),
            _ => format!("[{sts_prop},{included}]"),
        };
        let actor = match kind {
            Sts::DirectorySync => format!(
                r#"[{{"ID":"Sync_DC01_1a2b3c4d5e6f@contoso.onmicrosoft.com","Type":5}},{{"ID":"ServicePrincipal_{oid}","Type":2}},{{"ID":"Directorysync","Type":2}}]"#
            ),
            _ => format!(
                r#"[{{"ID":"{user}","Type":5}},{{"ID":"User_{oid}","Type":2}},{{"ID":"User","Type":2}}]"#
            ),
        };
        let id = self.rng.guid();
        let tenant = &self.tenant;
        let object = self.rng.guid();
        let s = format!(
            r#"{{"CreationTime":"{date}","Id":"{id}","Operation":"{operation}","OrganizationId":"{tenant}","RecordType":8,"ResultStatus":"Success","UserKey":"1003200{n}@contoso.onmicrosoft.com","UserType":0,"Version":1,"Workload":"AzureActiveDirectory","ClientIP":"{ip}","ObjectId":"{target}","UserId":"{user}","AzureActiveDirectoryEventType":1,"ExtendedProperties":[{{"Name":"additionalDetails","Value":"{{}}"}},{{"Name":"extendedAuditEventCategory","Value":"User"}}],"ModifiedProperties":{props},"Actor":{actor},"ActorContextId":"{tenant}","ActorIpAddress":"{ip}","InterSystemsId":"{isid}","IntraSystemId":"{object}","SupportTicketId":"","Target":[{{"ID":"User_{object}","Type":2}},{{"ID":"{target}","Type":5}},{{"ID":"User","Type":2}}],"TargetContextId":"{tenant}"}}"#,
            n = self.rng.below(90_000) + 10_000,
            isid = self.rng.guid(),
        );
        (s, operation)
    }

    /// The UAL record of an ordinary event, about 1 KB with its row.
    fn other_audit(&mut self, date: &str, user: &str, ip: &str) -> (String, &'static str) {
        let id = self.rng.guid();
        let tenant = self.tenant.clone();
        let escaped = self.rng.below(20) == 0;
        // .NET's default JSON writer escapes <, > and & as \u003c, \u003e, \u0026.
        let subject = if escaped {
            r#"RE: \u003cEXTERNAL\u003e Quarterly numbers \u0026 forecast"#
        } else {
            self.rng.pick(&[
                "Quarterly numbers and forecast",
                "Team offsite agenda",
                "Invoice 2021-0412",
                "Weekly status",
            ])
        };
        let agent = self.rng.pick(&AGENTS);
        let (lt, gt) = if self.rng.below(2) == 0 {
            ("\\u003c", "\\u003e")
        } else {
            ("<", ">")
        };
        let n = self.rng.below(1000);
        let (op, body) = match self.rng.below(5) {
            0 | 1 => (
                "MailItemsAccessed",
                format!(
                    r#""RecordType":50,"Workload":"Exchange","ClientIPAddress":"{ip}","ClientInfoString":"{agent}","ExternalAccess":false,"LogonType":0,"MailboxGuid":"{g}","MailboxOwnerUPN":"{user}","OperationProperties":[{{"Name":"MailAccessType","Value":"Bind"}},{{"Name":"IsThrottled","Value":"False"}}],"Folders":[{{"FolderItems":[{{"InternetMessageId":"{lt}AM0PR{n}MB1234.eurprd0{k}.prod.outlook.com{gt}","SizeInBytes":{size},"Subject":"{subject}"}}],"Id":"LgAAAAB{n}","Path":"\\Inbox"}}],"OperationCount":1"#,
                    g = self.rng.guid(),
                    k = n % 9,
                    size = 2000 + self.rng.below(90_000),
                ),
            ),
            2 => (
                "FileAccessed",
                format!(
                    r#""RecordType":6,"Workload":"SharePoint","ClientIP":"{ip}","UserAgent":"{agent}","Site":"{g}","ItemType":"File","ListId":"{l}","ListItemUniqueId":"{li}","WebId":"{w}","SourceFileExtension":"docx","SiteUrl":"https://contoso.sharepoint.com/sites/Finance/","SourceFileName":"{subject} {n}.docx","SourceRelativeUrl":"Shared Documents/Reports","ObjectId":"https://contoso.sharepoint.com/sites/Finance/Shared Documents/Reports/Report {n}.docx","EventSource":"SharePoint","ApplicationDisplayName":"Microsoft Office"#,
                    g = self.rng.guid(),
                    l = self.rng.guid(),
                    li = self.rng.guid(),
                    w = self.rng.guid(),
                ) + "\"",
            ),
            3 => (
                "UserLoggedIn",
                format!(
                    r#""RecordType":15,"Workload":"AzureActiveDirectory","ClientIP":"{ip}","ObjectId":"00000003-0000-0000-c000-000000000000","AzureActiveDirectoryEventType":1,"ExtendedProperties":[{{"Name":"ResultStatusDetail","Value":"Success"}},{{"Name":"UserAgent","Value":"{agent}"}},{{"Name":"RequestType","Value":"OAuth2:Token"}}],"ModifiedProperties":[],"Actor":[{{"ID":"{o}","Type":0}},{{"ID":"{user}","Type":5}}],"ActorContextId":"{tenant}","ActorIpAddress":"{ip}","InterSystemsId":"{g}","IntraSystemId":"{g2}","Target":[{{"ID":"00000003-0000-0000-c000-000000000000","Type":0}}],"TargetContextId":"{tenant}","ApplicationId":"d3590ed6-52b3-4102-aeff-aad2292ab01c","ErrorNumber":"0""#,
                    o = self.rng.guid(),
                    g = self.rng.guid(),
                    g2 = self.rng.guid(),
                ),
            ),
            _ => (
                "Send",
                format!(
                    r#""RecordType":2,"Workload":"Exchange","ClientIP":"{ip}","ClientInfoString":"{agent}","ExternalAccess":false,"LogonType":0,"MailboxGuid":"{g}","MailboxOwnerUPN":"{user}","Item":{{"Id":"RgAAAAD{n}","InternetMessageId":"{lt}DB{n}PR0{k}MB5678.eurprd0{k}.prod.outlook.com{gt}","ParentFolder":{{"Id":"LgAAAAD{n}","Path":"\\Sent Items"}},"SizeInBytes":{size},"Subject":"{subject}"}}"#,
                    g = self.rng.guid(),
                    k = n % 9,
                    size = 2000 + self.rng.below(90_000),
                ),
            ),
        };
        let s = format!(
            r#"{{"CreationTime":"{date}","Id":"{id}","Operation":"{op}","OrganizationId":"{tenant}","ResultStatus":"Succeeded","UserKey":"1003200{k}","UserType":0,"Version":1,"UserId":"{user}",{body}}}"#,
            k = 10_000 + self.rng.below(90_000),
        );
        (s, op)
    }

    fn sts_kind(&mut self, i: u64) -> Option<Sts> {
        // About 1 row in 100 is an STS event (or the chosen share); of those 1 in 10 is a near
        // miss and, among the first rows too, a few write the operation with escapes.
        let sts = match self.sts_percent {
            None => self.rng.below(100) == 0,
            Some(p) => self.rng.below(100) < p,
        };
        if !sts && i != 1500 {
            return None;
        }
        Some(match self.rng.below(100) {
            _ if i == 1500 => Sts::Escaped,
            0..=2 => Sts::DirectorySync,
            3..=5 => Sts::NotAtIndex0,
            6..=8 => Sts::SpelledDifferently,
            9 => Sts::Escaped,
            _ => Sts::Flagged,
        })
    }

    fn count(&mut self, kind: Option<Sts>, line: &str) {
        match kind {
            None => self.tally.other_with_escapes += u64::from(line.contains("\\u")),
            Some(Sts::Flagged) => self.tally.sts_flagged += 1,
            Some(Sts::Escaped) => {
                self.tally.sts_flagged += 1;
                self.tally.sts_escaped += 1;
            }
            Some(_) => self.tally.sts_near_miss += 1,
        }
    }

    /// Who revokes sessions in the daily-revocation mix: one of 12 admins (fixed object
    /// ids), each from one of 8 addresses.
    fn revoking_actor(&mut self) -> (String, String, String) {
        let a = self.rng.below(USERS.len() as u64);
        let user = format!(
            "{}@contoso.onmicrosoft.com",
            USERS[usize::try_from(a).unwrap_or(0)]
        );
        let oid = format!("0000{a:04x}-5157-4f54-8000-00000000{a:04x}");
        let ip = format!("203.0.113.{}", 10 + a * 8 + self.rng.below(8));
        (user, oid, ip)
    }

    /// One CloudAppEvents row as a JSON line.
    fn json_row(&mut self, i: u64, out: &mut String) {
        self.clock += 1 + self.rng.below(3);
        let (ts, date) = time_of(self.clock);
        // The original mix draws in this order (the same size gives the same bytes as before).
        let (kind, user, oid, ip, (country, city), isp) = if self.sts_percent.is_none() {
            let (user, oid, ip) = (self.user(), self.rng.guid(), self.rng.ip());
            let place = CITIES[usize::try_from(self.rng.below(5)).unwrap_or(0)];
            let isp = self.rng.pick(&ISPS);
            (self.sts_kind(i), user, oid, ip, place, isp)
        } else {
            let kind = self.sts_kind(i);
            let (user, oid, ip) = match kind {
                Some(_) => self.revoking_actor(),
                None => (self.user(), self.rng.guid(), self.rng.ip()),
            };
            let place = CITIES[usize::try_from(self.rng.below(5)).unwrap_or(0)];
            let isp = match kind {
                // The admins' own network.
                Some(_) => ISPS[0],
                None => self.rng.pick(&ISPS),
            };
            (kind, user, oid, ip, place, isp)
        };
        let (raw, action, app) = match kind {
            Some(k) => {
                let (raw, op) = self.sts_audit(k, &date, &user, &oid, &ip);
                (raw, op, "Microsoft Azure")
            }
            None => {
                let (raw, op) = self.other_audit(&date, &user, &ip);
                let app = if op == "FileAccessed" {
                    "Microsoft SharePoint Online"
                } else {
                    "Microsoft Exchange Online"
                };
                (raw, op, app)
            }
        };
        let action = match kind {
            Some(Sts::Escaped) => match i % 3 {
                0 => r"Update Sts\u0052efreshTokenValidFrom Timestamp.",
                1 => r"\u0055pdate StsRefreshToken\u0056alid\u0046rom Timestamp.",
                _ => {
                    r"Update \u0053\u0074\u0073\u0052\u0065\u0066\u0072\u0065\u0073\u0068TokenValidFrom Timestamp."
                }
            },
            _ => action,
        };
        let report = self.rng.guid();
        let proxy = self.rng.below(50) == 0;
        let _ = write!(
            out,
            r#"{{"Timestamp":"{ts}","ActionType":"{action}","Application":"{app}","ApplicationId":{appid},"AccountObjectId":"{oid}","AccountId":"{oid}","AccountDisplayName":"{user}","IsAdminOperation":false,"IPAddress":"{ip}","IsAnonymousProxy":{proxy},"CountryCode":"{country}","City":"{city}","ISP":"{isp}","ActivityType":"Basic","ReportId":"{report}","AccountType":"Regular","IsExternalUser":false,"RawEventData":{raw},"AdditionalFields":{{}}}}"#,
            appid = 20_000 + self.rng.below(20_000),
        );
        out.push('\n');
        self.count(kind, out);
    }

    /// One Purview audit search CSV row: RecordId, CreationDate, RecordType, Operation,
    /// UserId, AuditData, AssociatedAdminUnits, AssociatedAdminUnitsNames.
    fn csv_row(&mut self, i: u64, out: &mut String) {
        self.clock += 1 + self.rng.below(3);
        let (_, date) = time_of(self.clock);
        let user = self.user();
        let oid = self.rng.guid();
        let ip = self.rng.ip();
        let kind = self.sts_kind(i);
        let (audit, op, record_type) = match kind {
            Some(k) => {
                let (a, op) = self.sts_audit(k, &date, &user, &oid, &ip);
                (a, op, "AzureActiveDirectory")
            }
            None => {
                let (a, op) = self.other_audit(&date, &user, &ip);
                (a, op, "ExchangeItem")
            }
        };
        let audit = match kind {
            Some(Sts::Escaped) => audit.replacen(
                "\"Operation\":\"Update StsRefreshTokenValidFrom",
                "\"Operation\":\"Update Sts\\u0052efreshTokenValidFrom",
                1,
            ),
            _ => audit,
        };
        let id = self.rng.guid();
        let _ = write!(
            out,
            "{id},{date}.0000000Z,{record_type},{op},{user},\"{}\",,\r\n",
            audit.replace('"', "\"\"")
        );
        self.count(kind, out);
    }
}

fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim().to_ascii_uppercase();
    let (num, mult) = if let Some(n) = s.strip_suffix("GB") {
        (n, 1_000_000_000)
    } else if let Some(n) = s.strip_suffix("MB") {
        (n, 1_000_000)
    } else if let Some(n) = s.strip_suffix("KB") {
        (n, 1_000)
    } else {
        (s.as_str(), 1)
    };
    num.trim().parse::<u64>().ok().map(|n| n * mult)
}

fn run() -> io::Result<()> {
    let mut size = 100_000_000u64;
    let mut out_path = None;
    let mut format = Format::Jsonl;
    let mut seed = 0x5157_5f54_5249_4147u64;
    let mut events = u64::MAX;
    let mut sts_percent = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().unwrap_or_default();
        match a.as_str() {
            "--size" => size = parse_size(&value).ok_or_else(|| io::Error::other("bad --size"))?,
            "--out" => out_path = Some(value),
            "--format" => {
                format = match value.as_str() {
                    "jsonl" => Format::Jsonl,
                    "csv" => Format::Csv,
                    _ => return Err(io::Error::other("--format jsonl|csv")),
                }
            }
            "--seed" => seed = value.parse().map_err(|_| io::Error::other("bad --seed"))?,
            "--events" => {
                events = value
                    .parse()
                    .map_err(|_| io::Error::other("bad --events"))?;
                size = u64::MAX;
            }
            "--sts-percent" => {
                let p: u64 = value
                    .parse()
                    .map_err(|_| io::Error::other("bad --sts-percent"))?;
                if p > 100 {
                    return Err(io::Error::other("--sts-percent is 0 to 100"));
                }
                sts_percent = Some(p);
            }
            _ => {
                return Err(io::Error::other(format!(
                    "unknown argument {a}; usage: --size 1GB|--events N --out FILE [--format jsonl|csv] [--sts-percent P] [--seed N]"
                )));
            }
        }
    }
    let out_path = out_path.ok_or_else(|| io::Error::other("--out FILE is required"))?;
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&out_path)?);
    let mut rng = Rng(seed | 1);
    let tenant = rng.guid();
    let mut g = Gen {
        rng,
        sts_percent,
        tenant,
        // The daily mix starts a day in, so that every event has a revocation the day before.
        clock: if sts_percent.is_some() { 86_400 } else { 0 },
        tally: Tally::default(),
    };
    let mut line = String::with_capacity(8192);
    if format == Format::Csv {
        let header = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n";
        out.write_all(header.as_bytes())?;
        g.tally.bytes += header.len() as u64;
    }
    let mut i = 0u64;
    while g.tally.bytes < size && g.tally.rows < events {
        line.clear();
        match format {
            Format::Jsonl => g.json_row(i, &mut line),
            Format::Csv => g.csv_row(i, &mut line),
        }
        out.write_all(line.as_bytes())?;
        g.tally.bytes += line.len() as u64;
        g.tally.rows += 1;
        i += 1;
    }
    out.flush()?;
    let t = &g.tally;
    eprintln!(
        "expected: rows={} bytes={} sts_flagged={} sts_near_miss={} sts_escaped={} other_rows_with_u_escapes={}",
        t.rows, t.bytes, t.sts_flagged, t.sts_near_miss, t.sts_escaped, t.other_with_escapes
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_bench: {e}");
            ExitCode::from(2)
        }
    }
}
