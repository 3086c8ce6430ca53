//! A header that names one column twice (`…,AuditData,AuditData`): a CSV reader keeps one
//! copy (ours the first AuditData, the last of a table column; pandas both, Python's
//! DictReader the last), so the record in the other copy would be dropped without a word.
//! As for a JSON member written twice (breaker 11 #4), nothing is left out in silence: the
//! header is said once, and each row whose copies differ is said with its line and the
//! columns, and counted as a skipped record (the copy not read), so that `--strict` exits 2.

/// The columns named more than once (ASCII case ignored, as the columns are looked up),
/// each as (the name as the file first writes it, the 1-based column numbers, the index of
/// the copy read, the indexes of the copies not read).
pub(super) struct DupColumns(Vec<Dup>);

struct Dup {
    name: String,
    read: usize,
    others: Vec<usize>,
}

impl DupColumns {
    /// `read_first`: the reader keeps a record column's first copy (AuditData), else its
    /// last (a table column, put in a map name by name). Columns with no name are passed
    /// over (an export's trailing delimiter).
    pub(super) fn new(headers: &[String], read_first: impl Fn(&str) -> bool) -> Self {
        let mut dups: Vec<Dup> = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() || dups.iter().any(|d| d.name.eq_ignore_ascii_case(h)) {
                continue;
            }
            let all: Vec<usize> = (i..headers.len())
                .filter(|&j| headers[j].eq_ignore_ascii_case(h))
                .collect();
            if all.len() < 2 {
                continue;
            }
            let read = if read_first(h) {
                all[0]
            } else {
                all[all.len() - 1]
            };
            let others = all.into_iter().filter(|&j| j != read).collect();
            dups.push(Dup {
                name: h.clone(),
                read,
                others,
            });
        }
        Self(dups)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What the header line says: each name, its columns and the one read.
    pub(super) fn header_message(&self) -> String {
        let each: Vec<String> = self
            .0
            .iter()
            .map(|d| {
                format!(
                    "the header names the column {} {} (columns {}): column {} is read",
                    crate::neutralize::name(&d.name),
                    match d.others.len() {
                        1 => "twice".to_owned(),
                        n => format!("{} times", n + 1),
                    },
                    d.columns(),
                    d.read + 1
                )
            })
            .collect();
        format!(
            "{}; a row whose copies differ is said and its other copy counted as a skipped record",
            each.join("; ")
        )
    }

    /// What a row whose copies of a column differ (the copy not read holding something)
    /// says, or None when every copy is empty or the same as the one read.
    pub(super) fn row_message(&self, cell: impl Fn(usize) -> Vec<u8>) -> Option<String> {
        let mut said = Vec::new();
        for d in &self.0 {
            let read = cell(d.read);
            for &o in &d.others {
                let other = cell(o);
                if other.trim_ascii().is_empty() || other == read {
                    continue;
                }
                let sts = crate::rule::is_sts_operation(&String::from_utf8_lossy(&other));
                said.push(format!(
                    "the column {} appears twice (columns {}) with different values: column {} was \
                     not read{}",
                    crate::neutralize::name(&d.name),
                    d.columns(),
                    o + 1,
                    if sts {
                        " and it names the STS refresh-token operation"
                    } else {
                        ""
                    }
                ));
            }
        }
        (!said.is_empty()).then(|| {
            format!(
                "{}; counted as a skipped record (a planted copy or an export error: compare them)",
                said.join("; ")
            )
        })
    }
}

impl Dup {
    fn columns(&self) -> String {
        let mut all: Vec<usize> = self.others.clone();
        all.push(self.read);
        all.sort_unstable();
        let n: Vec<String> = all.iter().map(|i| (i + 1).to_string()).collect();
        n.join(" and ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_named_twice_is_said_and_a_differing_row_too() {
        let h: Vec<String> = ["Id", "AuditData", "auditdata", ""]
            .map(str::to_owned)
            .to_vec();
        let d = DupColumns::new(&h, |n| n.eq_ignore_ascii_case("AuditData"));
        assert!(
            d.header_message()
                .contains("names the column AuditData twice (columns 2 and 3): column 2 is read")
        );
        let same = |i: usize| if i == 0 { b"1".to_vec() } else { b"x".to_vec() };
        assert_eq!(d.row_message(same), None);
        let differ = |i: usize| match i {
            1 => b"{}".to_vec(),
            2 => b"{\"Operation\":\"Update StsRefreshTokenValidFrom Timestamp.\"}".to_vec(),
            _ => Vec::new(),
        };
        let m = d.row_message(differ).unwrap();
        assert!(
            m.contains("column 3 was not read and it names the STS"),
            "{m}"
        );
        assert!(DupColumns::new(&h[..2], |_| true).is_empty());
    }
}
