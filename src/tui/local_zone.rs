//! The local zone the workbench shows times in (`t`): one rule, read once, that both
//! converts the times and names itself, so that a title can never name another zone than the
//! one applied (breaker14 #2: `TZ=EST5EDT` converted by `TZ` but titled `Etc/UTC` from
//! /etc/localtime; `TZ=Europe/Nowhere` titled as that zone over UTC times).
//!
//! Where the rule comes from, as the C library reads it (`man 3 tzset`):
//! - `TZ` unset: the file /etc/localtime, named by the zone its link points to
//!   (`…/zoneinfo/Europe/Berlin` → `Europe/Berlin`), else by its offsets;
//! - `TZ` empty: UTC;
//! - `TZ=Europe/Berlin` or `:Europe/Berlin` (or a path): that zone file of the time zone
//!   database (`$TZDIR`, else /usr/share/zoneinfo), named so;
//! - `TZ=EST5EDT`, `UTC+2` when no such file: a POSIX rule (whose offsets are west of UTC
//!   positive: `UTC+2` is two hours *behind* UTC), named by its offsets (`UTC-02:00`), or by
//!   its text when it changes with the seasons (`EST5EDT`; without dates for the change,
//!   the US rules, as the C library's default);
//! - anything else: UTC, and [`LocalZone::notice`] says so.
//!
//! The rules are the time zone database's (TZif files, RFC 8536) and POSIX's, read by the
//! `tz-rs` crate (the reader chrono's own `Local` is built on, which it keeps private).

use chrono::NaiveDateTime;

/// Ticks (100 ns since the Unix epoch, [`crate::kql::ticks`]) in a second.
const TICKS: i64 = 10_000_000;

/// The zone's rule and the name it is shown under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalZone {
    rule: tz::TimeZone,
    label: String,
    notice: Option<String>,
}

/// The instants a local wall-clock time names: none (skipped when the clocks moved
/// forward), one, or two (repeated when they moved back), earliest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readings {
    Skipped,
    Once(i64),
    Twice(i64, i64),
}

impl LocalZone {
    /// The zone of this process: `TZ`, else /etc/localtime.
    pub fn from_env() -> Self {
        let tz = std::env::var_os("TZ").map(|v| v.to_string_lossy().into_owned());
        let tzdir = std::env::var("TZDIR").ok();
        let link = std::fs::read_link("/etc/localtime")
            .ok()
            .map(|p| p.to_string_lossy().into_owned());
        Self::resolve(tz.as_deref(), tzdir.as_deref(), link.as_deref(), &|path| {
            std::fs::read(path).ok()
        })
    }

    /// The zone from what [`LocalZone::from_env`] read: `TZ`'s value, `TZDIR`'s, the target
    /// of the link /etc/localtime, and a reader of zone files (by path).
    pub fn resolve(
        tz: Option<&str>,
        tzdir: Option<&str>,
        link: Option<&str>,
        read: &dyn Fn(&str) -> Option<Vec<u8>>,
    ) -> Self {
        let Some(tz) = tz else {
            return match read("/etc/localtime").and_then(|b| tz::TimeZone::from_tz_data(&b).ok()) {
                Some(rule) => {
                    let label = link
                        .and_then(|l| l.split_once("zoneinfo/"))
                        .map(|(_, name)| name)
                        .filter(|n| is_zone_name(n))
                        .map_or_else(|| offsets_label(&rule), str::to_owned);
                    Self {
                        rule,
                        label,
                        notice: None,
                    }
                }
                None => Self::utc(),
            };
        };
        let name = tz.strip_prefix(':').unwrap_or(tz);
        if name.is_empty() {
            return Self::utc();
        }
        let file = if name.starts_with('/') {
            read(name)
        } else {
            tzdir
                .into_iter()
                .chain([
                    "/usr/share/zoneinfo",
                    "/usr/share/lib/zoneinfo",
                    "/etc/zoneinfo",
                ])
                .find_map(|dir| read(&format!("{dir}/{name}")))
        };
        if let Some(rule) = file.and_then(|b| tz::TimeZone::from_tz_data(&b).ok()) {
            let shown = name.rsplit_once("zoneinfo/").map_or(name, |(_, n)| n);
            let label = if is_zone_name(shown) {
                shown.to_owned()
            } else {
                offsets_label(&rule)
            };
            return Self {
                rule,
                label,
                notice: None,
            };
        }
        // A POSIX rule, read without looking for files (done above). One with summer time
        // but no dates for it (`EST5EDT`) takes the C library's default, the US rules.
        let posix = tz::timezone::TimeZoneSettings::new(&[], |_| Err("no zone files".into()));
        let parsed = posix.parse_posix_tz(name).or_else(|e| {
            if name.contains(',') {
                Err(e)
            } else {
                posix.parse_posix_tz(&format!("{name},M3.2.0,M11.1.0"))
            }
        });
        if !tz.starts_with(':')
            && let Ok(rule) = parsed
        {
            let label = match rule.as_ref().extra_rule() {
                Some(tz::timezone::TransitionRule::Alternate(_)) if is_zone_name(name) => {
                    name.to_owned()
                }
                _ => offsets_label(&rule),
            };
            return Self {
                rule,
                label,
                notice: None,
            };
        }
        let shown = crate::neutralize::neutralize(tz);
        Self {
            notice: Some(format!(
                "TZ={shown} is not a known zone: times shown in UTC"
            )),
            ..Self::utc()
        }
    }

