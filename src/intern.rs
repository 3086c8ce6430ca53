//! Shared text for the values that repeat from event to event (operations, accounts, the
//! parties of an event): a scan of millions of STS events keeps each distinct value once.

use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;
use std::ops::Deref;
use std::sync::Arc;

use hashbrown::HashSet;
use serde::{Serialize, Serializer};

/// An immutable string, cheap to clone (a reference count) and shared once interned. Reads
/// as `&str` (`Deref`), compares with `str`/`String`, serialises as a JSON string.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(Arc<str>);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Self(s.into())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self(s.into())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

/// Keeps one copy of each distinct value it is given. Hashed with hashbrown's default
/// hasher (foldhash, seeded per process): the loader interns several texts of every STS
/// event on the workbench's screen thread, where SipHash was a tenth of its time.
#[derive(Debug, Clone)]
pub struct Interner<T: Eq + Hash> {
    seen: HashSet<Arc<T>>,
}

impl<T: Eq + Hash> Default for Interner<T> {
    fn default() -> Self {
        Self {
            seen: HashSet::new(),
        }
    }
}

impl<T: Eq + Hash> Interner<T> {
    /// The shared copy of `value` (made shared when it is new).
    pub fn intern(&mut self, value: &Arc<T>) -> Arc<T> {
        if let Some(known) = self.seen.get(&**value) {
            return known.clone();
        }
        self.seen.insert(value.clone());
        value.clone()
    }

    /// The shared copy of `value`, if one is kept.
    pub fn get(&self, value: &T) -> Option<Arc<T>> {
        self.seen.get(value).cloned()
    }

    /// How many distinct values are kept.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

/// The shared copies of texts.
#[derive(Debug, Clone, Default)]
pub struct TextInterner {
    seen: HashSet<Text>,
}

impl TextInterner {
    /// Replaces `text` by the shared copy of its value.
    pub fn intern(&mut self, text: &mut Text) {
        if let Some(known) = self.seen.get(text.as_str()) {
            *text = known.clone();
        } else {
            self.seen.insert(text.clone());
        }
    }

    /// As [`TextInterner::intern`], but a new value is kept as a copy made here: a text
    /// made on another thread (a scanning thread, among that record's short-lived values)
    /// would keep that thread's memory from being reused while it lives.
    pub fn intern_copy(&mut self, text: &mut Text) {
        if let Some(known) = self.seen.get(text.as_str()) {
            *text = known.clone();
        } else {
            *text = Text::from(text.as_str());
            self.seen.insert(text.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_copy() {
        let mut interner = TextInterner::default();
        let mut a = Text::from("admin@contoso.com".to_owned());
        let mut b = Text::from("admin@contoso.com");
        interner.intern(&mut a);
        interner.intern(&mut b);
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "admin@contoso.com");
        assert_eq!(serde_json::json!(a), serde_json::json!("admin@contoso.com"));
        let mut parties = Interner::default();
        let x = parties.intern(&Arc::new(("t".to_owned(), 1)));
        let y = parties.intern(&Arc::new(("t".to_owned(), 1)));
        assert!(Arc::ptr_eq(&x, &y));
        assert_eq!(parties.len(), 1);
    }
}
