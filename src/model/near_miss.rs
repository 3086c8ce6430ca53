//! Near misses: why the query passed over an STS refresh-token event, with the code and
//! the sentence the report and the workbench show. Apart from the event types because the
//! reasons and their wording grow with each export shape that is read.

use std::fmt;

use serde::Serialize;

/// Why the query passed over an STS refresh-token event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NearMissReason {
    /// ActionType (or Operation) is not exactly the query's literal.
    OperationSpelledDifferently { operation: String },
    /// RawEventData holds the whole term DirectorySync, at `path` (the first place found).
    /// `client_text`: it stands only in text the actor or client chooses (a User-Agent, a
    /// UPN, a display or app name), not in the sync's own `Action Client Name` property
    /// (`rule::dirsync`); `path` then also names the pair it is the value of
    /// (`ExtendedProperties[0].Value ("UserAgent")`). The sentence is short enough to stand whole
    /// in the near misses' Reason column at 160 columns; the README says what "actor text" is.
    DirectorySync {
        path: String,
        #[serde(skip)]
        client_text: bool,
    },
    /// ModifiedProperties is missing or empty. `field` names it as the source spells it
    /// (`ModifiedProperties` in the UAL, `targetResources[0].modifiedProperties` in Entra).
    NoModifiedProperties { field: String },
    /// StsRefreshTokensValidFrom is not at index 0 (found elsewhere, or not at all).
    PropertyNotAtIndex0 {
        found_at: Option<usize>,
        at_index_0: String,
    },
    /// The property at index 0 is StsRefreshTokensValidFrom in another case.
    PropertyNameSpelledDifferently { name: String },
    /// RawEventData (or the record) could not be read as JSON.
    UnparseableValues { detail: String },
    /// The record's JSON (`field`, e.g. AuditData) ends before it closes: the exporting
    /// service or Excel cut it at `at_chars` characters.
    RecordCut { field: String, at_chars: usize },
    /// The record's JSON column holds something that is no record at all (PowerShell's
    /// `System.Collections.Hashtable`, an empty cell): only the outer columns were read.
    AuditDataUnusable { field: String, value: String },
}

impl NearMissReason {
    pub fn code(&self) -> &'static str {
        match self {
            Self::OperationSpelledDifferently { .. } => "operation_spelled_differently",
            Self::DirectorySync { .. } => "directory_sync",
            Self::NoModifiedProperties { .. } => "no_modified_properties",
            Self::PropertyNotAtIndex0 { .. } => "property_not_at_index_0",
            Self::PropertyNameSpelledDifferently { .. } => "property_name_spelled_differently",
            Self::UnparseableValues { .. } => "unparseable_values",
            Self::RecordCut { .. } => "record_cut",
            Self::AuditDataUnusable { .. } => "audit_data_unusable",
        }
    }
}

impl fmt::Display for NearMissReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OperationSpelledDifferently { operation } => {
                write!(f, "operation spelled differently: {operation:?}")
            }
            Self::DirectorySync {
                path,
                client_text: false,
            } => write!(f, "DirectorySync term found at {path}"),
            Self::DirectorySync {
                path,
                client_text: true,
            } => write!(f, "DirectorySync only in actor text: {path}"),
            Self::NoModifiedProperties { field } => write!(f, "no {field}"),
            Self::PropertyNotAtIndex0 {
                found_at: Some(i),
                at_index_0,
            } => write!(
                f,
                "StsRefreshTokensValidFrom at index {i}, not 0 ([0] is {at_index_0:?})"
            ),
            Self::PropertyNotAtIndex0 {
                found_at: None,
                at_index_0,
            } => write!(
                f,
                "no StsRefreshTokensValidFrom property ([0] is {at_index_0:?})"
            ),
            Self::PropertyNameSpelledDifferently { name } => {
                write!(f, "property name spelled differently: {name:?}")
            }
            Self::UnparseableValues { detail } => write!(f, "unparseable values: {detail}"),
            Self::RecordCut { field, at_chars } => {
                write!(
                    f,
                    "{field} cut at {} characters",
                    super::thousands(*at_chars as u64)
                )
            }
            Self::AuditDataUnusable { field, value } if value.trim().is_empty() => {
                write!(f, "{field} is empty: only the outer columns were read")
            }
            Self::AuditDataUnusable { field, value } if crate::pstext::is_object_text(value) => {
                write!(
                    f,
                    "{field} is PowerShell's text of an object ({:?}), not its content \
                     (written past ConvertTo-Json's -Depth, or by Export-Csv): only the \
                     fields around it were read",
                    value.chars().take(60).collect::<String>()
                )
            }
            Self::AuditDataUnusable { field, value } => write!(
                f,
                "{field} is unusable ({:?}): only the outer columns were read",
                value.chars().take(60).collect::<String>()
            ),
        }
    }
}

impl super::StsEvent {
    /// `event:<id>#<content fingerprint>`: the key of a near miss whose id another near
    /// miss with other content has ([`super::StsEvent::key`]).
    pub fn content_key(&self) -> String {
        format!("event:{}#{:08x}", self.id, self.content_fingerprint())
    }

    /// `event:<id>#<content fingerprint>.<near row fingerprint>`: the key of a near miss
    /// whose id and content key another near miss has, told apart by their IP or ISP
    /// ([`super::StsEvent::shares_content_key`]).
    pub fn content_row_key(&self) -> String {
        format!(
            "event:{}#{:08x}.{:08x}",
            self.id,
            self.content_fingerprint(),
            self.near_row_fingerprint()
        )
    }

    /// A 32-bit FNV-1a fingerprint of the [`super::StsEvent::near_row`] values, ASCII case
    /// ignored as the copy rule compares them (`copies::rows_agree`); each value is
    /// length-prefixed, so no value moves the boundary between two.
    pub fn near_row_fingerprint(&self) -> u32 {
        let mut h = super::Fnv::default();
        if let Some(row) = &self.near_row {
            for cell in row.cells() {
                let cell = cell.to_ascii_lowercase();
                h.write(&(cell.len() as u64).to_le_bytes());
                h.write(cell.as_bytes());
            }
        }
        (h.0 ^ (h.0 >> 32)) as u32
    }

    /// The query's values the event's record gives: a flagged event's rows, a near miss's
    /// [`super::StsEvent::near_row`] (none where it has none), as the copy rule compares
    /// two records of one id (`scan::again`).
    pub fn rows_or_near_row(&self) -> &[super::ResultRow] {
        match &self.outcome {
            super::Outcome::Flagged(rows) => rows,
            super::Outcome::NearMiss(_) => self
                .near_row
                .as_deref()
                .map(std::slice::from_ref)
                .unwrap_or_default(),
        }
    }
}
