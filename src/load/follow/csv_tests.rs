use super::tests::{append_to, summaries};
use super::*;
use std::io::Write;

fn audit(id: &str, user: &str) -> String {
    let record = format!(
        r#"{{"CreationTime":"2023-09-26T01:43:41","Id":"{id}","Operation":"Update StsRefreshTokenValidFrom Timestamp.","UserId":"{user}","ModifiedProperties":[],"Actor":[]}}"#
    );
    format!("\"{}\"", record.replace('"', "\"\""))
}

fn poll_events(tail: &mut Tail) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    tail.poll(&mut |m| {
        if let ScanMessage::Event(e) = m {
            out.push((e.source.line, e.id.clone()));
        }
    })
    .expect("poll");
    out
}

#[test]
fn csv_rows_are_read_as_they_are_appended_with_their_file_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("purview.csv");
    let header = "CreationDate,UserIds,Operations,AuditData\r\n";
    let row = |id: &str| {
        format!(
            "9/26/2023 1:43:41 AM,a@b,Update StsRefreshTokenValidFrom Timestamp.,{}\r\n",
            audit(id, "a@b")
        )
    };
    std::fs::write(&path, format!("{header}{}", row("one"))).expect("write");
    assert!(can_follow(&path));
    let mut tail = Tail::new(&path);
    assert_eq!(poll_events(&mut tail), [(2, "one".to_owned())]);
    // A row arrives in two writes, cut inside its quoted AuditData.
    let next = row("two");
    let (a, b) = next.split_at(60);
    let mut f = append_to(&path);
    f.write_all(a.as_bytes()).expect("append");
    assert!(poll_events(&mut tail).is_empty(), "half a row waits");
    f.write_all(b.as_bytes()).expect("append");
    f.write_all(row("three").as_bytes()).expect("append");
    assert_eq!(
        poll_events(&mut tail),
        [(3, "two".to_owned()), (4, "three".to_owned())]
    );
}

#[test]
fn a_type_line_and_header_are_kept_and_lines_count_from_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("export.csv");
    let head = "#TYPE Deserialized.AuditRecord\r\n\"CreationDate\",\"UserIds\",\"Operations\",\"AuditData\"\r\n";
    let row = |id: &str| {
        format!(
            "\"9/26/2023 1:43:41 AM\",\"a@b\",\"Update StsRefreshTokenValidFrom Timestamp.\",{}\r\n",
            audit(id, "a@b")
        )
    };
    std::fs::write(&path, head).expect("write");
    let mut tail = Tail::new(&path);
    assert!(poll_events(&mut tail).is_empty());
    let mut f = append_to(&path);
    f.write_all(row("x").as_bytes()).expect("append");
    f.write_all(row("y").as_bytes()).expect("append");
    assert_eq!(
        poll_events(&mut tail),
        [(3, "x".to_owned()), (4, "y".to_owned())]
    );
    assert!(summaries(&mut tail).is_empty(), "nothing new");
    f.write_all(row("z").as_bytes()).expect("append");
    let s = summaries(&mut tail)
        .pop()
        .expect("a summary after new rows");
    let all = std::fs::read(&path).expect("read");
    assert_eq!((s.records, s.sts_events, s.bytes), (3, 3, all.len() as u64));
    assert_eq!(s.format, "CSV (followed)");
    assert_eq!(
        s.sha256,
        Some(crate::load::hex(&sha2::Sha256::digest(&all))),
        "header and rows hashed in file order"
    );
}

#[test]
fn an_excel_sep_line_names_the_delimiter_of_the_rows_appended() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("export.csv");
    // Written for Excel: `sep=;` then a header whose cells hold commas.
    let head = "sep=;\r\nCreationDate;UserIds;Operations;AuditData\r\n";
    let row = |id: &str| {
        format!(
            "26.09.2023 01:43:41;a@b;Update StsRefreshTokenValidFrom Timestamp.;{}\r\n",
            audit(id, "a@b")
        )
    };
    std::fs::write(&path, format!("{head}{}", row("x"))).expect("write");
    let mut tail = Tail::new(&path);
    assert_eq!(poll_events(&mut tail), [(3, "x".to_owned())]);
    let mut f = append_to(&path);
    f.write_all(row("y").as_bytes()).expect("append");
    assert_eq!(poll_events(&mut tail), [(4, "y".to_owned())]);
}

