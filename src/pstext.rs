//! PowerShell's text of an object, written where the object should be: `ConvertTo-Json`
//! writes every value nested deeper than its `-Depth` (2 by default) as the value's
//! `ToString()`, and `Export-Csv` writes a cell holding an object the same way. The object's
//! content is lost; what is left names only its kind: `@{Name=…; NewValue=…}` (a
//! PSCustomObject), `System.Collections.Hashtable` (Invoke-MgGraphRequest's hashtables),
//! `System.Object[]` (an array), or a .NET class name
//! (`Microsoft.Graph.PowerShell.Models.MicrosoftGraphTargetResource`, Graph PowerShell's
//! objects). The rule reads nothing from such text, so an STS event holding it where its
//! ModifiedProperties should be is a near miss whose reason says what happened to the
//! record, not "no StsRefreshTokensValidFrom property".

use serde_json::Value;

/// True when `text` is PowerShell's text of an object rather than a value of the record.
pub fn is_object_text(text: &str) -> bool {
    let t = text.trim();
    if t.starts_with("@{") && t.ends_with('}') {
        return true;
    }
    // A .NET type name: dotted parts of letters, digits and `_` (a generic's backtick and
    // brackets, an array's `[]`), under the System or Microsoft namespaces.
    let name = t.split(['`', '[']).next().unwrap_or(t);
    (name.starts_with("System.") || name.starts_with("Microsoft."))
        && name.split('.').count() >= 2
        && name.split('.').all(|part| {
            part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        && !t.contains(char::is_whitespace)
}

/// The value's text, when it is a string holding PowerShell's text of an object.
pub fn object_text(value: Option<&Value>) -> Option<&str> {
    value
        .and_then(Value::as_str)
        .filter(|text| is_object_text(text))
}

/// The text of member `name` of PowerShell's text of an object (`@{CreationTime=…; Id=…;
/// …}`), read up to the next `; ` at the object's own level: the first such member (the UAL
/// writes `Id` second, before any text an actor chooses). `None` when there is none, or when
/// `text` is no such object text. Only a scalar member is meaningful: a nested object or
/// array was written as its type name.
pub fn member<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let body = text.trim().strip_prefix("@{")?.strip_suffix('}')?;
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = body.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        let end_of_member = i == bytes.len() || (depth == 0 && bytes[i..].starts_with(b"; "));
        if end_of_member {
            // A piece without `=` is the rest of a value that holds `; ` (a user agent).
            if let Some((key, value)) = body[start..i].split_once('=')
                && key == name
            {
                return Some(value);
            }
            start = i + 2;
            i += 2;
            continue;
        }
        if bytes[i..].starts_with(b"@{") {
            depth += 1;
        } else if bytes[i] == b'}' {
            depth = depth.saturating_sub(1);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_of_object_text_is_read_at_the_objects_own_level() {
        let text = "@{CreationTime=2024-11-05T16:42:19; Id=5c5c-11; Inner=@{Id=no; X=1}; \
                    UserAgent=Mozilla/5.0 (Windows NT 10.0; Id=forged); ModifiedProperties=System.Object[]}";
        assert_eq!(member(text, "Id"), Some("5c5c-11"));
        assert_eq!(member(text, "CreationTime"), Some("2024-11-05T16:42:19"));
        assert_eq!(member(text, "X"), None);
        assert_eq!(member(text, "Missing"), None);
        assert_eq!(member("System.Object[]", "Id"), None);
        assert_eq!(member("@{Id=}", "Id"), Some(""));
    }

    #[test]
    fn the_texts_powershell_writes_for_objects() {
        for t in [
            "@{Name=StsRefreshTokensValidFrom; NewValue=[\"2024-11-05T16:42:18Z\"]; OldValue=}",
            "System.Collections.Hashtable",
            "System.Object[]",
            "Microsoft.Graph.PowerShell.Models.MicrosoftGraphTargetResource",
            "Microsoft.Graph.PowerShell.Models.IMicrosoftGraphModifiedProperty[]",
            "System.Collections.Generic.Dictionary`2[System.String,System.Object]",
        ] {
            assert!(is_object_text(t), "{t}");
        }
    }

    #[test]
    fn values_of_records_are_not_object_text() {
        for t in [
            "",
            "StsRefreshTokensValidFrom",
            "Included Updated Properties",
            "[\"2024-11-05T16:42:18Z\"]",
            "System",
            "Microsoft Office 365 Portal",
            "microsoft.graph.security.auditData",
            "{\"Name\":\"x\"}",
            "@{ not closed",
        ] {
            assert!(!is_object_text(t), "{t}");
        }
    }
}
