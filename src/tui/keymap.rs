//! Keys to actions, per screen. The defaults live in `assets/keymap.toml` (embedded); the
//! help screen and the footer are generated from the same map, so they never disagree.

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{INTENTS, Intent};

/// The screens that have their own keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Context {
    Table,
    Drill,
    Help,
    /// The frequency view and the classify-like-this list.
    List,
    /// The problems view.
    Problems,
}

impl Context {
    fn section(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Drill => "drill",
            Self::Help => "help",
            Self::List => "list",
            Self::Problems => "problems",
        }
    }
}

/// A key as written in the keymap: a code and the Ctrl modifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub code: KeyCodeName,
    pub ctrl: bool,
}

/// The key codes a keymap can name (crossterm's KeyCode is not Ord).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyCodeName {
    Char(char),
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Enter,
    Esc,
    Tab,
    Backspace,
}

impl Key {
    /// Parses `j`, `G`, `ctrl-r`, `pagedown`, `space`.
    pub fn parse(text: &str) -> Option<Self> {
        let (ctrl, rest) = match text.strip_prefix("ctrl-") {
            Some(r) => (true, r),
            None => (false, text),
        };
        let code = match rest {
            "up" => KeyCodeName::Up,
            "down" => KeyCodeName::Down,
            "left" => KeyCodeName::Left,
            "right" => KeyCodeName::Right,
            "home" => KeyCodeName::Home,
            "end" => KeyCodeName::End,
            "pageup" => KeyCodeName::PageUp,
            "pagedown" => KeyCodeName::PageDown,
            "enter" => KeyCodeName::Enter,
            "esc" => KeyCodeName::Esc,
            "tab" => KeyCodeName::Tab,
            "backspace" => KeyCodeName::Backspace,
            "space" => KeyCodeName::Char(' '),
            other => {
                let mut chars = other.chars();
                let c = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                KeyCodeName::Char(c)
            }
        };
        Some(Self { code, ctrl })
    }

    /// The key of a terminal key event.
    pub fn from_event(ev: &KeyEvent) -> Option<Self> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let code = match ev.code {
            KeyCode::Char(c) => KeyCodeName::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            KeyCode::Up => KeyCodeName::Up,
            KeyCode::Down => KeyCodeName::Down,
            KeyCode::Left => KeyCodeName::Left,
            KeyCode::Right => KeyCodeName::Right,
            KeyCode::Home => KeyCodeName::Home,
            KeyCode::End => KeyCodeName::End,
            KeyCode::PageUp => KeyCodeName::PageUp,
            KeyCode::PageDown => KeyCodeName::PageDown,
            KeyCode::Enter => KeyCodeName::Enter,
            KeyCode::Esc => KeyCodeName::Esc,
            KeyCode::Tab => KeyCodeName::Tab,
            KeyCode::Backspace => KeyCodeName::Backspace,
            _ => return None,
        };
        Some(Self { code, ctrl })
    }

    /// How the key is shown in help and hints.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCodeName::Char(' ') => "Space".to_owned(),
            KeyCodeName::Char(c) => c.to_string(),
            KeyCodeName::Up => "↑".to_owned(),
            KeyCodeName::Down => "↓".to_owned(),
            KeyCodeName::Left => "←".to_owned(),
            KeyCodeName::Right => "→".to_owned(),
            KeyCodeName::Home => "Home".to_owned(),
            KeyCodeName::End => "End".to_owned(),
            KeyCodeName::PageUp => "PgUp".to_owned(),
            KeyCodeName::PageDown => "PgDn".to_owned(),
            KeyCodeName::Enter => "Enter".to_owned(),
            KeyCodeName::Esc => "Esc".to_owned(),
            KeyCodeName::Tab => "Tab".to_owned(),
            KeyCodeName::Backspace => "Bksp".to_owned(),
        };
        if self.ctrl {
            format!("Ctrl+{}", base.to_ascii_uppercase())
        } else {
            base
        }
    }
}

/// The key that ends a prompt (filter, note, search) and keeps what was typed. Prompts
/// take every character key as text, so the keymap does not bind keys in them: these two
/// are fixed, and on-screen text names them from here.
pub const PROMPT_SUBMIT: Key = Key {
    code: KeyCodeName::Enter,
    ctrl: false,
};
/// The key that closes a prompt without keeping it (a filter prompt clears the filter).
pub const PROMPT_CANCEL: Key = Key {
    code: KeyCodeName::Esc,
    ctrl: false,
};

/// A problem in a keymap file, with the line it is on.
#[derive(Debug, thiserror::Error)]
#[error("keymap {source_name}, line {line}: {message}")]
pub struct KeymapError {
    pub source_name: String,
    pub line: usize,
    pub message: String,
}

/// The effective keymap.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<Context, BTreeMap<Key, String>>,
}

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

impl Keymap {
    /// The defaults.
    pub fn default_map() -> Result<Self, KeymapError> {
        let mut map = Self {
            bindings: BTreeMap::new(),
        };
        map.overlay(DEFAULT_KEYMAP, "(built-in)")?;
        Ok(map)
    }

