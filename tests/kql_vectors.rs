#![allow(clippy::panic, clippy::unwrap_used)]
//! Every documented vector of kql-vectors.json (copied from shared/reference) against the
//! KQL functions of the scan core. A vector whose function is unknown fails the test, so a
//! new vector cannot be silently passed over.

use serde_json::Value;
use sts_triage::kql::{self, Period};

fn s(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("string expected, got {v}"))
}

fn dt_text(v: Option<kql::KqlDateTime>) -> Value {
    v.map_or(Value::Null, |t| Value::String(kql::format_datetime(&t)))
}

fn term_list(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().map(s).collect())
        .unwrap_or_default()
}

/// Evaluates one vector; returns the value to compare with `expected`.
fn eval(f: &str, args: &[Value]) -> Value {
    let a = &args[0];
    let b = args.get(1);
    let b_str = || s(b.expect("second argument"));
    match f {
        "==" => match (a, b) {
            (Value::String(x), Some(Value::String(y))) => Value::Bool(x == y),
            (x, Some(y)) => kql::scalar_eq(x, y).map_or(Value::Null, Value::Bool),
            _ => unreachable!(),
        },
        "!=" => match (a, b) {
            (Value::String(x), Some(Value::String(y))) => Value::Bool(x != y),
            (x, Some(y)) => kql::scalar_ne(x, y).map_or(Value::Null, Value::Bool),
            _ => unreachable!(),
        },
        "=~" => Value::Bool(kql::eq_ignore_case(s(a), b_str())),
        "!~" => Value::Bool(!kql::eq_ignore_case(s(a), b_str())),
        "has" => Value::Bool(kql::has(s(a), b_str())),
        "!has" => Value::Bool(!kql::has(s(a), b_str())),
        "has_cs" => Value::Bool(kql::has_cs(s(a), b_str())),
        "!has_cs" => Value::Bool(!kql::has_cs(s(a), b_str())),
        "contains" => Value::Bool(kql::contains(s(a), b_str())),
        "!contains" => Value::Bool(!kql::contains(s(a), b_str())),
        "contains_cs" => Value::Bool(s(a).contains(b_str())),
        "!contains_cs" => Value::Bool(!s(a).contains(b_str())),
        "has_all" => Value::Bool(
            term_list(b.expect("list"))
                .iter()
                .all(|t| kql::has(s(a), t)),
        ),
        "has_any" => Value::Bool(
            term_list(b.expect("list"))
                .iter()
                .any(|t| kql::has(s(a), t)),
        ),
        "hasprefix" => Value::Bool(kql::hasprefix(s(a), b_str())),
        "!hasprefix" => Value::Bool(!kql::hasprefix(s(a), b_str())),
        "hassuffix" => Value::Bool(kql::hassuffix(s(a), b_str())),
        "!hassuffix" => Value::Bool(!kql::hassuffix(s(a), b_str())),
        "terms" => Value::Array(
            kql::terms(s(a))
                .into_iter()
                .map(|t| Value::String(t.to_owned()))
                .collect(),
        ),
        "datetime_diff" => {
            let period = Period::parse(s(a)).expect("period");
            let x = kql::todatetime(s(&args[1]));
            let y = kql::todatetime(s(&args[2]));
            kql::datetime_diff(period, x, y).map_or(Value::Null, Value::from)
        }
        "todatetime" => dt_text(kql::todatetime(s(a))),
        // datetime('…') literals accept the same formats as todatetime.
        "todatetime==datetime" => Value::Bool(
            kql::todatetime(s(a)).is_some() && kql::todatetime(s(a)) == kql::todatetime(b_str()),
        ),
        "dynamic_index" => kql::index(Some(a), b.and_then(Value::as_i64).expect("index"))
            .cloned()
            .unwrap_or(Value::Null),
        "toint(dynamic_index)" => kql::index(Some(a), b.and_then(Value::as_i64).expect("index"))
            .and_then(Value::as_i64)
            .map_or(Value::Null, Value::from),
        "dynamic_property" => kql::property(Some(a), b_str())
            .cloned()
            .unwrap_or(Value::Null),
        "todate(dynamic_property)" => {
            dt_text(kql::todatetime_dynamic(kql::property(Some(a), b_str())))
        }
        "parse_json.path" => {
            let parsed = kql::parse_json(s(a));
            let mut cur = Some(&parsed);
            for key in b_str().split('.') {
                cur = kql::property(cur, key);
            }
            // Kusto shows reals without a fraction as integers.
            Value::String(kql::tostring(cur))
        }
        "tostring(parse_json)" => Value::String(kql::tostring(Some(&kql::parse_json(s(a))))),
        "parse_json(tostring(parse_json(s).b)).c" => {
            let outer = kql::parse_json(s(a));
            let inner = kql::parse_json(&kql::tostring(kql::property(Some(&outer), "b")));
            kql::property(Some(&inner), "c")
                .cloned()
                .unwrap_or(Value::Null)
        }
        "parse_json" => kql::parse_json(s(a)),
        // parse_json of a dynamic returns it as is: nothing to parse.
        "parse_json(dynamic)" => a.clone(),
        "dynamic_to_json" => Value::String(kql::dynamic_to_json(a)),
        "tostring" => Value::String(kql::tostring(Some(a))),
        ">" => kql::scalar_gt(a, b.expect("b")).map_or(Value::Null, Value::Bool),
        "where" => Value::Bool(kql::where_keeps(a.as_bool())),
        "where(ival != 5)" => Value::Array(
            a.as_array()
                .expect("rows")
                .iter()
                .filter(|v| kql::where_keeps(kql::scalar_ne(v, &Value::from(5))))
                .cloned()
                .collect(),
        ),
        "+" => kql::scalar_add(a, b.expect("b")).map_or(Value::Null, Value::from),
        other => panic!("no evaluator for vector function {other:?}"),
    }
}

fn normalise(f: &str, v: &Value) -> Value {
    match (f, v) {
        // The path vectors compare the printed value: 118.0 prints as 118.
        ("parse_json.path", Value::Number(_)) => Value::String(kql::tostring(Some(v))),
        _ => v.clone(),
    }
}

#[test]
fn every_documented_vector_holds() {
    let text = include_str!("data/kql-vectors.json");
    let vectors: Vec<Value> = serde_json::from_str(text).expect("vectors parse");
    assert!(vectors.len() >= 100, "the vector file is complete");
    let mut failures = Vec::new();
    for v in &vectors {
        let f = s(&v["fn"]);
        let args = v["args"].as_array().expect("args");
        let got = eval(f, args);
        let expected = normalise(f, &v["expected"]);
        if got != expected {
            failures.push(format!("{f}{args:?}: expected {expected}, got {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} vectors fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
