//! The JSON report: exact values, stable field names.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::json;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::{
    FileHash, Grouped, ReportContext, finding_sources, thresholds_json, unreviewed_warning,
    verdict_of,
};
use crate::context::{Related, summary};
use crate::hints::Inputs;
use crate::journal::Decision;
use crate::kql::format_datetime;
use crate::neutralize::{is_dangerous, push_json_escape};
use crate::rule::{RULE_ID, RULE_NAME};
use crate::scan::ScanReport;

/// The version of the JSON report's layout (`report_format`); it changes only when a field
/// is renamed or removed.
pub const JSON_REPORT_FORMAT: u32 = 1;

fn decision_json(d: &Decision) -> [(&'static str, serde_json::Value); 5] {
    [
        ("verdict", json!(d.verdict.label())),
        ("note", json!(d.note)),
        ("analyst", json!(d.analyst)),
        ("decided_at", json!((!d.time.is_empty()).then_some(&d.time))),
        // The journal line that made the decision when it is outside the hash chain (not
        // written by sts-triage: `Decision::outside_chain`); null otherwise.
        ("journal_line_outside_chain", json!(d.outside_chain)),
    ]
}

/// The JSON findings report, as a value (what `verify` reads back). Field names are stable
/// (see README); values are exact, as read. The same content [`write_json`] streams.
pub fn json_report(
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
    ctx: &ReportContext,
) -> serde_json::Value {
    serde_json::to_value(Streamed::new(report, decisions, ctx)).unwrap_or_default()
}

/// The report as serde writes it: the head first, then each row built only when its turn
/// comes, so a report of any size is written in the memory of one row.
struct Streamed<'a> {
    report: &'a ScanReport,
    decisions: &'a HashMap<String, Decision>,
    ctx: &'a ReportContext,
    g: Grouped,
    inputs: Inputs<'a>,
    /// Reads related records back for their event ids.
    records: std::cell::RefCell<crate::context::record::RecordReader>,
    /// The ids of the related records of gzip files, read in one pass when first needed.
    gzip_ids: std::cell::OnceCell<HashMap<usize, Option<(String, &'static str)>>>,
}

/// A list serialised from an iterator made when it is written.
struct Lazy<F>(F);

impl<F, I> Serialize for Lazy<F>
where
    F: Fn() -> I,
    I: Iterator<Item = serde_json::Value>,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

impl<'a> Streamed<'a> {
    fn new(
        report: &'a ScanReport,
        decisions: &'a HashMap<String, Decision>,
        ctx: &'a ReportContext,
    ) -> Self {
        Self {
            report,
            decisions,
            ctx,
            g: Grouped::new(report, decisions),
            inputs: Inputs::made_or_new(report, ctx.hints, ctx.tables.as_ref()),
            records: std::cell::RefCell::default(),
            gzip_ids: std::cell::OnceCell::new(),
        }
    }

    fn files(&self) -> Vec<serde_json::Value> {
        self.report
            .files
            .iter()
            .map(|f| {
                let (sha256, why) = match self.ctx.hash(&f.path) {
                    // `bytes` says how many bytes a followed file's hash covers.
                    FileHash::Sha256(h) | FileHash::BytesRead { sha256: h, .. } => (Some(h), None),
                    FileHash::Unavailable(why) => (None, Some(why)),
                };
                json!({
                    "path": f.path,
                    "format": f.format,
                    "bytes": f.bytes,
                    "records": f.records,
                    "sts_events": f.sts_events,
                    "skipped": f.skipped,
                    "sha256": sha256,
                    "sha256_unavailable": why,
                })
            })
            .collect()
    }

    /// The related records of an event (at most `summary::RELATED_LISTED`, nearest first)
    /// and how many there are in all and beyond the list.
    fn nearest(&self, event: Option<usize>) -> (Vec<Related>, usize) {
        let report = self.report;
        event.map_or((Vec::new(), 0), |e| {
            summary::nearest(report, &report.events[e], &self.inputs)
        })
    }

    /// Writes an event's related records (from [`Self::nearest`]) and its copies.
    fn related(
        &self,
        obj: &mut serde_json::Map<String, serde_json::Value>,
        event: Option<usize>,
        (related, total): (Vec<Related>, usize),
    ) {
        let report = self.report;
        let listed: Vec<serde_json::Value> = related
            .iter()
            .map(|r| {
                let mut v = summary::related_json(report, r);
                self.identify(&mut v, r.entry);
                if let (Some(e), Some(obj)) = (event, v.as_object_mut()) {
                    let at = summary::repeats_at(report, &report.events[e], &self.inputs, r);
                    obj.insert("repeats_at".into(), at);
                }
                v
            })
            .collect();
        let more = total - listed.len();
        obj.insert("related".into(), json!(listed));
        // Not read (a stopped load): no count, never a 0 that reads as "none is related".
        let counted = !report.context.coverage().unread();
        obj.insert("related_total".into(), json!(counted.then_some(total)));
        obj.insert("related_more".into(), json!(counted.then_some(more)));
        let copies = event.map_or_else(
            || json!([]),
            |e| summary::copies_json(report, &report.events[e]),
        );
        obj.insert("copies".into(), copies);
    }

    /// A related record's event id (read back from its place: the index keeps no text) and
    /// where it is: `id` and `id_field` (null when the record cannot be read back, as from
    /// standard input, or has no id), `file`, `offset` (bytes into the file's content as
    /// read, decompressed) and `line`, beside `source` (`file:line`).
    fn identify(&self, v: &mut serde_json::Value, entry: usize) {
        let index = &self.report.context;
        let Some(obj) = v.as_object_mut() else {
            return;
        };
        let place = index.place(&index.record(entry));
        let gzip = self.records.borrow_mut().is_streamed(&place.file);
        let id = if gzip {
            self.gzip_ids
                .get_or_init(|| self.read_gzip_ids())
                .get(&entry)
                .cloned()
                .flatten()
        } else {
            self.records.borrow_mut().id(&place)
        };
        obj.insert("id".into(), json!(id.as_ref().map(|(id, _)| id)));
        obj.insert("id_field".into(), json!(id.map(|(_, field)| field)));
        obj.insert("file".into(), json!(&*place.file));
        obj.insert("offset".into(), json!(place.offset));
        obj.insert("line".into(), json!(place.line));
    }

    /// The ids of every related record the report lists from a gzip file (or one decoded
    /// from another encoding), each file read once (one by one, each record would
    /// decompress or decode the file up to it).
    fn read_gzip_ids(&self) -> HashMap<usize, Option<(String, &'static str)>> {
        let report = self.report;
        let index = &report.context;
        let firsts = self
            .g
            .findings
            .iter()
            .flatten()
            .filter_map(|&i| report.findings[i].events.first().copied());
        let near = self.g.near_misses.iter().flatten().copied();
        let mut wanted: Vec<usize> = Vec::new();
        let mut reader = self.records.borrow_mut();
        for e in firsts.chain(near) {
            let (related, _) = summary::nearest(report, &report.events[e], &self.inputs);
            for r in related {
                let file = index.source_at(r.entry).file;
                if reader.is_streamed(&file) {
                    wanted.push(r.entry);
                }
            }
        }
        // Entries are in (file, offset) order: one pass per file.
        wanted.sort_unstable();
        wanted.dedup();
        let mut ids = HashMap::with_capacity(wanted.len());
        for same_file in
            wanted.chunk_by(|&a, &b| index.entries.file_of(a) == index.entries.file_of(b))
        {
            let places: Vec<_> = same_file
                .iter()
                .map(|&i| index.place(&index.record(i)))
                .collect();
            ids.extend(same_file.iter().copied().zip(reader.ids_in_order(&places)));
        }
        ids
    }

    fn finding(&self, i: usize) -> serde_json::Value {
        let report = self.report;
        let f = &report.findings[i];
        let r = &f.row;
        let key = r.key();
        let mut obj = serde_json::Map::new();
        obj.insert("key".into(), json!(key));
        for (k, v) in decision_json(&verdict_of(self.decisions, &key)) {
            obj.insert(k.into(), v);
        }
        obj.insert(
            "first_seen".into(),
            json!(f.totals.first.as_ref().map(format_datetime)),
        );
        obj.insert(
            "last_seen".into(),
            json!(f.totals.last.as_ref().map(format_datetime)),
        );
        obj.insert("events".into(), json!(f.totals.events));
        obj.insert("sources".into(), json!(finding_sources(report, f)));
        obj.insert("account_object_id".into(), json!(r.account_object_id));
        obj.insert("account_display_name".into(), json!(r.account_display_name));
        obj.insert("role".into(), json!(r.role));
        obj.insert("ip_address".into(), json!(r.ip_address));
        obj.insert("is_anonymous_proxy".into(), json!(r.is_anonymous_proxy));
        obj.insert("isp".into(), json!(r.isp));
        obj.insert("token_minutes_added".into(), json!(r.token_minutes_added));
        obj.insert(
            "token_minutes_remaining".into(),
            json!(r.token_minutes_remaining),
        );
        obj.insert("targets".into(), json!(f.totals.targets()));
        obj.insert("actors".into(), json!(f.totals.actors()));
        // The related records are counted once, for the context line and the list.
        let nearest = self.nearest(f.events.first().copied());
        obj.insert(
            "context".into(),
            json!(summary::finding_line_counted(
                &self.inputs,
                report,
                f,
                nearest.1
            )),
        );
        self.related(&mut obj, f.events.first().copied(), nearest);
        // Last, added without a format change: the row's badges (the Markdown's Hints) and
        // why a principal of it may pass for another (`lookalike`'s reason, or null).
        insert_hints(&mut obj, &self.inputs.finding_hints(f));
        // The kind of each of `actors`, in the same order (`user`, `app`, `app without
        // id`): an app may be named like a user's UPN, or like another app's `name (id)`.
        obj.insert(
            "actor_kinds".into(),
            json!(
                f.totals
                    .actor_principals()
                    .iter()
                    .map(|(k, _)| k.word())
                    .collect::<Vec<_>>()
            ),
        );
        serde_json::Value::Object(obj)
    }

    fn near_miss(&self, i: usize) -> serde_json::Value {
        let report = self.report;
        let e = &report.events[i];
        let key = e.key_in(|k| self.decisions.contains_key(k));
        let mut obj = serde_json::Map::new();
        obj.insert("key".into(), json!(key));
        for (k, v) in decision_json(&verdict_of(self.decisions, &key)) {
            obj.insert(k.into(), v);
        }
        let reason = e.near_miss_reason();
        obj.insert("event_id".into(), json!(e.id));
        obj.insert("time".into(), json!(e.time.as_ref().map(format_datetime)));
        obj.insert("actor".into(), json!(e.actor));
        obj.insert("operation".into(), json!(e.operation));
        obj.insert("reason".into(), json!(reason.map(|r| r.code())));
        obj.insert("detail".into(), json!(reason.map(ToString::to_string)));
        obj.insert("source".into(), json!(e.source.to_string()));
        obj.insert("target".into(), json!(e.parties.target_label()));
        obj.insert("actor_id".into(), json!(e.parties.actor_label()));
        let nearest = self.nearest(Some(i));
        obj.insert(
            "context".into(),
            json!(summary::event_line_counted(
                &self.inputs,
                report,
                i,
                nearest.1
            )),
        );
        self.related(&mut obj, Some(i), nearest);
        // The kind of `actor_id` (`user`, `app`, `app without id`; null with no actor).
        obj.insert(
            "actor_kind".into(),
            json!((!e.parties.actor_label().is_empty()).then(|| e.parties.actor_kind.word())),
        );
        // Its hints as the Markdown's near-miss Hints column, and why a principal of it may
        // pass for another, as a row's (`lookalike`'s reason, or null).
        insert_hints(&mut obj, &self.inputs.event_hints(i));
        serde_json::Value::Object(obj)
    }
}

impl Serialize for Streamed<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (report, g) = (self.report, &self.g);
        let counts = |total: usize, s: usize, l: usize, u: usize| json!({"total": total, "suspicious": s, "legitimate": l, "unreviewed": u});
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("report_format", &JSON_REPORT_FORMAT)?;
        m.serialize_entry("rule", &json!({"name": RULE_NAME, "id": RULE_ID}))?;
        m.serialize_entry("files", &self.files())?;
        m.serialize_entry(
            "not_read",
            &report
                .not_read
                .iter()
                .map(|n| json!({"path": n.path, "reason": n.reason, "sha256": n.sha256}))
                .collect::<Vec<_>>(),
        )?;
        // What the load assumed, repaired or skipped, by file (`report::load_notices`): the
        // words of the scan's warnings, the file as `files` names it, `line` null for a
        // notice of the whole file.
        m.serialize_entry(
            "notices",
            &super::load_notices(report)
                .into_iter()
                .map(|p| json!({"file": &*p.file, "line": p.line, "message": p.message}))
                .collect::<Vec<_>>(),
        )?;
        // Each pair of records of one event id with different content: both are rows (or
        // near misses) of their own, and one may be forged.
        m.serialize_entry(
            "same_id_different_content",
            &report
                .id_conflicts
                .iter()
                .map(|c| {
                    json!({
                        "id": c.id,
                        "sources": [c.places[0].to_string(), c.places[1].to_string()],
                        "differs": c.differs,
                    })
                })
                .collect::<Vec<_>>(),
        )?;
        m.serialize_entry(
            "journal",
            &self.ctx.journal.as_ref().map(|j| {
                json!({
                    "path": j.path,
                    "found": j.found,
                    "entries": j.entries,
                    "head_sha256": j.head,
                    // Lines outside the hash chain that decide a row: applied, and marked
                    // on the row (`journal_line_outside_chain`).
                    "outside_chain": super::outside_chain_decisions(self.decisions)
                        .into_iter()
                        .map(|(line, key)| {
                            json!({"line": line, "key": crate::journal::shown_key(&key)})
                        })
                        .collect::<Vec<_>>(),
                })
            }),
        )?;
        m.serialize_entry("hint_thresholds", &thresholds_json(&self.ctx.hints))?;
        m.serialize_entry(
            "time_range",
            &g.time_range
                .as_ref()
                .map(|(a, b)| json!({"first": format_datetime(a), "last": format_datetime(b)})),
        )?;
        m.serialize_entry(
            "counts",
            &json!({
                "findings": counts(
                    report.rows_flagged(),
                    g.findings[0].len(),
                    g.findings[1].len(),
                    g.unreviewed(),
                ),
                "near_misses": counts(
                    report.near_miss_count(),
                    g.near_misses[0].len(),
                    g.near_misses[1].len(),
                    g.near_miss_unreviewed,
                ),
            }),
        )?;
        m.serialize_entry("analysts", &g.analysts)?;
        m.serialize_entry("warning", &unreviewed_warning(report, self.decisions))?;
        // Decisions under a plain `event:<id>` that two near misses now share: applied to
        // neither, each said once (the id as read, JSON-escaped).
        let not_applied: Vec<String> = super::decisions_not_applied(report, self.decisions)
            .into_iter()
            .map(|(id, n)| super::not_applied_sentence(&id, n))
            .chain(super::folded_row_decisions(report, self.decisions))
            .collect();
        m.serialize_entry("decisions_not_applied", &not_applied)?;
        // Decisions on rows these inputs do not give: in no count, so said (only when some
        // are: a report without any is as before).
        let unmatched = crate::journal::unmatched_in_report(self.decisions, report);
        if unmatched > 0 {
            m.serialize_entry("journal_decisions_matching_no_row", &unmatched)?;
        }
        // Records whose own row is not their event's (copies of an event whose canonical
        // record gives another row), by file: each is in its event's `sources`.
        m.serialize_entry(
            "folded_records",
            &json!({
                "total": report.folded_records,
                "files": report
                    .folded_from
                    .iter()
                    .map(|(f, n)| (f.to_string(), *n))
                    .collect::<std::collections::BTreeMap<_, _>>(),
            }),
        )?;
        m.serialize_entry(
            "findings",
            &Lazy(|| g.findings.iter().flatten().map(|&i| self.finding(i))),
        )?;
        m.serialize_entry(
            "near_misses",
            &Lazy(|| g.near_misses.iter().flatten().map(|&i| self.near_miss(i))),
        )?;
        m.end()
    }
}

