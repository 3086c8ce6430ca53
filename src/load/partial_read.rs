//! What of its inputs a scan reads for `verify` of a stopped load's report.

/// What a stopped load had read, as its report states it (the file it stopped in, cut
/// after its whole records, and the files never reached): `verify` scans just that.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartialRead {
    /// The file the load stopped in, by the name the scan gives it, and how many bytes of
    /// its content (decompressed for gzip) are read: the end of its last record read.
    pub cut: Option<(String, u64)>,
    /// Files the load did not read, by the names the scan gives them: passed over without
    /// a word (the report says they were not read).
    pub unread: Vec<String>,
}
