//! The query text for the engines that scale: `sts-triage query` prints the hunting query
//! (or its raw variant) in the form each engine expects, so that the export of a tenant too
//! large for one machine comes back to the workbench.
//!
//! Sources of the text:
//! - the hunting query UpdateStsRefreshToken[Solorigate] (Azure-Sentinel, `Hunting
//!   Queries/Microsoft 365 Defender/Defense evasion/UpdateStsRefreshToken[Solorigate].yaml`),
//!   written for Defender XDR advanced hunting, whose CloudAppEvents time column is
//!   `Timestamp`;
//! - the same table in Microsoft Sentinel / Log Analytics, whose time column is
//!   `TimeGenerated` (Azure Monitor table reference for CloudAppEvents lists no `Timestamp`);
//! - the sibling detection `Detections/AuditLogs/StsRefreshTokenModification.yaml` over
//!   AuditLogs (its own `let auditLookback = 1d;`).
//!
//! The raw variants keep only the first clause of each rule, widened to the loader's own
//! test (the operation *contains* `StsRefreshTokenValidFrom`, any case), so that every event
//! the workbench calls a near miss is in the export too.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

use crate::rule::{RULE_ID, RULE_NAME};

/// The engine that runs the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Microsoft Defender XDR advanced hunting: CloudAppEvents with `Timestamp`.
    Defender,
    /// Microsoft Sentinel / Log Analytics: CloudAppEvents with `TimeGenerated`.
    Sentinel,
    /// Microsoft Sentinel / Log Analytics: the sibling rule over Entra ID AuditLogs.
    AuditLogs,
}

impl Engine {
    /// The time column the engine filters on.
    pub fn time_column(self) -> &'static str {
        match self {
            Self::Defender => "Timestamp",
            Self::Sentinel | Self::AuditLogs => "TimeGenerated",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Defender => "Microsoft Defender XDR advanced hunting (CloudAppEvents, Timestamp)",
            Self::Sentinel => "Microsoft Sentinel / Log Analytics (CloudAppEvents, TimeGenerated)",
            Self::AuditLogs => "Microsoft Sentinel / Log Analytics (AuditLogs, TimeGenerated)",
        }
    }
}

/// One end of the time window, as KQL writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeBound {
    /// A timespan back from now: the literal `30d`, `12h`, `90m`, `45s`, used as `ago(30d)`.
    Ago(String),
    /// A UTC instant, used as `datetime(2025-10-01T00:00:00Z)`.
    At(DateTime<Utc>),
}

impl TimeBound {
    /// The KQL expression of the bound.
    pub fn kql(&self) -> String {
        match self {
            Self::Ago(span) => format!("ago({span})"),
            Self::At(t) => format!(
                "datetime({})",
                t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
            ),
        }
    }
}

impl TimeBound {
    /// The instant the bound stands for when the query runs at `now` (`ago(30d)` is 30 days
    /// before `now`); `None` for a span too large to place.
    pub fn instant(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::At(t) => Some(*t),
            Self::Ago(span) => {
                let (digits, unit) = span.split_at(span.len().checked_sub(1)?);
                let n: i64 = digits.parse().ok()?;
                let secs = match unit {
                    "d" => n.checked_mul(86_400)?,
                    "h" => n.checked_mul(3_600)?,
                    "m" => n.checked_mul(60)?,
                    _ => n,
                };
                now.checked_sub_signed(chrono::TimeDelta::try_seconds(secs)?)
            }
        }
    }
}

/// True when `--since` is not before `--until`: the window holds no instant, so the query
/// would return nothing whatever the data (a swapped pair is the usual cause).
pub fn window_is_empty(since: &TimeBound, until: &TimeBound, now: DateTime<Utc>) -> bool {
    match (since.instant(now), until.instant(now)) {
        (Some(s), Some(u)) => s >= u,
        _ => false,
    }
}

/// Why a `--since` or `--until` value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTimeBound(pub String);

impl fmt::Display for BadTimeBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is neither a timespan (30d, 12h, 90m, 45s) nor a UTC date or time \
             (2025-10-01, 2025-10-01T08:00:00Z)",
            self.0
        )
    }
}

impl std::error::Error for BadTimeBound {}

