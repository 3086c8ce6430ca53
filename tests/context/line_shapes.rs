#![allow(clippy::panic, clippy::unwrap_used)]
//! Context where records share a line or span lines (`tests/fixtures/context-shapes/`,
//! written by its `make.py`): a JSON array and a Graph `value` page on one line, a Log
//! Analytics query response on one line and pretty-printed, gzip-compressed JSON lines and a
//! Purview CSV whose AuditData cells run over lines. In each, a revocation follows `Update
//! user` and `Reset user password` of the same user in one correlation, and an unrelated
//! sign-in comes later: the revocation's row has the `reset` hint, its context panel lists
//! the reset, Enter on it shows exactly that record, and the JSON report gives the related
//! records' event ids and places.

use std::path::{Path, PathBuf};

use ratatui::crossterm::event::KeyCode;
use serde_json::Value;

use sts_triage::tui::columns::{Column, finding};

use crate::support::context::{app_of, doc_text, json_report, shapes_uid as uid, timeline};
use crate::support::{keys, press, screen};

const DIR: &str = "tests/fixtures/context-shapes";

/// The event id of the `i`th record of the flow in one input.
type IdOf = fn(usize) -> String;

/// Each input, and the event id its records are known by (a Graph record has its own).
fn shapes() -> Vec<(&'static str, IdOf)> {
    fn graph(i: usize) -> String {
        format!("Directory_{}", uid(i))
    }
    vec![
        ("cae-array-one-line.json", uid),
        ("graph-page-one-line.json", graph),
        ("la-cae-one-line.json", uid),
        ("la-cae-pretty.json", uid),
        ("cae-lines.jsonl.gz", uid),
        ("purview-multiline.csv", uid),
    ]
}

#[test]
fn a_revocation_in_every_shape_has_its_reset_beside_it_and_opens_that_record() {
    for (name, id) in shapes() {
        let mut app = app_of(&Path::new(DIR).join(name), 160, 45);
        assert_eq!(
            app.findings.items.len(),
            1,
            "{name}: the revocation is flagged"
        );
        let hints = &app.findings.items[0].cells[finding(Column::Hint)];
        assert!(hints.contains("reset"), "{name}: hints {hints:?}");
        press(&mut app, KeyCode::Enter);
        keys(&mut app, "x");
        let t = timeline(&app);
        assert_eq!(
            t.len(),
            3,
            "{name}: the update, the reset, the event: {t:?}"
        );
        assert!(
            t[0].starts_with("-00:00:02 CTA Update user"),
            "{name}: {t:?}"
        );
        assert!(
            t[1].starts_with("-00:00:01 CTA Reset user password by desk.agent@fabrikam.example → ana.lopes@fabrikam.example")
                || t[1].starts_with("-00:00:01 CTA Reset user password. by desk.agent@fabrikam.example → ana.lopes@fabrikam.example"),
            "{name}: {t:?}"
        );
        assert!(t[2].starts_with("this event"), "{name}: {t:?}");
        // Enter on the reset: exactly that record where the event was.
        keys(&mut app, "k");
        press(&mut app, KeyCode::Enter);
        let text = doc_text(&app);
        assert!(text.contains("Reset user password"), "{name}: {text}");
        assert!(text.contains(&id(1)), "{name}: the reset's own id: {text}");
        for other in [0, 2, 3] {
            assert!(
                !text.contains(&id(other)),
                "{name}: nothing of record {other} beside it: {text}"
            );
        }
        let s = screen(&app, 160, 45);
        assert!(
            s.contains("related -00:00:01 · Reset user password"),
            "{name}: {s}"
        );
        press(&mut app, KeyCode::Esc);
        assert!(
            doc_text(&app).contains("StsRefreshTokensValidFrom"),
            "{name}: Esc puts the event back"
        );
    }
}

