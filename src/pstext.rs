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

#[cfg(test)]
mod tests {
    use super::*;

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
