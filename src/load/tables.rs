//! Query results handed over as tables rather than records:
//!
//! - the Log Analytics query API response (`POST /v1/workspaces/{id}/query`, Azure Monitor
//!   "Log Analytics API response format"): `{"tables":[{"name":"PrimaryResult","columns":
//!   [{"name":…,"type":…}],"rows":[[…],…]}]}`, with an `"error"` object beside the tables when
//!   the query failed part way (`PartialError`: the rows may be incomplete). The Kusto v1
//!   spelling (`Tables`, `TableName`, `Columns[].ColumnName`, `Rows`) is read the same way.
//!   The document is streamed by `docstream`, which hands each table's columns and then each
//!   row here;
//! - `az monitor log-analytics query` output: a JSON array of one object per row, a
//!   `TableName` key first and every value turned into text the Python way (`str(value)`):
//!   `"True"`, `"False"`, `"None"`, numbers as text, dynamic columns as the JSON text the API
//!   returned.
//!
//! Either way a row becomes the record the other readers give for its table (AuditLogs,
//! OfficeActivity, CloudAppEvents, the query's own result), columns mapped by name.

use serde_json::{Map, Value};

use super::decode;
use super::json::Ctx;

/// The table whose columns and rows are being read.
#[derive(Debug, Default)]
pub(super) struct Table {
    /// The document is a response of tables (so its top-level keys are followed, for the
    /// `error` beside the tables).
    pub seen: bool,
    /// `PrimaryResult` in every Log Analytics response; `Table_0`… in Kusto v1.
    pub name: String,
    /// The column names, once `columns` was read.
    pub columns: Option<Vec<String>>,
    /// The table is the query's own result (its `tokenMinutesAdded`/`tokenMinutesRemaining`
    /// columns): every column is kept, null or not.
    result_row: bool,
    /// A row came before the columns (reported once).
    rows_without_columns: bool,
}

/// What the value after a key of a table object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    Name,
    Columns,
    Rows,
    /// The `error` object beside the tables.
    Error,
    Other,
}

/// The slot of a key of a table object (`name`, `columns`, `rows`; Kusto v1 `TableName`,
/// `Columns`, `Rows`).
pub(super) fn table_slot(key: &[u8]) -> Slot {
    let is = |name: &str| key.eq_ignore_ascii_case(name.as_bytes());
    if is("name") || is("TableName") {
        Slot::Name
    } else if is("columns") {
        Slot::Columns
    } else if is("rows") {
        Slot::Rows
    } else {
        Slot::Other
    }
}

/// True for the key of the top-level array of tables.
pub(super) fn is_tables_key(key: &[u8]) -> bool {
    key == b"tables" || key == b"Tables"
}

impl Table {
    /// A table about to be read, in a response of tables.
    pub fn started() -> Self {
        Self {
            seen: true,
            ..Self::default()
        }
    }

    /// The table's name, from its JSON string (quotes included).
    pub fn set_name(&mut self, quoted: &[u8]) {
        self.name = serde_json::from_slice::<String>(quoted).unwrap_or_default();
    }

    /// Reads the `columns` array: `[{"name":"TimeGenerated","type":"datetime"},…]` (Kusto
    /// v1: `ColumnName`, `DataType`).
    /// `offset`: where the columns are in the content; the rows after them are read back
    /// from the context index with these names.
    pub fn set_columns(&mut self, ctx: &mut Ctx, bytes: &[u8], line: u64, offset: u64) {
        let names = serde_json::from_slice::<Vec<Value>>(bytes)
            .ok()
            .and_then(|cols| {
                cols.iter()
                    .map(|c| {
                        let c = c.as_object()?;
                        ["name", "ColumnName"]
                            .iter()
                            .find_map(|k| c.get(*k).and_then(Value::as_str))
                            .map(str::to_owned)
                    })
                    .collect::<Option<Vec<String>>>()
            });
        match names {
            Some(names) => {
                let has = |n: &str| names.iter().any(|c| c.eq_ignore_ascii_case(n));
                self.result_row = has("tokenMinutesAdded") && has("tokenMinutesRemaining");
                let layout = crate::context::record::Layout::Rows {
                    columns: names.clone(),
                    keep_blank: self.result_row,
                };
                ctx.context.layout(offset, layout);
                self.columns = Some(names);
            }
            None => ctx.problem(
                Some(line),
                format!(
                    "the columns of {} are not a list of {{\"name\", \"type\"}}: its rows cannot be read",
                    self.described()
                ),
            ),
        }
    }

    /// `table `PrimaryResult``, or `a table` before its name was read.
    fn described(&self) -> String {
        if self.name.is_empty() {
            "a table".to_owned()
        } else {
            format!("table `{}`", self.name)
        }
    }

    /// One row (`[v1, v2, …]`): made into the record `{"column1": v1, …}` and read as a
    /// record of any other reader. A column that is null or empty in the row is left out
    /// (the columns a `union` adds from its other tables, so that a row is recognised by
    /// the columns its own table has), except in the query's own result, whose columns are
    /// all kept.
    /// `offset`: where the row is in the content (its place in the context index).
    pub fn row(&mut self, ctx: &mut Ctx, bytes: &[u8], line: u64, offset: u64) {
        let Some(columns) = &self.columns else {
            ctx.summary.records += 1;
            if !std::mem::replace(&mut self.rows_without_columns, true) {
                let message = format!(
                    "{} has rows before its columns (or columns that could not be read): its rows were not read",
                    self.described()
                );
                ctx.problem(Some(line), message);
            }
            ctx.summary.skipped += 1;
            return;
        };
        let (values, repair) = match parse_row(bytes) {
            Ok(parsed) => parsed,
            Err(message) => {
                ctx.summary.records += 1;
                ctx.malformed(line, message);
                return;
            }
        };
        if values.len() != columns.len() {
            ctx.summary.records += 1;
            let message = format!(
                "a row of {} values in {} of {} columns; skipped",
                values.len(),
                self.described(),
                columns.len()
            );
            ctx.malformed(line, message);
            return;
        }
        let record = row_record(columns, values, self.result_row);
        let text = Value::Object(record).to_string();
        ctx.repaired(line, repair);
        ctx.record(text.as_bytes(), line, offset);
    }
}