#[test]
fn a_log_analytics_row_opens_as_the_record_of_its_columns() {
    for name in ["la-cae-one-line.json", "la-cae-pretty.json"] {
        let mut app = app_of(&Path::new(DIR).join(name), 80, 24);
        press(&mut app, KeyCode::Enter);
        keys(&mut app, "xk");
        press(&mut app, KeyCode::Enter);
        let text = doc_text(&app);
        let opened: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("{name}: the opened record is one JSON object ({e}): {text}")
        });
        assert_eq!(opened["ActionType"], "Reset user password.", "{name}");
        assert_eq!(opened["ReportId"], format!("CA_{}", uid(1)), "{name}");
        assert_eq!(opened["Type"], "CloudAppEvents", "{name}");
        // As the loader reads a row: the empty cells left out, dynamic columns as written.
        assert!(opened.get("SourceSystem").is_none(), "{name}: {text}");
        let raw: Value = serde_json::from_str(opened["RawEventData"].as_str().unwrap()).unwrap();
        assert_eq!(raw["Id"], uid(1), "{name}");
    }
}

#[test]
fn the_json_report_names_each_related_record_by_its_event_id_and_place() {
    for (name, id) in shapes() {
        let path = PathBuf::from(DIR).join(name);
        let r = json_report(&path);
        let f = &r["findings"][0];
        let related = f["related"].as_array().unwrap();
        let ids: Vec<&str> = related.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [id(0), id(1)], "{name}: {related:?}");
        let field = related[1]["id_field"].as_str().unwrap();
        let expected_field = match name {
            "graph-page-one-line.json" => "id",
            "purview-multiline.csv" => "AuditData.Id",
            _ => "RawEventData.Id",
        };
        assert_eq!(field, expected_field, "{name}");
        // The place: the file, the byte offset in its content (decompressed) and the line.
        let content = match name.strip_suffix(".gz") {
            Some(_) => {
                let mut text = String::new();
                std::io::Read::read_to_string(
                    &mut flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap()),
                    &mut text,
                )
                .unwrap();
                text
            }
            None => std::fs::read_to_string(&path).unwrap(),
        };
        let reset = &related[1];
        assert_eq!(reset["file"], path.to_string_lossy().as_ref(), "{name}");
        let offset = usize::try_from(reset["offset"].as_u64().unwrap()).unwrap();
        let line = 1 + content[..offset].matches('\n').count();
        assert_eq!(reset["line"], line, "{name}");
        assert_eq!(
            reset["source"],
            format!("{}:{line}", path.display()),
            "{name}"
        );
        // The record starts there: its own id comes before any other record's.
        let rest = &content[offset..];
        let own = rest.find(&id(1)).unwrap();
        assert!(
            rest.find(&id(2)).is_none_or(|other| own < other),
            "{name}: the offset {offset} is the reset's"
        );
        assert!(
            !content[offset..offset + own].contains(&id(0)),
            "{name}: not the update's"
        );
    }
}

/// `text` written in Windows-1252 (each character one byte: fewer bytes than in UTF-8) and
/// in UTF-16LE with its byte order mark, as `cp1252.EXT` and `utf16.EXT` in `dir`: each
/// file's name and path.
fn windows_1252_and_utf16(text: &str, dir: &Path, ext: &str) -> Vec<(String, PathBuf)> {
    let (cp1252, _, lossy) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!lossy && cp1252.len() < text.len());
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    [("cp1252", cp1252.to_vec()), ("utf16", utf16)]
        .into_iter()
        .map(|(name, bytes)| {
            let file = format!("{name}.{ext}");
            let path = dir.join(&file);
            std::fs::write(&path, bytes).unwrap();
            (file, path)
        })
        .collect()
}

/// The flow's revocation in `path` (named `file` in messages): its JSON report relates the
/// update and the reset, by their event ids; in the workbench its context panel lists the
/// reset second, and Enter on it opens one record: that record, and the drill-down's text.
fn related_and_reset_opened(path: &Path, file: &str) -> (Value, String) {
    let r = json_report(path);
    let related = r["findings"][0]["related"].as_array().unwrap();
    let ids: Vec<&str> = related
        .iter()
        .map(|r| r["id"].as_str().unwrap_or("(none)"))
        .collect();
    assert_eq!(ids, [uid(0), uid(1)], "{file}: {related:?}");
    // Enter on the reset in the context panel opens the reset.
    let mut app = app_of(path, 160, 45);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "x");
    let t = timeline(&app);
    assert!(t[1].contains("Reset user password"), "{file}: {t:?}");
    keys(&mut app, "k");
    press(&mut app, KeyCode::Enter);
    let shown = doc_text(&app);
    let opened: Value = serde_json::from_str(&shown)
        .unwrap_or_else(|e| panic!("{file}: one record opened ({e}): {shown}"));
    (opened, shown)
}

