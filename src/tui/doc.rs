//! A raw event as pretty-printed, foldable JSON lines (jless-style), with every string
//! JSON-escaped and neutralised so that nothing from the event reaches the terminal raw.

use std::collections::HashSet;

use serde_json::Value;

use crate::neutralize::neutralize;

/// The kind of a piece of a line, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Key,
    Str,
    Num,
    Lit,
    Punct,
}

/// One pretty-printed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLine {
    pub depth: usize,
    pub tokens: Vec<(Tok, String)>,
    /// For a line that opens an object or array: the line that closes it.
    pub close: Option<usize>,
}

impl DocLine {
    pub fn text(&self) -> String {
        self.tokens.iter().map(|(_, t)| t.as_str()).collect()
    }
}

/// The lines of one event and which of them are folded.
#[derive(Debug, Clone, Default)]
pub struct JsonDoc {
    pub lines: Vec<DocLine>,
    /// What the record says of its parties that no export writes (neutralised; the why
    /// panel shows them under the event's target and actor): [`record_notes`].
    pub notes: Vec<String>,
    pub folded: HashSet<usize>,
    visible: Vec<usize>,
}

fn quoted(s: &str) -> String {
    let json = Value::String(s.to_owned()).to_string();
    neutralize(&json).into_owned()
}

/// The notes of a record's parties: a UAL record whose `ObjectId` and `Target` entries name
/// different targets (`context::parties::ual_target_disagreement`), both sides quoted and
/// neutralised, at most three entries named.
pub fn record_notes(record: &Value) -> Vec<String> {
    let Some((object_id, others)) = crate::context::parties::ual_target_disagreement(record) else {
        return Vec::new();
    };
    const SHOWN: usize = 3;
    let mut named: Vec<String> = others.iter().take(SHOWN).map(|t| quoted(t)).collect();
    if others.len() > SHOWN {
        named.push(format!("+{} more", others.len() - SHOWN));
    }
    vec![format!(
        "⚠ ObjectId and Target[] name different targets: ObjectId {}, Target[] {} (no export writes this: a forged or misread record; the target shown is read from one of them)",
        quoted(&object_id),
        named.join(", ")
    )]
}

impl JsonDoc {
    /// Pretty-prints raw text; text that is not JSON is shown line by line.
    pub fn parse(raw: &str) -> Self {
        let mut doc = Self::default();
        match crate::json_depth::parse_value(raw) {
            Ok(v) => {
                emit(&v, 0, None, false, &mut doc.lines);
                doc.notes = record_notes(&v);
            }
            Err(_) => {
                for l in raw.lines() {
                    doc.lines.push(DocLine {
                        depth: 0,
                        tokens: vec![(Tok::Str, neutralize(l).into_owned())],
                        close: None,
                    });
                }
            }
        }
        doc.recompute();
        doc
    }

    fn recompute(&mut self) {
        self.visible.clear();
        let mut i = 0;
        while i < self.lines.len() {
            self.visible.push(i);
            i = match (self.folded.contains(&i), self.lines[i].close) {
                (true, Some(close)) => close + 1,
                _ => i + 1,
            };
        }
    }

    pub fn visible_count(&self) -> usize {
        self.visible.len()
    }

    /// The document line shown at a visible position.
    pub fn visible_line(&self, pos: usize) -> Option<usize> {
        self.visible.get(pos).copied()
    }

    pub fn toggle_fold(&mut self, line: usize) {
        if self.lines.get(line).and_then(|l| l.close).is_some() && !self.folded.remove(&line) {
            self.folded.insert(line);
        }
        self.recompute();
    }

    /// Folds every object and array below the top level.
    pub fn collapse_all(&mut self) {
        self.folded = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.close.is_some() && l.depth > 0)
            .map(|(i, _)| i)
            .collect();
        self.recompute();
    }

    pub fn expand_all(&mut self) {
        self.folded.clear();
        self.recompute();
    }

    /// The text of a visible line as drawn (a folded opener shows a summary).
    pub fn display_tokens(&self, line: usize) -> Vec<(Tok, String)> {
        let l = &self.lines[line];
        let mut tokens = l.tokens.clone();
        if let (true, Some(close)) = (self.folded.contains(&line), l.close) {
            let inner = close.saturating_sub(line + 1);
            let closing = self.lines[close].text();
            tokens.push((Tok::Punct, format!(" … {inner} lines {}", closing.trim())));
        }
        tokens
    }
}

fn emit(v: &Value, depth: usize, key: Option<&str>, comma: bool, out: &mut Vec<DocLine>) {
    let mut tokens = Vec::new();
    if let Some(k) = key {
        tokens.push((Tok::Key, quoted(k)));
        tokens.push((Tok::Punct, ": ".to_owned()));
    }
    let tail = if comma { "," } else { "" };
    match v {
        Value::Object(map) if !map.is_empty() => {
            tokens.push((Tok::Punct, "{".to_owned()));
            let open = out.len();
            out.push(DocLine {
                depth,
                tokens,
                close: None,
            });
            let n = map.len();
            for (i, (k, child)) in map.iter().enumerate() {
                emit(child, depth + 1, Some(k), i + 1 < n, out);
            }
            out[open].close = Some(out.len());
            out.push(DocLine {
                depth,
                tokens: vec![(Tok::Punct, format!("}}{tail}"))],
                close: None,
            });
        }
        Value::Array(items) if !items.is_empty() => {
            tokens.push((Tok::Punct, "[".to_owned()));
            let open = out.len();
            out.push(DocLine {
                depth,
                tokens,
                close: None,
            });
            let n = items.len();
            for (i, child) in items.iter().enumerate() {
                emit(child, depth + 1, None, i + 1 < n, out);
            }
            out[open].close = Some(out.len());
            out.push(DocLine {
                depth,
                tokens: vec![(Tok::Punct, format!("]{tail}"))],
                close: None,
            });
        }
        scalar => {
            let (tok, text) = match scalar {
                Value::String(s) => (Tok::Str, quoted(s)),
                Value::Number(n) => (Tok::Num, n.to_string()),
                Value::Object(_) => (Tok::Punct, "{}".to_owned()),
                Value::Array(_) => (Tok::Punct, "[]".to_owned()),
                other => (Tok::Lit, other.to_string()),
            };
            tokens.push((tok, text));
            if comma {
                tokens.push((Tok::Punct, ",".to_owned()));
            }
            out.push(DocLine {
                depth,
                tokens,
                close: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_lines_fold_and_neutralise() {
        let doc = JsonDoc::parse(r#"{"a":1,"b":{"c":"x\u001b[31m\u202e"},"d":[]}"#);
        let texts: Vec<String> = doc.lines.iter().map(DocLine::text).collect();
        assert_eq!(texts[0], "{");
        assert_eq!(texts[2], "\"b\": {");
        assert_eq!(texts[3], "\"c\": \"x\\u001b[31m\\u{202e}\"");
        assert_eq!(texts[5], "\"d\": []");
        let mut doc = doc;
        assert_eq!(doc.visible_count(), 7);
        doc.toggle_fold(2);
        assert_eq!(doc.visible_count(), 5);
        assert!(
            doc.display_tokens(2)
                .last()
                .is_some_and(|t| t.1.contains("1 lines }"))
        );
    }
}
