//! Copies of the same event (in several files) are not related records and change no hint.

use super::*;

/// The same events read more than once — a CloudAppEvents export (its Timestamp to the 100 ns)
/// and the UAL records it carries (CreationTime to the second, the same event ids), and the
/// UAL file again as `.gz` — are copies: never related records, never counted by a hint.
#[test]
fn copies_of_the_same_event_are_not_related_records_and_change_no_hint() {
    use sts_triage::tui::context_panel::{ContextPanel, Moment};
    let dir = tempfile::tempdir().unwrap();
    let s = story();
    // The CloudAppEvents rows carry a fraction of a second the UAL records do not.
    let cae = lines(s.iter().enumerate().map(|(i, e)| {
        let mut v = cloud_app(e, i);
        v["Timestamp"] = json!(e.time.replace('Z', ".5000000Z"));
        v
    }));
    let plain = lines(s.iter().enumerate().map(|(i, e)| ual(e, i)));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(plain.as_bytes()).unwrap();
    let paths = vec![
        write(dir.path(), "a-cae.jsonl", &cae),
        write(dir.path(), "b-ual.jsonl", &plain),
        {
            let p = dir.path().join("c-ual.jsonl.gz");
            std::fs::write(&p, gz.finish().unwrap()).unwrap();
            p
        },
    ];
    let once = scan(&paths[0], true);
    let thrice = scan_paths(&paths, &ScanOptions::default()).unwrap();
    assert_eq!(thrice.events.len(), 12, "each event counted once");
    let (once_inputs, inputs) = (
        Inputs::new(&once, HintConfig::default()),
        Inputs::new(&thrice, HintConfig::default()),
    );
    let config = HintConfig::default().context;
    for (i, e) in thrice.events.iter().enumerate() {
        let copies = thrice.context.copies(e);
        assert_eq!(copies.len(), 2, "{:?}", e.source);
        let related = thrice.context.related(e, &config);
        assert!(
            related.iter().all(|r| !copies.contains(&r.entry)),
            "a copy is no related record"
        );
        // The same hints as with one copy: a copy makes neither reset nor bulk fire, and a
        // copy written without the fraction of its second does not take `first` away.
        let j = event_of(&once, &e.parties.actor, &e.parties.target);
        assert_eq!(
            badges(&inputs, i),
            badges(&once_inputs, j),
            "{}",
            e.parties.target
        );
    }
    // The helpdesk event: the reset read in all three files is one related record, its
    // two repeats counted.
    let i = event_of(&thrice, HELPDESK, VICTIM);
    let resets: Vec<_> = thrice
        .context
        .related(&thrice.events[i], &config)
        .into_iter()
        .filter(|r| {
            let e = &thrice.context.entries[r.entry];
            thrice.context.text(e.operation) == "Reset user password."
        })
        .collect();
    assert_eq!(resets.len(), 1, "{resets:?}");
    assert_eq!(resets[0].repeats, 2);
    // Its copies one line under it in the context panel.
    let panel = ContextPanel::new(&thrice, i, HintConfig::default());
    let at = panel.rows.iter().position(|m| *m == Moment::Event).unwrap();
    assert_eq!(panel.rows[at + 1], Moment::Copies);
    let text = panel.row_text(&thrice, at + 1);
    assert_eq!(text.offset, "copy");
    assert!(
        text.what.starts_with("2 other copies of this event (")
            && text.what.contains("b-ual.jsonl:4"),
        "{}",
        text.what
    );
    // Not one related record at the event's own second is a copy of it.
    let offsets: Vec<Option<i64>> = (0..panel.rows.len())
        .filter_map(|r| match panel.rows[r] {
            Moment::Related(rel) => Some(rel.offset_secs),
            _ => None,
        })
        .collect();
    assert!(!offsets.contains(&Some(0)), "{offsets:?}");
    let line = sts_triage::context::summary::event_line(&inputs, &thrice, i);
    assert!(line.ends_with("; 2 other copies of this event"), "{line}");
    // The JSON report: the copies apart, never among the related records.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sts-triage"))
        .args(["report", "--format", "json"])
        .args(&paths)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let helpdesk = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["targets"] == json!([VICTIM]))
        .unwrap();
    let copies = crate::support::strings(&helpdesk["copies"]);
    assert_eq!(copies.len(), 2, "{copies:?}");
    assert!(copies.iter().any(|c| c.ends_with("c-ual.jsonl.gz:4")));
    for r in helpdesk["related"].as_array().unwrap() {
        assert!(!copies.contains(&r["source"].as_str().unwrap()), "{r}");
    }
}