/// Reads `30d` / `12h` / `90m` / `45s` (a whole number and a KQL timespan unit), or a date
/// (`2025-10-01`, midnight UTC), or a date and time (RFC 3339 with a zone, or without one,
/// read as UTC). Nothing else is accepted: the value is written into a query, so it must be
/// a literal and never KQL text.
pub fn parse_time_bound(text: &str) -> Result<TimeBound, BadTimeBound> {
    let t = text.trim();
    let bad = || BadTimeBound(text.to_owned());
    if let Some(unit) = t
        .chars()
        .last()
        .filter(|c| matches!(c, 'd' | 'h' | 'm' | 's'))
    {
        let digits = &t[..t.len() - 1];
        if !digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
            let n: u64 = digits.parse().map_err(|_| bad())?;
            return Ok(TimeBound::Ago(format!("{n}{unit}")));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let midnight = d.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
        return Ok(TimeBound::At(midnight.and_utc()));
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(TimeBound::At(dt.with_timezone(&Utc)));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, format) {
            return Ok(TimeBound::At(dt.and_utc()));
        }
    }
    Err(bad())
}

/// What to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuerySpec {
    pub engine: Engine,
    /// The STS events themselves instead of the eight result columns.
    pub raw: bool,
    /// Inclusive start of the window.
    pub since: Option<TimeBound>,
    /// Exclusive end of the window.
    pub until: Option<TimeBound>,
}

/// The columns the raw CloudAppEvents variants return: every column the loader reads
/// (`src/load/record.rs`), plus UserAgent, CountryCode and City, which the drill-down shows.
/// The time column comes first (`Timestamp` or `TimeGenerated`).
pub const RAW_CLOUD_APP_COLUMNS: [&str; 12] = [
    "ReportId",
    "ActionType",
    "Application",
    "AccountObjectId",
    "AccountDisplayName",
    "IPAddress",
    "IsAnonymousProxy",
    "ISP",
    "CountryCode",
    "City",
    "UserAgent",
    "RawEventData",
];

/// The columns the raw AuditLogs variant returns: those the loader reads (OperationName,
/// TimeGenerated, Id, InitiatedBy, TargetResources) and those an analyst reads next to
/// them in the drill-down.
pub const RAW_AUDIT_LOGS_COLUMNS: [&str; 11] = [
    "TimeGenerated",
    "Id",
    "OperationName",
    "ActivityDisplayName",
    "Category",
    "Result",
    "LoggedByService",
    "CorrelationId",
    "InitiatedBy",
    "TargetResources",
    "AdditionalDetails",
];

/// The body of the hunting query after its time filter; `{time}` stands for the engine's
/// time column in `tokenMinutesRemaining`.
const HUNTING_BODY: &str = r#"| where ActionType == "Update StsRefreshTokenValidFrom Timestamp."
| where RawEventData !has "Directorysync"
| extend displayName = RawEventData.ModifiedProperties[0].Name
| where displayName == "StsRefreshTokensValidFrom"
| extend oldValue = RawEventData.ModifiedProperties[0].OldValue
| extend newValue = RawEventData.ModifiedProperties[0].NewValue
| extend oldStsRefreshValidFrom = todatetime(parse_json(tostring(oldValue))[0])
| extend newStsRefreshValidFrom = todatetime(parse_json(tostring(newValue))[0])
| extend tokenMinutesAdded = datetime_diff('minute',newStsRefreshValidFrom,oldStsRefreshValidFrom)
| extend tokenMinutesRemaining = datetime_diff('minute',{time},newStsRefreshValidFrom)
| extend Role = parse_json(RawEventData.Actor[-1]).ID
| distinct AccountObjectId, AccountDisplayName, tostring(Role), IPAddress, IsAnonymousProxy, ISP, tokenMinutesAdded, tokenMinutesRemaining
"#;

/// The sibling rule after its time filter, as published.
const AUDIT_LOGS_BODY: &str = r"| where OperationName has 'StsRefreshTokenValidFrom'
| where TargetResources[0].modifiedProperties != '[]'
| where TargetResources[0].modifiedProperties !has 'DirectorySync'
| extend TargetResourcesModProps = TargetResources[0].modifiedProperties
| mv-expand TargetResourcesModProps
| where tostring(TargetResourcesModProps.displayName) =~ 'StsRefreshTokensValidFrom'
| extend InitiatingUserOrApp = iff(isnotempty(InitiatedBy.user.userPrincipalName),tostring(InitiatedBy.user.userPrincipalName), tostring(InitiatedBy.app.displayName))
| extend targetUserOrApp = TargetResources[0].userPrincipalName
| extend eventName = tostring(TargetResourcesModProps.displayName)
| extend oldStsRefreshValidFrom = todatetime(parse_json(tostring(TargetResourcesModProps.oldValue))[0])
| extend newStsRefreshValidFrom = todatetime(parse_json(tostring(TargetResourcesModProps.newValue))[0])
| extend tokenMinutesAdded = datetime_diff('minute',newStsRefreshValidFrom,oldStsRefreshValidFrom)
| extend tokenMinutesRemaining = datetime_diff('minute',TimeGenerated,newStsRefreshValidFrom)
| project-reorder Result, AADOperationType
| extend InitiatingIpAddress = iff(isnotempty(InitiatedBy.user.ipAddress), tostring(InitiatedBy.user.ipAddress), tostring(InitiatedBy.app.ipAddress))
| extend timestamp = TimeGenerated, AccountCustomEntity = InitiatingUserOrApp, IPCustomEntity = InitiatingIpAddress
";

