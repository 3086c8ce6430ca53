#![allow(clippy::panic, clippy::unwrap_used)]
//! The same records as JSON lines, a JSON array, each envelope, and pretty-printed objects one
//! after another give the same findings and near misses (documents are streamed record by
//! record; this checks the state machine that finds the records).

use std::collections::BTreeSet;
use std::path::PathBuf;

use sts_triage::load::ScanOptions;
use sts_triage::scan::scan_paths;

fn records() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string("tests/fixtures/workbench.jsonl").unwrap();
    let mut out: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Strings with brackets, braces, quotes and escapes must not confuse the record finder,
    // and neither must keys named like an envelope's whose value is not an array, or that
    // stand deeper in a record. (A top-level object with such a key holding an array is an
    // envelope: that is how the shapes are told apart.)
    out[0]["RawEventData"]["Note"] = serde_json::json!("}]{[\"\\\\ \"value\": [ {");
    out[1]["Results"] = serde_json::json!("not an array");
    out[1]["ActivityObjects"] = serde_json::json!([{"Type": "User"}]);
    out[2]["RawEventData"]["value"] = serde_json::json!([1, {"records": []}]);
    out
}

fn outcome(path: &PathBuf) -> (BTreeSet<String>, BTreeSet<String>, u64) {
    let r = scan_paths(std::slice::from_ref(path), &ScanOptions::default()).unwrap();
    let rows = r
        .findings
        .iter()
        .map(|f| serde_json::to_string(&f.row).unwrap())
        .collect();
    let near = r.near_miss_events().map(|e| e.id.clone()).collect();
    assert!(
        r.problems.is_empty(),
        "{}: {:?}",
        path.display(),
        r.problems
    );
    (rows, near, r.records())
}

#[test]
fn every_document_shape_gives_what_json_lines_give() {
    let dir = tempfile::tempdir().unwrap();
    let recs = records();
    let lines: String = recs.iter().map(|r| format!("{r}\n")).collect();
    let compact: Vec<String> = recs.iter().map(ToString::to_string).collect();
    let pretty: Vec<String> = recs
        .iter()
        .map(|r| serde_json::to_string_pretty(r).unwrap())
        .collect();
    let shapes = [
        ("lines.jsonl", lines.clone()),
        ("array.json", format!("[{}]", compact.join(","))),
        (
            "array-pretty.json",
            format!("[\n{}\n]\n", pretty.join(",\n")),
        ),
        (
            "value.json",
            format!(
                "{{\"@odata.context\":\"x\",\"value\":[{}],\"@odata.nextLink\":\"y\"}}",
                compact.join(",")
            ),
        ),
        (
            "records.json",
            format!("{{\"records\": [\n{}\n]}}", pretty.join(",\n")),
        ),
        (
            "results.json",
            format!(
                "{{\"schema\":[{{\"name\":\"Timestamp\"}}],\"results\":[{}]}}",
                compact.join(",")
            ),
        ),
        (
            "Results.json",
            format!("{{\"Schema\":[],\"Results\":[{}]}}", compact.join(",")),
        ),
        ("concatenated.json", pretty.join("\n")),
        ("bom.json", format!("\u{feff}[{}]", compact.join(",\r\n"))),
        // RFC 7464 (`application/json-seq`): each JSON text is `RS text LF`; a text may be
        // pretty-printed, with blanks around it.
        (
            "seq.json-seq",
            compact.iter().map(|r| format!("\x1e{r}\n")).collect(),
        ),
        (
            "seq-pretty.json-seq",
            pretty.iter().map(|r| format!("\x1e {r}\r\n")).collect(),
        ),
    ];
    let base = {
        let p = dir.path().join("base.jsonl");
        std::fs::write(&p, &lines).unwrap();
        outcome(&p)
    };
    assert_eq!(base.0.len(), 7);
    assert_eq!(base.1.len(), 3);
    for (name, text) in shapes {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        assert_eq!(outcome(&p), base, "{name}");
    }
}

#[test]
fn records_in_a_pretty_document_keep_their_starting_lines() {
    let dir = tempfile::tempdir().unwrap();
    let recs = records();
    let pretty: Vec<String> = recs
        .iter()
        .map(|r| serde_json::to_string_pretty(r).unwrap())
        .collect();
    let text = format!("{{\n\"value\": [\n{}\n]\n}}\n", pretty.join(",\n"));
    let p = dir.path().join("lines.json");
    std::fs::write(&p, &text).unwrap();
    let r = scan_paths(std::slice::from_ref(&p), &ScanOptions::default()).unwrap();
    // Each event's line is the line of its record's opening brace.
    let mut expected = Vec::new();
    let mut line = 3;
    for rec in &pretty {
        expected.push(line);
        line += rec.lines().count() as u64;
    }
    for e in &r.events {
        assert!(
            expected.contains(&e.source.line),
            "line {} is no record start",
            e.source.line
        );
        assert!(
            text.lines()
                .nth(usize::try_from(e.source.line - 1).unwrap())
                .unwrap()
                .starts_with('{')
        );
    }
    assert_eq!(r.events.len(), 11);
}

/// RFC 7464, section 2.4: a text cut off (a writer that died mid-record) is followed by the
/// next record separator; that text is reported, named by its line, and every other is read.
#[test]
fn a_json_text_sequence_with_a_text_cut_off_reads_every_other_text() {
    let dir = tempfile::tempdir().unwrap();
    let recs = records();
    let compact: Vec<String> = recs.iter().map(ToString::to_string).collect();
    let whole = |skip: usize| -> String {
        (0..compact.len())
            .filter(|i| *i != skip)
            .map(|i| format!("{}\n", compact[i]))
            .collect()
    };
    for (cut_at, what) in [(compact[3].len() / 2, "in a value"), (1, "at its start")] {
        // Cut in the middle of a string (after `"Timestamp": "` ...) or after its `{`.
        let cut = &compact[3][..cut_at];
        let seq: String = compact
            .iter()
            .enumerate()
            .map(|(i, r)| {
                if i == 3 {
                    format!("\x1e{cut}\n")
                } else {
                    format!("\x1e{r}\n")
                }
            })
            .collect();
        let p = dir.path().join("cut.json-seq");
        std::fs::write(&p, &seq).unwrap();
        let r = scan_paths(std::slice::from_ref(&p), &ScanOptions::default()).unwrap();
        assert_eq!(r.problems.len(), 1, "{what}: {:?}", r.problems);
        let problem = &r.problems[0];
        assert!(
            problem.line == Some(4) && problem.message.contains("record separator"),
            "{what}: {problem}"
        );
        let rest = dir.path().join("rest.jsonl");
        std::fs::write(&rest, whole(3)).unwrap();
        let expected = outcome(&rest);
        let rows: BTreeSet<String> = r
            .findings
            .iter()
            .map(|f| serde_json::to_string(&f.row).unwrap())
            .collect();
        let near: BTreeSet<String> = r.near_miss_events().map(|e| e.id.clone()).collect();
        assert_eq!((rows, near), (expected.0, expected.1), "{what}");
    }
}
