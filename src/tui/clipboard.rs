//! The clipboard: the system clipboard through arboard (kept alive for the whole run, as
//! X11 and Wayland need the owner to stay), and where there is no display or it fails
//! (SSH, tmux, CI), an OSC 52 escape sequence that the terminal (or tmux) takes.

use std::io::Write;

use base64::Engine;

pub struct Clipboard {
    native: Option<arboard::Clipboard>,
}

impl Clipboard {
    pub fn new() -> Self {
        let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
        let native = if has_display {
            arboard::Clipboard::new().ok()
        } else {
            None
        };
        Self { native }
    }

    /// Copies text; returns the path used ("system clipboard", "OSC 52").
    pub fn copy(&mut self, text: &str, terminal: &mut dyn Write) -> Result<String, String> {
        if let Some(cb) = &mut self.native
            && cb.set_text(text.to_owned()).is_ok()
        {
            return Ok("the system clipboard".to_owned());
        }
        terminal
            .write_all(osc52(text).as_bytes())
            .and_then(|()| terminal.flush())
            .map_err(|e| format!("writing OSC 52 to the terminal: {e}"))?;
        let via = if std::env::var_os("TMUX").is_some() {
            "OSC 52 (tmux buffer)"
        } else {
            "OSC 52 (terminal)"
        };
        Ok(via.to_owned())
    }
}

impl Default for Clipboard {
    fn default() -> Self {
        Self::new()
    }
}

/// The OSC 52 sequence that sets the clipboard to `text`. Its payload is base64, so
/// nothing in the text can end the sequence early.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_wraps_base64() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
