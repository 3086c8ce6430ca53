//! A CSV row's fields for the context index: the JSON in its AuditData / RawEventData cell
//! read as a JSON record, the named columns where it has none (moved out of
//! `context::extract` unchanged).

use std::borrow::Cow;

use serde_json::Value;

use super::{DIRECTORY, Fields, app_actor, from_value, json_record};
use crate::context::times::time_of;

/// The outer columns that name the target of a record with no audit record in a cell, in
/// the order tried: the UAL `ObjectId` (Hawk's simple view; a Microsoft Graph audit log
/// query record's `objectId`), Sentinel OfficeActivity `OfficeObjectId` and `AADTarget`
/// (names matched ignoring ASCII case).
pub const OUTER_TARGET: [&str; 3] = ["ObjectId", "OfficeObjectId", "AADTarget"];

/// The outer columns that name a record's workload (UAL `Workload`, OfficeActivity
/// `OfficeWorkload`); a record without one is read as a directory record.
pub const OUTER_WORKLOAD: [&str; 2] = ["Workload", "OfficeWorkload"];

/// Whether a record of this workload names its target by `ObjectId`: a directory (Azure AD)
/// record, or one that names no workload. Mail and file records' `ObjectId` is an item.
pub fn directory(workload: &[u8]) -> bool {
    workload.is_empty() || workload == DIRECTORY
}

/// The target of a record whose audit record cannot be read (no audit cell, or one that is
/// empty or `System.Collections.Hashtable`): its outer target column (`column`, the first of
/// [`OUTER_TARGET`] the record has), for a directory record only ([`directory`]); empty
/// otherwise. README, "its target": a Graph record's `auditData.ObjectId`, else its own
/// `objectId`. One rule for the STS event (`load::wrapped`) and the context index (this
/// file), so the Target column, the `target:` filter, the report and relating by target
/// agree.
pub fn outer_target<T: AsRef<[u8]> + Default>(column: T, workload: &[u8]) -> T {
    if directory(workload) {
        column
    } else {
        T::default()
    }
}

/// Where a CSV file's columns are: found once from its header.
#[derive(Debug, Clone)]
pub struct CsvColumns {
    json: Option<usize>,
    time: Option<usize>,
    operation: Option<usize>,
    actor: Option<usize>,
    /// CloudAppEvents `AccountObjectId`: a user's object id.
    actor_id: Option<usize>,
    ip: Option<usize>,
    target: Option<usize>,
    workload: Option<usize>,
    /// UAL `Actor` (Sentinel OfficeActivity): an application's id ([`app_actor`]).
    actor_entries: Option<usize>,
    correlation: Option<usize>,
    result: Option<usize>,
    /// An Entra audit CSV (InitiatedBy / TargetResources columns): rows parsed whole.
    entra: bool,
    /// The Entra admin center's download (`Activity`, `ActorUserPrincipalName`,
    /// `Target1Type`…): each row put in the Graph directoryAudit shape, then read as one.
    /// The header's columns by lower-case name.
    download: Option<std::collections::HashMap<String, usize>>,
}

impl CsvColumns {
    pub fn new(headers: &[String]) -> Self {
        let find = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| headers.iter().position(|h| h.eq_ignore_ascii_case(n)))
        };
        Self {
            json: find(&["AuditData", "RawEventData"]),
            time: find(&[
                "CreationDate",
                "CreationTime",
                "Timestamp",
                "TimeGenerated",
                "activityDateTime",
                "createdDateTime",
            ]),
            operation: find(&[
                "Operation",
                "Operations",
                "ActionType",
                "OperationName",
                "activityDisplayName",
            ]),
            // Graph audit log query records have both: `userId` is not a UPN there.
            actor: find(&["UserPrincipalName", "UserId", "UserIds"]),
            actor_id: find(&["AccountObjectId"]),
            ip: find(&["IPAddress", "ClientIP"]),
            target: find(&OUTER_TARGET),
            workload: find(&OUTER_WORKLOAD),
            actor_entries: find(&["Actor"]),
            correlation: find(&["CorrelationId", "InterSystemsId"]),
            result: find(&["ResultStatus", "Result"]),
            entra: find(&["InitiatedBy"]).is_some() || find(&["TargetResources"]).is_some(),
            download: (find(&["Activity"]).is_some()
                && find(&["ActorUserPrincipalName", "Target1Type"]).is_some())
            .then(|| {
                headers
                    .iter()
                    .enumerate()
                    .map(|(i, h)| (h.to_ascii_lowercase(), i))
                    .collect()
            }),
        }
    }

    /// The fields of one row: the JSON cell's first, the named columns where it has none.
    pub fn row<'a>(&self, headers: &[String], record: &'a csv::ByteRecord) -> Fields<'a> {
        let cell = |i: Option<usize>| -> Cow<'a, [u8]> {
            i.and_then(|i| record.get(i))
                .map(|b| Cow::Borrowed(b.strip_suffix(b"\r").unwrap_or(b)))
                .unwrap_or_default()
        };
        if self.entra {
            let map: serde_json::Map<String, Value> = headers
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let text = String::from_utf8_lossy(&cell(Some(i))).into_owned();
                    (h.clone(), Value::String(text))
                })
                .collect();
            return from_value(&Value::Object(map));
        }
        if let Some(columns) = &self.download {
            let text = |name: &str| {
                let i = columns.get(&name.to_ascii_lowercase()).copied();
                String::from_utf8_lossy(&cell(i)).into_owned()
            };
            let graph = crate::load::entra_download_record(&text);
            return from_value(&Value::Object(graph));
        }
        let json = self
            .json
            .and_then(|i| record.get(i))
            .filter(|b| b.trim_ascii_start().first() == Some(&b'{'));
        let mut f = json.map(json_record).unwrap_or_default();
        // Target and correlation from the columns only for a row with no audit record in a
        // cell (Hawk's simple view, OfficeActivity, a Graph record whose auditData is not
        // JSON), of a directory record, as for a JSON record.
        if json.is_none() {
            let workload = cell(self.workload);
            f.target = outer_target(cell(self.target), &workload);
            if directory(&workload) {
                f.correlation = cell(self.correlation);
            }
        } else if f.correlation.is_empty() {
            f.correlation = cell(self.correlation);
        }
        let fill = |field: &mut Cow<'a, [u8]>, i: Option<usize>| {
            if field.is_empty() {
                *field = cell(i);
            }
        };
        fill(&mut f.operation, self.operation);
        if f.actor_kind == crate::model::ActorKind::User {
            fill(&mut f.actor, self.actor);
            fill(&mut f.actor_id, self.actor_id);
        }
        if json.is_none()
            && let Some((kind, key, name)) = app_actor(&f.actor, &cell(self.actor_entries))
        {
            (f.actor_kind, f.actor, f.actor_name) = (kind, Cow::Owned(key), Cow::Owned(name));
            f.actor_id = Cow::Borrowed(&b""[..]);
        }
        fill(&mut f.ip, self.ip);
        fill(&mut f.result, self.result);
        if let Some(t) = self.time.map(|i| cell(Some(i))) {
            // The row's own time column is the export's (UTC) time: it wins.
            if let Some(t) = time_of(&t) {
                f.time = Some(t);
            }
        }
        f
    }
}
