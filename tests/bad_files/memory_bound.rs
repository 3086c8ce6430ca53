#![allow(clippy::panic, clippy::unwrap_used)]
//! Memory is bounded by the record limit for every shape (issue 10): a record larger than
//! `--max-record-mib` (a string that never ends, a JSON line, a CSV quote that never closes)
//! is skipped and reported, never held whole. Shown by running the binary under an address
//! space limit (`ulimit -v` in a child shell): the old loader aborted there with an
//! allocation failure. No timing is asserted.

use std::io::Write;
use std::path::Path;
use std::process::Command;

const STS_OP: &str = "Update StsRefreshTokenValidFrom Timestamp.";
/// The address space the child may use, in KiB: well above what a scan needs (about 30 MB),
/// well below the size of the over-long records.
const LIMIT_KIB: u32 = 100_000;
/// Bytes of the over-long records written here.
const HUGE: usize = 96 << 20;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `sts-triage scan --format jsonl --max-record-mib 4 ARGS PATH` under the memory limit.
fn scan_limited(args: &str, path: &Path) -> Run {
    let script = format!(
        "ulimit -v {LIMIT_KIB} && exec \"$0\" scan --format jsonl --max-record-mib 4 {args} \"$1\""
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_sts-triage"))
        .arg(path)
        .env("STS_TRIAGE_THREADS", "1")
        .output()
        .unwrap();
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !r.stderr.contains("memory allocation") && !r.stderr.contains("panicked"),
        "the scan ran out of memory:\n{}",
        r.stderr
    );
    r
}

fn flagged(id: &str, user: &str) -> String {
    serde_json::json!({
        "CreationTime": "2024-03-01T10:00:07",
        "Id": id,
        "Operation": STS_OP,
        "RecordType": 8,
        "UserId": user,
        "ClientIP": "203.0.113.24",
        "ModifiedProperties": [{
            "Name": "StsRefreshTokensValidFrom",
            "OldValue": "[\r\n  \"2023-11-20T08:15:00Z\"\r\n]",
            "NewValue": "[\r\n  \"2024-03-01T10:00:06Z\"\r\n]"
        }],
        "Actor": [{"ID": user, "Type": 5}, {"ID": "User", "Type": 2}]
    })
    .to_string()
}

/// Writes `before`, then `HUGE` bytes of `x`, then `after`.
fn write_huge(path: &Path, before: &str, after: &str) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(before.as_bytes()).unwrap();
    let block = vec![b'x'; 1 << 20];
    for _ in 0..HUGE >> 20 {
        f.write_all(&block).unwrap();
    }
    f.write_all(after.as_bytes()).unwrap();
    f.flush().unwrap();
}