/// A table's row as the record it stands for: `{"column1": v1, …}`, the null and empty
/// cells left out unless `keep_blank` (see [`Table::row`]). The context panel rebuilds a
/// related row read back from the file the same way.
pub(crate) fn row_record(
    columns: &[String],
    values: Vec<Value>,
    keep_blank: bool,
) -> Map<String, Value> {
    columns
        .iter()
        .zip(values)
        .filter(|(_, v)| keep_blank || !is_blank(v))
        .map(|(c, v)| (c.clone(), v))
        .collect()
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// A row's values; invalid UTF-8 and lone surrogate escapes are replaced as in every reader.
fn parse_row(bytes: &[u8]) -> Result<(Vec<Value>, Option<decode::Repair>), String> {
    match serde_json::from_slice::<Vec<Value>>(bytes) {
        Ok(values) => Ok((values, None)),
        Err(e) => {
            let fixed = decode::repair_json(bytes)
                .and_then(|(text, repair)| serde_json::from_str(&text).ok().map(|v| (v, repair)));
            match fixed {
                Some((values, repair)) => Ok((values, Some(repair))),
                None if bytes.first() == Some(&b'[') => Err(format!("not valid JSON: {e}")),
                None => Err("a row that is not an array of values; skipped".to_owned()),
            }
        }
    }
}

/// The `error` object beside the tables: the query failed part way, and its rows may be
/// incomplete. Said once, with the service's own words.
pub(super) fn partial_error(ctx: &mut Ctx, bytes: &[u8], line: u64) {
    let error = serde_json::from_slice::<Value>(bytes).unwrap_or(Value::Null);
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut said = vec![text(error.get("code")), text(error.get("message"))];
    // The engine's reason is one level down (`details[0].innererror.message`).
    if let Some(detail) = error.get("details").and_then(|d| d.get(0)) {
        said.push(text(detail.get("message")));
        said.push(text(
            detail.get("innererror").and_then(|i| i.get("message")),
        ));
    }
    said.retain(|s| !s.is_empty());
    said.dedup();
    let said = if said.is_empty() {
        "no message".to_owned()
    } else {
        said.join(": ")
    };
    ctx.problem(
        Some(line),
        format!(
            "the query's response reports an error ({said}); the rows it holds may be incomplete"
        ),
    );
}

/// A row of `az monitor log-analytics query` output (a `TableName` key and every value
/// text): the record of its table, with the Python spellings undone where they stand for
/// no value. `"None"` is a null column (Kusto's string columns are never null, so a
/// `"None"` stands for a null of another type, never an actor or a value), and null or
/// empty columns are left out as in a Log Analytics table row (the query's own result keeps
/// them). `"True"`/`"False"` and numbers as text are read as every reader reads them.
pub(super) fn from_az_cli(mut obj: Map<String, Value>) -> Map<String, Value> {
    obj.shift_remove("TableName");
    let result_row = ["tokenMinutesAdded", "tokenMinutesRemaining"]
        .iter()
        .all(|c| obj.keys().any(|k| k.eq_ignore_ascii_case(c)));
    obj.into_iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) if s == "None" => result_row.then_some((k, Value::Null)),
            Value::String(s) if s.is_empty() && !result_row => None,
            other => Some((k, other)),
        })
        .collect()
}

/// True for a record of `az monitor log-analytics query` output: a `TableName` key and
/// every value text.
pub(super) fn is_az_cli_row(obj: &Map<String, Value>) -> bool {
    matches!(obj.get("TableName"), Some(Value::String(_)))
        && obj.len() > 1
        && obj.values().all(Value::is_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn az_cli_none_is_no_value_and_the_table_name_is_not_a_column() {
        let row = obj(
            serde_json::json!({"TableName":"PrimaryResult","OperationName":"x",
            "InitiatedBy":"None","Result":"","IsAnonymousProxy":"False"}),
        );
        assert!(is_az_cli_row(&row));
        let got = from_az_cli(row);
        assert_eq!(
            Value::Object(got),
            serde_json::json!({"OperationName":"x","IsAnonymousProxy":"False"})
        );
    }

    #[test]
    fn az_cli_result_rows_keep_their_null_columns() {
        let row = obj(
            serde_json::json!({"TableName":"PrimaryResult","AccountObjectId":"",
            "tokenMinutesAdded":"None","tokenMinutesRemaining":"12"}),
        );
        let got = from_az_cli(row);
        assert_eq!(got.get("tokenMinutesAdded"), Some(&Value::Null));
        assert_eq!(got.get("AccountObjectId"), Some(&Value::from("")));
    }

    #[test]
    fn a_record_with_other_than_text_is_not_az_cli_output() {
        let row = obj(serde_json::json!({"TableName":"T","Count":3}));
        assert!(!is_az_cli_row(&row));
    }

    #[test]
    fn table_keys_in_either_spelling() {
        assert_eq!(table_slot(b"TableName"), Slot::Name);
        assert_eq!(table_slot(b"Columns"), Slot::Columns);
        assert_eq!(table_slot(b"rows"), Slot::Rows);
        assert_eq!(table_slot(b"statistics"), Slot::Other);
    }
}
