#![allow(clippy::unwrap_used, clippy::panic)]

use std::io::Write;

use proptest::prelude::*;

use super::{Owned, read_block};

/// What reading the blocks in turn gives: each line that begins in them, in order, as
/// `Some(text)`, or `None` for a line skipped as over the limit; and the file's bytes as
/// hashed block by block.
fn walk(data: &[u8], block: usize, max: usize) -> (Vec<Option<Vec<u8>>>, Vec<u8>) {
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(data).unwrap();
    let mut buf = super::BlockBuf::default();
    let mut lines = Vec::new();
    let mut own = Vec::new();
    // The content offset where the next line must begin.
    let mut pos = 0usize;
    for k in 0.. {
        let b: Owned = read_block(&file, k, block, &mut buf, max);
        assert!(b.error.is_none());
        own.extend_from_slice(&buf[b.own.clone()]);
        let region = &buf[b.lines.clone()];
        let at = usize::try_from(b.base).unwrap() + b.lines.start;
        if !region.is_empty() {
            assert_eq!(at, pos, "block {k} begins where the one before ended");
            for (i, line) in region.split_inclusive(|&c| c == b'\n').enumerate() {
                assert!(
                    line.ends_with(b"\n") || (b.last && at + i < data.len()),
                    "block {k}: only the file's last line may lack its newline"
                );
                lines.push(Some(line.to_vec()));
            }
            pos = at + region.len();
        }
        if b.long_line {
            assert_eq!(usize::try_from(b.base).unwrap() + b.lines.end, pos);
            let len = data[pos..]
                .iter()
                .position(|&c| c == b'\n')
                .unwrap_or(data.len() - pos);
            assert!(
                len > max,
                "a line of {len} bytes called over the limit {max}"
            );
            lines.push(None);
            pos = (pos + len + 1).min(data.len());
        }
        if b.last {
            break;
        }
        assert!(k <= (data.len() / block) as u64 + 1, "no last block");
    }
    assert_eq!(pos, data.len(), "every line read");
    (lines, own)
}

/// The lines of `data` as a plain reading splits them.
fn plain(data: &[u8]) -> Vec<Vec<u8>> {
    data.split_inclusive(|&c| c == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// Checks the walk against the plain split: the same lines, except that a line may be
/// skipped only when it is longer than the limit.
fn check(data: &[u8], block: usize, max: usize) {
    let (got, own) = walk(data, block, max);
    assert_eq!(own, data, "the blocks' own bytes are the file");
    let want = plain(data);
    assert_eq!(got.len(), want.len(), "number of lines");
    for (g, w) in got.iter().zip(&want) {
        match g {
            Some(g) => assert_eq!(g, w),
            None => assert!(w.strip_suffix(b"\n").unwrap_or(w).len() > max),
        }
    }
}

#[test]
fn a_file_smaller_than_one_block() {
    check(b"{\"a\":1}\n{\"b\":2}\n", 1 << 20, 1 << 20);
    check(b"{\"a\":1}\n{\"b\":2}", 1 << 20, 1 << 20);
    check(b"", 1 << 20, 1 << 20);
}

#[test]
fn records_straddling_every_split_point() {
    let data = b"{\"a\":1}\r\n\r\n{\"bb\":22}\n\n  \n{\"ccc\":333}\r\n{\"d\":4}";
    for block in 1..data.len() + 2 {
        check(data, block, 1 << 20);
    }
}

#[test]
fn a_line_over_the_limit_is_skipped_and_the_next_read() {
    let long = "x".repeat(300);
    let data = format!("{{\"a\":1}}\n{long}\n{{\"b\":2}}\n{long}");
    for block in [1, 7, 64, 100, 299, 301, 4096] {
        let (got, _) = walk(data.as_bytes(), block, 100);
        let skipped = got.iter().filter(|l| l.is_none()).count();
        if block < 300 {
            // Both long lines go past the end of the block they begin in.
            assert_eq!(skipped, 2, "block {block}: {got:?}");
        }
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].as_deref(), Some(&b"{\"a\":1}\n"[..]));
        assert_eq!(got[2].as_deref(), Some(&b"{\"b\":2}\n"[..]));
        check(data.as_bytes(), block, 100);
    }
}

proptest! {
    #[test]
    fn blocks_cover_every_line_once_in_order(
        lines in prop::collection::vec(("[a{}\" \r]{0,40}", 0..3u8), 0..30),
        last_newline in any::<bool>(),
        block in 1usize..80,
        max in 8usize..60,
    ) {
        let mut data = Vec::new();
        for (text, end) in &lines {
            data.extend_from_slice(text.as_bytes());
            data.extend_from_slice(match end { 0 => &b"\n"[..], 1 => b"\r\n", _ => b"\n\n" });
        }
        if !last_newline && data.ends_with(b"\n") {
            data.pop();
        }
        check(&data, block, max);
    }
}