#[test]
fn a_gzip_document_whose_string_never_ends() {
    // 3 MB of gzip expanding to 3 GB: one JSON document whose string never ends. The whole
    // expansion would take minutes in a debug build, so the reading is stopped after 128 MiB
    // by the decompression limit: the old loader held all of it and aborted under the limit.
    // The expansion per byte is not limited here (`--max-gzip-ratio 0`): the record limit
    // alone bounds the memory.
    let path = Path::new("tests/cases/hostile/gzip-3MB-unterminated-string.json.gz");
    let r = scan_limited("--max-decompressed-mib 128 --max-gzip-ratio 0", path);
    assert!(
        r.stderr
            .contains("the gzip content expands past the 134217728 byte limit"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn a_gzip_bomb_is_stopped_by_its_expansion_per_byte() {
    // By default the same file stops being read once past the record limit (4 MiB here)
    // it has expanded more than 500 times per byte taken: a few MiB read (the decoder takes
    // its input 32 KiB at a time, which expands to 16 MiB here), not 3 GB. The
    // message names the file, how many bytes of it gave how many, and the option.
    let path = Path::new("tests/cases/hostile/gzip-3MB-unterminated-string.json.gz");
    let r = scan_limited("", path);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let line = r
        .stderr
        .lines()
        .find(|l| l.contains("expands more than 500 times"))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(line.contains(&path.display().to_string()), "{line}");
    assert!(line.contains("--max-gzip-ratio"), "{line}");
    let gave = line.split(" bytes gave ").nth(1).unwrap();
    let out: u64 = gave.split(' ').next().unwrap().parse().unwrap();
    assert!((4 << 20..32 << 20).contains(&out), "{line}");
}

#[test]
fn over_long_records_are_skipped_and_the_next_ones_read() {
    let dir = tempfile::tempdir().unwrap();
    let good = flagged("e-after", "after@x");

    // A JSON document: the huge string closes, and the record after it is read.
    let doc = dir.path().join("huge.json");
    write_huge(
        &doc,
        &format!("[\n{},\n{{\"Pad\":\"", flagged("e-before", "before@x")),
        &format!("\"}},\n{good}\n]\n"),
    );
    let r = scan_limited("", &doc);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("before@x") && r.stdout.contains("after@x"));
    assert!(
        r.stderr
            .contains(":3: record over the 4194304 byte limit; skipped"),
        "{}",
        r.stderr
    );

    // JSON lines: the same as one over-long line.
    let lines = dir.path().join("huge.jsonl");
    write_huge(
        &lines,
        &format!("{}\n{{\"Pad\":\"", flagged("e-first", "first@x")),
        &format!("\"}}\n{good}\n"),
    );
    let r = scan_limited("", &lines);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("first@x") && r.stdout.contains("after@x"));
    assert!(
        r.stderr
            .contains(":2: line longer than the 4194304 byte record limit; skipped"),
        "{}",
        r.stderr
    );

    // CSV: a quote that never closes, followed by a line over the limit: the record is
    // skipped at the limit and the reading goes on with the row after it.
    let csv = dir.path().join("huge.csv");
    let row = flagged("e-csv", "csv@x").replace('"', "\"\"");
    let after = flagged("e-csv-after", "csv-after@x").replace('"', "\"\"");
    write_huge(
        &csv,
        &format!(
            "CreationDate,UserIds,Operations,AuditData\n2024-03-01T10:00:07,csv@x,{STS_OP},\"{row}\"\n2024-03-01T10:00:08,y,Update user.,\"{{\n"
        ),
        &format!("\n2024-03-01T10:00:09,csv-after@x,{STS_OP},\"{after}\"\n"),
    );
    let r = scan_limited("", &csv);
    assert!(r.stdout.contains("csv@x"), "{}", r.stderr);
    assert!(r.stdout.contains("csv-after@x"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            ":3: a quote opened on line 3 never closes within the 4194304 byte record limit (--max-record-mib): lines 3-4 skipped; reading on at line 5"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn deep_nesting_stays_within_the_record_limit() {
    let dir = tempfile::tempdir().unwrap();
    let after = flagged("e-after", "after@x");

    // A JSON document whose last record opens arrays without end: the reader counts the
    // levels instead of keeping a frame for each (80 MiB of `[` held one byte a level
    // aborted the old reader under the limit); the record is skipped at the record limit.
    let doc = dir.path().join("open.json");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&doc).unwrap());
    write!(f, "[\n{},\n{{\"X\":", flagged("e-first", "first@x")).unwrap();
    let block = vec![b'['; 1 << 20];
    for _ in 0..80 {
        f.write_all(&block).unwrap();
    }
    drop(f);
    let r = scan_limited("", &doc);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("first@x"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            ":3: record over the 4194304 byte limit, not closed at the end of the file; skipped"
        ),
        "{}",
        r.stderr
    );

    // JSON lines: a flagged record with a field 1.9 million levels deep (3.8 MB, inside the
    // 4 MiB limit) is read, with the deep value kept as text; one of 50 million levels is
    // over the limit and skipped; the line after both is read.
    let lines = dir.path().join("deep.jsonl");
    let levels = 1_900_000;
    let deep = flagged("e-deep", "deep@x").replace(
        "\"RecordType\":8",
        &format!(
            "\"RecordType\":8,\"X\":{}{}",
            "[".repeat(levels),
            "]".repeat(levels)
        ),
    );
    assert!(deep.len() < 4 << 20 && deep.contains("\"X\":[["));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&lines).unwrap());
    writeln!(f, "{deep}").unwrap();
    f.write_all(b"{\"X\":").unwrap();
    for _ in 0..50 {
        f.write_all(&block).unwrap();
    }
    writeln!(f, "\n{after}").unwrap();
    drop(f);
    let r = scan_limited("", &lines);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("deep@x"), "{}", r.stderr);
    assert!(r.stdout.contains("after@x"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(":1: 1 value nested deeper than 127 levels kept as JSON text"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(":2: line longer than the 4194304 byte record limit; skipped"),
        "{}",
        r.stderr
    );
}
