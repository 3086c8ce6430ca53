//! CSV files whose records end with a carriage return alone (classic Mac OS line ends, as
//! Excel for Mac's "Macintosh Comma Separated" save writes them). The CSV readers end
//! records at `\n` (the line numbers of CRLF files depend on it), so such a file was one
//! line: a header of thousands of fields and no record. Each CR is read as `\n` instead, byte
//! for byte, so offsets and line numbers stay those of the file (the context index reads
//! rows back at their offsets with the csv crate, which ends records at CR too).

use std::io::{self, BufRead, Read};

/// The reader of the file's content, its lone CRs read as `\n` when its first bytes (the
/// whole first line, or 64 KiB: see `sniff::read_head`) hold a CR before their last byte and
/// no `\n` at all (a CR that ends them may be the first half of a CRLF); `Err` with the
/// reader given back otherwise.
pub(super) fn lone_cr_lines(
    mut reader: Box<dyn BufRead + Send>,
) -> io::Result<Result<Box<dyn BufRead + Send>, Box<dyn BufRead + Send>>> {
    let head = reader.fill_buf()?;
    let cr_only = memchr::memchr(b'\r', head).is_some_and(|at| at + 1 < head.len())
        && memchr::memchr(b'\n', head).is_none();
    Ok(if cr_only {
        Ok(Box::new(CrAsLf {
            inner: reader,
            buf: Vec::new(),
            pos: 0,
        }))
    } else {
        Err(reader)
    })
}

/// Reads `inner` with every `\r` turned into `\n`.
struct CrAsLf<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
}

impl<R: BufRead> BufRead for CrAsLf<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.buf.len() {
            let src = self.inner.fill_buf()?;
            self.buf.clear();
            self.buf
                .extend(src.iter().map(|&b| if b == b'\r' { b'\n' } else { b }));
            let n = src.len();
            self.inner.consume(n);
            self.pos = 0;
        }
        Ok(&self.buf[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

impl<R: BufRead> Read for CrAsLf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn read(bytes: &'static [u8]) -> (bool, String) {
        let reader: Box<dyn BufRead + Send> = Box::new(io::BufReader::new(bytes));
        let (translated, mut r) = match lone_cr_lines(reader).unwrap() {
            Ok(r) => (true, r),
            Err(r) => (false, r),
        };
        let mut text = String::new();
        r.read_to_string(&mut text).unwrap();
        (translated, text)
    }

    #[test]
    fn only_files_of_lone_crs_are_read_as_lines() {
        assert_eq!(
            read(b"a,b\rc,\"d\re\"\r"),
            (true, "a,b\nc,\"d\ne\"\n".to_owned())
        );
        assert_eq!(
            read(b"a,b\r\nc,d\r\n"),
            (false, "a,b\r\nc,d\r\n".to_owned())
        );
        assert_eq!(read(b"a,b\nc,d\n"), (false, "a,b\nc,d\n".to_owned()));
        // A head that ends with CR may be cut inside a CRLF.
        assert_eq!(read(b"a,b\r"), (false, "a,b\r".to_owned()));
    }
}