/// serde_json's pretty layout, with DEL, the C1 controls, the bidi controls and the
/// invisible characters written as `\uXXXX` escapes too (a surrogate pair beyond U+FFFF):
/// serde_json escapes only C0. The values are unchanged for any JSON reader and the bytes are
/// safe on a terminal.
struct SafePretty(PrettyFormatter<'static>);

impl Formatter for SafePretty {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| is_dangerous(c)) {
            w.write_all(&rest.as_bytes()[..at])?;
            let mut escaped = String::new();
            push_json_escape(&mut escaped, c);
            w.write_all(escaped.as_bytes())?;
            rest = &rest[at + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes the JSON report, pretty-printed, row by row (see [`SafePretty`] for the escapes).
pub fn write_json(
    out: &mut dyn Write,
    report: &ScanReport,
    decisions: &HashMap<String, Decision>,
    ctx: &ReportContext,
) -> io::Result<()> {
    let mut ser =
        serde_json::Serializer::with_formatter(&mut *out, SafePretty(PrettyFormatter::new()));
    Streamed::new(report, decisions, ctx)
        .serialize(&mut ser)
        .map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// `hints` (each hint's badge, as the Markdown's Hints cell) and `lookalike` (why a
/// principal may pass for another: the `lookalike` hint's reason, or null), for a row and
/// for a near miss alike.
fn insert_hints(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    hints: &[crate::hints::Hint],
) {
    obj.insert(
        "hints".into(),
        json!(
            hints
                .iter()
                .map(crate::hints::Hint::badge)
                .collect::<Vec<_>>()
        ),
    );
    obj.insert(
        "lookalike".into(),
        json!(
            hints
                .iter()
                .find(|h| matches!(h, crate::hints::Hint::Lookalike { .. }))
                .map(ToString::to_string)
        ),
    );
}
