//! Comparison and arithmetic with Kusto's null rules.
//!
//! Rules from the Kusto documentation page "Null values"
//! (<https://learn.microsoft.com/kusto/query/scalar-data-types/null-values>): comparisons with
//! a null give null (or false/true for `==`/`!=` with one null side), and `where` drops a row
//! whose predicate is null.

use serde_json::Value;

/// `a == b` with Kusto's null rules: two nulls give null, one null gives false.
pub fn scalar_eq(a: &Value, b: &Value) -> Option<bool> {
    match (a.is_null(), b.is_null()) {
        (true, true) => None,
        (true, false) | (false, true) => Some(false),
        _ => Some(a == b),
    }
}

/// `a != b`: two nulls give null, one null gives true.
pub fn scalar_ne(a: &Value, b: &Value) -> Option<bool> {
    scalar_eq(a, b)
        .map(|x| !x)
        .or(if a.is_null() && b.is_null() {
            None
        } else {
            Some(true)
        })
}

/// `a > b` on numbers: null when either side is null.
pub fn scalar_gt(a: &Value, b: &Value) -> Option<bool> {
    Some(a.as_f64()? > b.as_f64()?)
}

/// `a + b` on integers: null is sticky.
pub fn scalar_add(a: &Value, b: &Value) -> Option<i64> {
    a.as_i64()?.checked_add(b.as_i64()?)
}

/// `where`: a null predicate drops the row like false.
pub fn where_keeps(predicate: Option<bool>) -> bool {
    predicate == Some(true)
}