#[test]
fn related_records_of_windows_1252_and_utf16_files_are_read_back_at_their_place() {
    // The gzip JSON lines above, with 1100 letters that are one byte in Windows-1252 and two
    // in UTF-8 in the record before the reset: offsets count the decoded content, so a
    // read-back by the raw bytes landed 1100 bytes late, in the revocation (and gave its
    // id); UTF-16 records were not read back at all.
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(
            std::fs::File::open(PathBuf::from(DIR).join("cae-lines.jsonl.gz")).unwrap(),
        ),
        &mut text,
    )
    .unwrap();
    let name = "\"AccountDisplayName\": \"Desk Agent";
    assert!(text.contains(name));
    let text = text.replacen(name, &format!("{name} {}", "Jürgen ".repeat(1100)), 1);
    let dir = tempfile::tempdir().unwrap();
    for (file, path) in windows_1252_and_utf16(&text, dir.path(), "jsonl") {
        let (opened, _) = related_and_reset_opened(&path, &file);
        assert_eq!(opened["ActionType"], "Reset user password.", "{file}");
        assert_eq!(
            opened["RawEventData"]["Id"],
            uid(1),
            "{file}: the reset's own record"
        );
    }
}

#[test]
fn a_purview_csv_in_windows_1252_or_utf16_opens_its_related_rows_decoded() {
    // Export-Csv of Windows PowerShell 5.1 writes Windows-1252 ("Default") or UTF-16
    // ("Unicode"); the reset's AuditData names a user with accented letters.
    let text = std::fs::read_to_string(PathBuf::from(DIR).join("purview-multiline.csv")).unwrap();
    let op = "\"\"Operation\"\": \"\"Reset user password.\"\",";
    assert!(text.contains(op));
    let text = text.replacen(
        op,
        &format!("{op}\n  \"\"ActorName\"\": \"\"Jürgen Müller, Telefónica\"\","),
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    for (file, path) in windows_1252_and_utf16(&text, dir.path(), "csv") {
        let (opened, shown) = related_and_reset_opened(&path, &file);
        assert_eq!(opened["AuditData"]["Id"], uid(1), "{file}: {shown}");
        assert_eq!(
            opened["AuditData"]["ActorName"], "Jürgen Müller, Telefónica",
            "{file}: decoded as the loader read it"
        );
    }
}

/// `text` (a CSV with `,`) written again with `delimiter`, every cell quoted as Excel or
/// `Export-Csv -Delimiter` quote them when they hold the delimiter, a quote or a line break.
fn with_delimiter(text: &str, delimiter: u8) -> String {
    let mut rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut out = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows.records() {
        out.write_record(&row.unwrap()).unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

#[test]
fn a_purview_csv_with_semicolons_or_tabs_opens_its_related_rows_with_its_delimiter() {
    // Excel in a European locale saves `;` (with or without its `sep=;` line); scripts
    // write tabs or `|` because AuditData is full of commas. The related rows were read back
    // with `,`: one cell of the whole line, no event id in the report, no record on Enter.
    let text = std::fs::read_to_string(PathBuf::from(DIR).join("purview-multiline.csv")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (file, content) in [
        ("excel-de.csv", with_delimiter(&text, b';')),
        (
            "excel-sep.csv",
            format!("sep=;\r\n{}", with_delimiter(&text, b';')),
        ),
        (
            "bom-tabs.csv",
            format!("\u{feff}{}", with_delimiter(&text, b'\t')),
        ),
        ("pipes.csv", with_delimiter(&text, b'|')),
    ] {
        assert!(!content.starts_with("RecordId,"), "{file}: {content}");
        let path = dir.path().join(file);
        std::fs::write(&path, content).unwrap();
        let (opened, shown) = related_and_reset_opened(&path, file);
        assert_eq!(
            opened["Operation"], "Reset user password.",
            "{file}: {shown}"
        );
        assert_eq!(opened["AuditData"]["Id"], uid(1), "{file}: {shown}");
    }
}