    /// Applies a keymap text over this one; errors name the line.
    pub fn overlay(&mut self, text: &str, source_name: &str) -> Result<(), KeymapError> {
        let err = |line: usize, message: String| KeymapError {
            source_name: source_name.to_owned(),
            line,
            message,
        };
        let line_of = |span: Option<std::ops::Range<usize>>| {
            span.map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            })
        };
        let doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| err(line_of(e.span()), e.message().to_owned()))?;
        for (section, table) in &doc {
            let context = [
                Context::Table,
                Context::Drill,
                Context::Help,
                Context::List,
                Context::Problems,
            ]
            .into_iter()
            .find(|c| c.section() == section)
            .ok_or_else(|| {
                err(
                    find_line(text, &format!("[{section}]")),
                    format!("unknown section [{section}] (table, drill, help, list, problems)"),
                )
            })?;
            let toml::Value::Table(entries) = table else {
                return Err(err(
                    find_line(text, section),
                    format!("{section} must be a section"),
                ));
            };
            for (key_text, action) in entries {
                let line = key_line(text, section, key_text);
                let key = Key::parse(key_text)
                    .ok_or_else(|| err(line, format!("unknown key {key_text:?}")))?;
                let toml::Value::String(name) = action else {
                    return Err(err(
                        line,
                        format!("the action of {key_text:?} must be a string"),
                    ));
                };
                if Intent::from_name(name).is_none() {
                    return Err(err(line, format!("unknown action {name:?}")));
                }
                self.bindings
                    .entry(context)
                    .or_default()
                    .insert(key, name.clone());
            }
        }
        Ok(())
    }

    /// The intent bound to a key in a screen.
    pub fn action(&self, context: Context, key: &Key) -> Option<Intent> {
        self.bindings
            .get(&context)?
            .get(key)
            .and_then(|name| Intent::from_name(name))
    }

    /// Every binding of a screen, grouped by intent in the order of `INTENTS`.
    pub fn help(&self, context: Context) -> Vec<(String, &'static str)> {
        let Some(keys) = self.bindings.get(&context) else {
            return Vec::new();
        };
        INTENTS
            .iter()
            .filter_map(|info| {
                let labels: Vec<String> = keys
                    .iter()
                    .filter(|(_, n)| n.as_str() == info.name)
                    .map(|(k, _)| k.label())
                    .collect();
                (!labels.is_empty()).then(|| (labels.join(" "), info.help))
            })
            .collect()
    }

    /// The first key bound to an intent, for the footer's hints and on-screen text.
    pub fn key_for(&self, context: Context, intent: Intent) -> Option<String> {
        let keys = self.bindings.get(&context)?;
        let mut bound: Vec<&Key> = keys
            .iter()
            .filter(|(_, n)| n.as_str() == intent.name())
            .map(|(k, _)| k)
            .collect();
        // Prefer a plain character over a named key in hints.
        bound.sort_by_key(|k| (!matches!(k.code, KeyCodeName::Char(_)), k.ctrl));
        bound.first().map(|k| k.label())
    }
}

/// The line of `key` in `[section]`: quoted (`"J" =`, `'J' =`) or bare (`zz =`, which TOML
/// allows for letters, digits, `-` and `_`); else the section's own line. A bare key was
/// never found and the error named line 1.
fn key_line(text: &str, section: &str, key: &str) -> usize {
    let header = format!("[{section}]");
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == header)
        .map_or(0, |i| i + 1);
    let is_key = |l: &str| {
        let l = l.trim_start();
        [format!("\"{key}\""), format!("'{key}'"), key.to_owned()]
            .iter()
            .any(|k| {
                l.strip_prefix(k.as_str())
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
    };
    lines[start.min(lines.len())..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with('['))
        .position(|l| is_key(l))
        .map_or(start.max(1), |i| start + i + 1)
}

fn find_line(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_override_single_keys() {
        let mut map = Keymap::default_map().expect("defaults");
        let j = Key::parse("j").expect("key");
        assert!(matches!(
            map.action(Context::Table, &j),
            Some(Intent::MoveDown)
        ));
        map.overlay("[table]\n\"j\" = \"quit\"\n", "user.toml")
            .expect("overlay");
        assert!(matches!(map.action(Context::Table, &j), Some(Intent::Quit)));
        let k = Key::parse("k").expect("key");
        assert!(matches!(
            map.action(Context::Table, &k),
            Some(Intent::MoveUp)
        ));
    }

    #[test]
    fn errors_name_the_line() {
        let mut map = Keymap::default_map().expect("defaults");
        let err = map
            .overlay(
                "[table]\n\"j\" = \"move_down\"\n\"x\" = \"fly\"\n",
                "user.toml",
            )
            .expect_err("bad action");
        assert_eq!(err.line, 3, "{err}");
        let err = map
            .overlay("[table]\n\"j\" = \n", "user.toml")
            .expect_err("bad toml");
        assert_eq!(err.line, 2, "{err}");
        let err = map
            .overlay("[tabel]\n\"j\" = \"quit\"\n", "u")
            .expect_err("bad section");
        assert_eq!(err.line, 1, "{err}");
        // Newbie: a bare (unquoted) key on line 4 was said to be on line 1.
        let err = map
            .overlay(
                "# comment\n[table]\n\"J\" = \"move_down\"\nzz = \"quit\"\n",
                "km4.toml",
            )
            .expect_err("bad key");
        assert_eq!(err.line, 4, "{err}");
        // The key of its own section, not the same text in another.
        let err = map
            .overlay("[drill]\n\"x\" = \"quit\"\n[table]\n\"x\" = \"fly\"\n", "u")
            .expect_err("bad action");
        assert_eq!(err.line, 4, "{err}");
    }
}