/// Breaker 14 #1: an export run again and appended with `>>` brings its own header, with
/// the columns in another order. The rows after it, in this poll and in later ones, are read
/// under it (else its AuditData column is read as the time and every event is lost), and
/// the header line is said.
#[test]
fn an_appended_export_with_its_own_header_is_read_under_it_in_later_polls_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("purview.csv");
    let first = |id: &str| {
        format!(
            "9/26/2023 1:43:41 AM,a@b,Update StsRefreshTokenValidFrom Timestamp.,{}\n",
            audit(id, "a@b")
        )
    };
    let second = |id: &str| {
        format!(
            "{},Update StsRefreshTokenValidFrom Timestamp.,a@b,9/26/2023 1:43:41 AM\n",
            audit(id, "a@b")
        )
    };
    let header = "CreationDate,UserIds,Operations,AuditData\n";
    std::fs::write(&path, format!("{header}{}", first("one"))).expect("write");
    let mut tail = Tail::new(&path);
    assert_eq!(poll_events(&mut tail), [(2, "one".to_owned())]);
    let mut f = append_to(&path);
    let again = format!(
        "AuditData,Operations,UserIds,CreationDate\n{}",
        second("two")
    );
    f.write_all(again.as_bytes()).expect("append");
    let mut problems = Vec::new();
    let mut events = Vec::new();
    tail.poll(&mut |m| match m {
        ScanMessage::Event(e) => events.push((e.source.line, e.id.clone())),
        ScanMessage::Problem(p) => problems.push((p.line, p.message)),
        _ => {}
    })
    .expect("poll");
    assert_eq!(events, [(4, "two".to_owned())]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, Some(3));
    assert!(
        problems[0]
            .1
            .starts_with("a second header line: the rows after it are read under it"),
        "{problems:?}"
    );
    f.write_all(second("three").as_bytes()).expect("append");
    assert_eq!(poll_events(&mut tail), [(5, "three".to_owned())]);
    let s = summaries(&mut tail);
    assert!(s.is_empty() || s.iter().all(|s| s.skipped == 0), "{s:?}");
}

/// The header's notes (a column name with an invisible character, a column the query needs
/// left out) are said once for the followed file, not again at each poll that reads rows
/// (each poll feeds the header again before its rows).
#[test]
fn the_header_notes_are_said_once_not_at_each_poll() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("portal-displayed.csv");
    // The Defender portal's "displayed columns" export: no RawEventData, and a zero-width
    // space pasted after a column's name.
    let header = "Timestamp,ActionType,Application,AccountObjectId,AccountDisplayName\u{200b},IPAddress,ISP\r\n";
    let row = |n: u32| {
        format!(
            "2024-03-01T10:00:0{n}.0000000Z,Update StsRefreshTokenValidFrom Timestamp.,Microsoft 365,aaaaaaaa-1111-4222-8333-44444444444{n},Helpdesk Admin,203.0.113.24,Contoso Networks\r\n"
        )
    };
    std::fs::write(&path, format!("{header}{}", row(1))).expect("write");
    let mut tail = Tail::new(&path);
    let mut problems = Vec::new();
    let mut f = append_to(&path);
    for n in 2..=4 {
        tail.poll(&mut |m| {
            if let ScanMessage::Problem(p) = m {
                problems.push(p.message);
            }
        })
        .expect("poll");
        f.write_all(row(n).as_bytes()).expect("append");
    }
    let said = |what: &str| problems.iter().filter(|p| p.contains(what)).count();
    assert_eq!(
        said("header: column 5 is written \"AccountDisplayName\\u{200b}\""),
        1,
        "{problems:?}"
    );
    assert_eq!(said("no RawEventData column"), 1, "{problems:?}");
}
