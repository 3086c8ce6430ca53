//! The header a CSV record is framed by: the file's first record, or the header of an
//! export joined after another's rows.

use super::Framer;
use super::quoting::trim_end;

/// What the header says about a row.
#[derive(Clone, Copy)]
pub(super) struct HeaderShape {
    pub width: usize,
    /// Rows may leave out their empty trailing cells (the Entra download).
    pub short_rows: bool,
    /// The AuditData or RawEventData column, whose rows written without quotes are
    /// requoted (`super::requote`).
    pub json_col: Option<usize>,
}

impl HeaderShape {
    pub fn fields_fit(self, fields: usize) -> bool {
        fields == self.width
            || (self.short_rows && fields < self.width && fields >= self.width.min(8))
    }
}

impl Framer {
    /// Whether a whole line is an export's header, as the csv reader reads it among the rows.
    pub(super) fn is_export_header(&self, line: &[u8]) -> bool {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(trim_end(line));
        let mut cells = csv::ByteRecord::new();
        matches!(reader.read_byte_record(&mut cells), Ok(true))
            && crate::load::csvfile::is_export_header(&cells)
    }

    pub(super) fn header_shape(&self, record: &[u8]) -> HeaderShape {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(record);
        let mut cells = csv::ByteRecord::new();
        let names: Vec<String> = match reader.read_byte_record(&mut cells) {
            Ok(true) => cells
                .iter()
                .map(|c| {
                    String::from_utf8_lossy(c)
                        .trim_matches(['\u{feff}', ' ', '\r'])
                        .to_owned()
                })
                .collect(),
            _ => Vec::new(),
        };
        HeaderShape {
            width: names.len(),
            short_rows: (self.short_rows)(&names),
            json_col: names.iter().position(|n| {
                n.eq_ignore_ascii_case("AuditData") || n.eq_ignore_ascii_case("RawEventData")
            }),
        }
    }
}
