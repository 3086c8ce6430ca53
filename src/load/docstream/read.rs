//! Driving the document splitter: a JSON document from a reader, in chunks; one JSON-lines
//! line that holds records as a document does; and what is still open at the end.

use std::io::{self, BufRead, Read};

use super::super::json::Ctx;
use super::{CHUNK, Frame, Splitter};

impl Splitter {
    /// The end of the input: what was open is reported.
    fn finish(&mut self, ctx: &mut Ctx) {
        if let Some((start, line, _, too_large)) = self.record.take() {
            ctx.summary.records += 1;
            if too_large {
                let sts = self.dropped_sts
                    || super::super::json::holds_sts_operation(
                        &self.buf[start.min(self.buf.len())..],
                    );
                let message = format!(
                    "record over the {} byte limit, not closed at the end of the file; skipped{}",
                    ctx.opts.max_record_bytes,
                    super::sts_note(sts)
                );
                ctx.malformed(line, message);
                return self.finish_frames(ctx);
            }
            let why = match crate::load::decode::check_repaired(&self.buf[start..]) {
                Err(e) => e.to_string(),
                Ok(_) => "EOF while parsing".to_owned(),
            };
            ctx.malformed(line, format!("not valid JSON: {why}"));
        }
        self.finish_frames(ctx);
    }

    /// The containers still open at the end of the input.
    fn finish_frames(&self, ctx: &mut Ctx) {
        match self.stack.first() {
            Some(Frame::RecordArray) => ctx.problem(
                Some(self.line_at_pos),
                "the JSON array is not closed: the file looks truncated".to_owned(),
            ),
            Some(Frame::Envelope) => ctx.problem(
                Some(self.top_line),
                "the JSON document is damaged (EOF while parsing the envelope); \
                 reading the records before the damage"
                    .to_owned(),
            ),
            _ => {}
        }
    }
}

/// Scans a JSON document from a reader, record by record, in bounded memory.
pub(in crate::load) fn scan_json_stream(
    ctx: &mut Ctx,
    mut reader: Box<dyn BufRead + Send>,
) -> io::Result<()> {
    let mut s = Splitter::new();
    // A UTF-8 byte order mark before the document.
    if reader.fill_buf()?.starts_with(b"\xef\xbb\xbf") {
        reader.consume(3);
        s.base = 3;
    }
    let mut chunk = vec![0u8; CHUNK];
    loop {
        if ctx.opts.cancelled() {
            return Ok(());
        }
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                // A damaged stream: what came before it counts; the error is reported.
                s.finish(ctx);
                ctx.error_line = Some(s.line_at_pos);
                return Err(e);
            }
        };
        s.compact();
        s.buf.extend_from_slice(&chunk[..n]);
        s.scan(ctx);
        s.bound(ctx.opts.max_record_bytes);
        ctx.progress();
    }
    s.finish(ctx);
    ctx.progress();
    Ok(())
}

/// Reads one JSON-lines line that holds records as a document does (an array, an envelope:
/// `json::Nested::Document`) by the document reader's rules, so that a line is read the same
/// whether the file starts with it (then the whole file is a document) or not. `bytes`: the
/// line, trimmed; `line`: its number (every record in it has that line); `offset`: the
/// content offset of its first byte.
pub(in crate::load) fn scan_line(ctx: &mut Ctx, bytes: &[u8], line: u64, offset: u64) {
    let mut s = Splitter::with_capacity(bytes.len());
    s.base = offset;
    s.line_at_pos = line;
    s.top_line = line;
    s.buf.extend_from_slice(bytes);
    s.scan(ctx);
    s.finish(ctx);
}
