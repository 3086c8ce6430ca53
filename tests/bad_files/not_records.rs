//! Files that hold no records: binary junk, empty and blank files, files of another format.

use super::*;

#[test]
fn binary_junk_named_is_exit_2_in_a_folder_is_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    // Deterministic junk with NUL bytes past a few printable ones.
    let mut junk: Vec<u8> = b"ab".to_vec();
    let mut x: u32 = 12345;
    for _ in 0..4096 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        junk.push((x >> 16) as u8);
    }
    junk[40] = 0;
    let first_nul = junk.iter().position(|&b| b == 0).unwrap();
    let p = write(dir.path(), "junk.bin", &junk);
    let r = run(&[], &[&p]);
    assert_eq!(r.code, 2);
    r.stderr_has(&format!(
        "{}: not a file of any known format (binary content (a NUL byte at byte offset {first_nul}))",
        p.display()
    ));
    assert!(r.stdout.is_empty());

    // Inside a folder, beside a good file: passed over with a notice; the good rows load.
    write(
        dir.path(),
        "good.jsonl",
        format!("{}\n", rec("g1", "alice@x")).as_bytes(),
    );
    let r = run(&[], &[dir.path()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x"]));
    r.stderr_has(&format!("warning: {}: passed over: ", p.display()));
    r.stderr_has("binary content");
}

#[test]
fn empty_and_blank_files() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.json", b"");
    let blank = write(dir.path(), "blank.jsonl", b"\n \r\n\t\n");
    for p in [&empty, &blank] {
        let r = run(&[], &[p]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        r.stderr_has(&format!(
            "{}: not a file of any known format (the file is empty)",
            p.display()
        ));
    }
    // A named empty file next to a good one still fails the run (exit 2): a file the
    // analyst named explicitly must not be silently ignored.
    let good = write(
        dir.path(),
        "good.jsonl",
        format!("{}\n", rec("g1", "alice@x")).as_bytes(),
    );
    let r = run(&[], &[&good, &empty]);
    assert_eq!(r.code, 2);
    // In a folder, it is passed over and the rest is read.
    let r = run(&[], &[dir.path()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.names(), names(&["alice@x"]));
    r.stderr_has(&format!("{}: passed over", empty.display()));
}

#[test]
fn files_of_another_format() {
    let dir = tempfile::tempdir().unwrap();
    let png = write(
        dir.path(),
        "img.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0",
    );
    let r = run(&[], &[&png]);
    assert_eq!(r.code, 2);
    r.stderr_has(&format!(
        "{}: not a file of any known format (binary content",
        png.display()
    ));

    let txt = write(dir.path(), "notes.txt", b"hello world\nthis is text\n");
    let r = run(&[], &[&txt]);
    assert_eq!(r.code, 2);
    r.stderr_has(&format!(
        "{}: not a file of any known format (neither JSON nor CSV)",
        txt.display()
    ));

    // Prose with a comma looks like CSV; its header is then of no known export.
    let prose = write(
        dir.path(),
        "prose.txt",
        b"Dear analyst, here are the logs\nbye\n",
    );
    let r = run(&[], &[&prose]);
    assert_eq!(r.code, 2);
    r.stderr_has(&format!(
        "{}: not a file of any known format (CSV whose header has none of",
        prose.display()
    ));

    // JSON of no known table.
    let other = write(dir.path(), "pkg.json", br#"{"name":"x","version":"1.0"}"#);
    let r = run(&[], &[&other]);
    assert_eq!(r.code, 2);
    r.stderr_has(&format!(
        "{}: not a file of any known format",
        other.display()
    ));

    // An HTML error page saved instead of the export.
    let html = write(
        dir.path(),
        "export.json",
        b"<!DOCTYPE html>\n<html><body>Sign in</body></html>\n",
    );
    let r = run(&[], &[&html]);
    assert_eq!(r.code, 2);
    r.stderr_has(&format!(
        "{}: not a file of any known format",
        html.display()
    ));
}