    /// UTC, named `UTC`.
    pub fn utc() -> Self {
        Self {
            rule: tz::TimeZone::utc(),
            label: "UTC".to_owned(),
            notice: None,
        }
    }

    /// A fixed offset east of UTC in seconds, named by it (`UTC+02:00`): tests.
    pub fn fixed(offset_secs: i32) -> Self {
        let rule = tz::TimeZone::fixed(offset_secs).unwrap_or_else(|_| tz::TimeZone::utc());
        Self {
            label: offsets_label(&rule),
            rule,
            notice: None,
        }
    }

    /// The name of the rule applied: the zone's IANA name (`Europe/Berlin`), a POSIX rule's
    /// text (`EST5EDT`) or its offset (`UTC-02:00`), `UTC`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// What the analyst must be told about the zone, if anything: a `TZ` that names no
    /// zone (`TZ=Europe/Nowhere is not a known zone: times shown in UTC`).
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The offset east of UTC, in seconds, at an instant (seconds since 1970).
    pub fn offset_at(&self, unix_secs: i64) -> i32 {
        self.rule
            .find_local_time_type(unix_secs)
            .map_or(0, tz::LocalTimeType::ut_offset)
    }

    /// The wall-clock time an instant reads, in ticks (as if that reading were UTC).
    pub fn wall_ticks(&self, ticks: i64) -> i64 {
        let secs = unix_secs(ticks);
        ticks + i64::from(self.offset_at(secs)) * TICKS
    }

    /// The instants (ticks) whose wall clock reads `wall` (ticks of a reading). Every
    /// offset in force a day before or after is tried: zones change their clocks at most
    /// once in two days.
    pub fn readings(&self, wall: i64) -> Readings {
        let secs = unix_secs(wall);
        let mut found: Vec<i64> = [secs - 86_400, secs, secs + 86_400]
            .into_iter()
            .map(|s| i64::from(self.offset_at(s)))
            .map(|off| secs - off)
            .filter(|&t| t + i64::from(self.offset_at(t)) == secs)
            .collect();
        found.sort_unstable();
        found.dedup();
        let sub = wall - secs * TICKS;
        let at = |s: i64| s * TICKS + sub;
        match found[..] {
            [] => Readings::Skipped,
            [one] => Readings::Once(at(one)),
            [first, .., last] => Readings::Twice(at(first), at(last)),
        }
    }

    /// An instant (ticks) as the Time column shows it: `2025-10-26 02:30:00`, and when the
    /// clocks read that time twice (the hour repeated when they moved back) its offset
    /// after it, `2025-10-26 02:30:00+02` then `+01`, so that two rows never read alike
    /// while their times differ.
    pub fn text(&self, ticks: i64) -> String {
        let wall = self.wall_ticks(ticks);
        let Some(reading) = naive(wall) else {
            return String::new();
        };
        let mut out = reading.format("%Y-%m-%d %H:%M:%S").to_string();
        if matches!(self.readings(wall), Readings::Twice(..)) {
            out.push_str(&offset_text(self.offset_at(unix_secs(ticks))));
        }
        out
    }
}

fn unix_secs(ticks: i64) -> i64 {
    ticks.div_euclid(TICKS)
}

/// A reading in ticks as a date and time.
fn naive(wall: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp(unix_secs(wall), 0).map(|t| t.naive_utc())
}

/// An offset as ISO 8601 writes it after a time: `+02`, `-04`, `+05:30`.
fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    match secs % 3600 / 60 {
        0 => format!("{sign}{:02}", secs / 3600),
        m => format!("{sign}{:02}:{m:02}", secs / 3600),
    }
}

/// `UTC+01:00`.
fn utc_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// A zone without a name by its offsets: `UTC-02:00`, or standard and summer time
/// (`UTC+01:00/+02:00`) of a rule that changes with the seasons.
fn offsets_label(rule: &tz::TimeZone) -> String {
    match rule.as_ref().extra_rule() {
        Some(tz::timezone::TransitionRule::Alternate(alt)) => format!(
            "{}/{}",
            utc_offset(alt.std().ut_offset()),
            &utc_offset(alt.dst().ut_offset())[3..]
        ),
        Some(tz::timezone::TransitionRule::Fixed(t)) => utc_offset(t.ut_offset()),
        None => {
            let now = chrono::Utc::now().timestamp();
            utc_offset(
                rule.find_local_time_type(now)
                    .map_or(0, tz::LocalTimeType::ut_offset),
            )
        }
    }
}

/// A name the time zone database could give (`Europe/Berlin`, `UTC`, `EST5EDT`): letters,
/// digits and `/_-+` only, which a terminal shows as they are.
fn is_zone_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'))
}

#[cfg(test)]
#[path = "local_zone_tests.rs"]
pub(crate) mod tests;