/// The lookback of the published AuditLogs rule, used when no `--since` is given.
const AUDIT_LOOKBACK: &str = "1d";

/// The `| where` lines of the time window, in the engine's column.
fn window_clauses(column: &str, since: Option<&TimeBound>, until: Option<&TimeBound>) -> String {
    let mut out = String::new();
    if let Some(s) = since {
        out.push_str(&format!("| where {column} >= {}\n", s.kql()));
    }
    if let Some(u) = until {
        out.push_str(&format!("| where {column} < {}\n", u.kql()));
    }
    out
}

/// The query text, ending with a newline. The first lines are `//` comments naming the rule
/// and the engine (KQL comments; both portals accept them).
pub fn query_text(spec: &QuerySpec) -> String {
    let engine = spec.engine;
    let column = engine.time_column();
    let mut out = String::new();
    let what = if spec.raw {
        "every STS refresh-token event, for sts-triage (flagged rows and near misses)"
    } else {
        "the rule's result rows"
    };
    match engine {
        Engine::Defender | Engine::Sentinel => {
            out.push_str(&format!("// {RULE_NAME} (id {RULE_ID}): {what}\n"));
        }
        Engine::AuditLogs => out.push_str(&format!(
            "// Interactive STS refresh token modifications (AuditLogs sibling of {RULE_NAME}): {what}\n"
        )),
    }
    out.push_str(&format!("// for {}\n", engine.title()));
    match (engine, spec.raw) {
        (Engine::Defender | Engine::Sentinel, false) => {
            out.push_str("CloudAppEvents\n");
            out.push_str(&window_clauses(
                column,
                spec.since.as_ref(),
                spec.until.as_ref(),
            ));
            out.push_str(&HUNTING_BODY.replace("{time}", column));
        }
        (Engine::Defender | Engine::Sentinel, true) => {
            out.push_str("CloudAppEvents\n");
            out.push_str(&window_clauses(
                column,
                spec.since.as_ref(),
                spec.until.as_ref(),
            ));
            out.push_str("| where ActionType contains \"StsRefreshTokenValidFrom\"\n");
            let columns: Vec<&str> = std::iter::once(column)
                .chain(RAW_CLOUD_APP_COLUMNS)
                .collect();
            out.push_str(&format!("| project {}\n", columns.join(", ")));
        }
        (Engine::AuditLogs, raw) => {
            // The published rule's own form: a relative start is its `auditLookback`.
            let since = match &spec.since {
                None => Some(TimeBound::Ago(AUDIT_LOOKBACK.to_owned())),
                other => other.clone(),
            };
            if let Some(TimeBound::Ago(span)) = &since {
                out.push_str(&format!("let auditLookback = {span};\n"));
            }
            out.push_str("AuditLogs\n");
            if let Some(TimeBound::Ago(_)) = &since {
                out.push_str("| where TimeGenerated > ago(auditLookback)\n");
                out.push_str(&window_clauses(column, None, spec.until.as_ref()));
            } else {
                out.push_str(&window_clauses(column, since.as_ref(), spec.until.as_ref()));
            }
            if raw {
                out.push_str("| where OperationName contains \"StsRefreshTokenValidFrom\"\n");
                out.push_str(&format!(
                    "| project {}\n",
                    RAW_AUDIT_LOGS_COLUMNS.join(", ")
                ));
            } else {
                out.push_str(AUDIT_LOGS_BODY);
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn time_bounds_are_literals_or_refused() {
        assert_eq!(
            parse_time_bound("30d").unwrap(),
            TimeBound::Ago("30d".into())
        );
        assert_eq!(parse_time_bound("007h").unwrap().kql(), "ago(7h)");
        assert_eq!(
            parse_time_bound("2025-10-01").unwrap().kql(),
            "datetime(2025-10-01T00:00:00Z)"
        );
        assert_eq!(
            parse_time_bound("2025-10-01T10:30:00+02:00").unwrap().kql(),
            "datetime(2025-10-01T08:30:00Z)"
        );
        assert_eq!(
            parse_time_bound("2025-10-01 08:30:00.5").unwrap().kql(),
            "datetime(2025-10-01T08:30:00.500Z)"
        );
        for bad in ["", "d", "30", "30w", "-3d", "1d) | take 1 //", "yesterday"] {
            assert!(parse_time_bound(bad).is_err(), "{bad}");
        }
    }
}
