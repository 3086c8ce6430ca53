//! The clipboard: the system clipboard through arboard (kept alive for the whole run, as
//! X11 and Wayland need the owner to stay), and where there is no display or it fails
//! (SSH, tmux, CI), an OSC 52 escape sequence that the terminal (or tmux) takes.
//! A copy too large for OSC 52 is written beside the journal instead ([`copy_text`]).
//!
//! OSC 52 has no answer: a terminal or multiplexer that drops the sequence says nothing.
//! Each has a limit on one escape sequence, and drops (or cuts) a longer one:
//! - tmux: 1 MiB for any escape sequence (`INPUT_BUF_LIMIT` in input.c; since tmux 3.4 the
//!   `input-buffer-size` option);
//! - xterm: large (copies of 1 MB are reported to work);
//! - kitty: an escape-code size limit; longer OSC 52 texts are split and joined up to
//!   8 MB (kitty's clipboard protocol extension); before that, about 6 KB;
//! - hterm (ChromeOS, the Secure Shell extension): 100,000 bytes of base64;
//! - WezTerm and Windows Terminal: no documented limit found;
//! - others are far smaller: Tabby 1 KiB, Termux about 6 KB, mosh and older alacritty
//!   about 1 KiB.
//!
//! So above [`OSC52_SAFE_TEXT`] the text is not sent: the caller writes it to a file and
//! says where. Below it, the status says the text was sent, not that it arrived.

/// The most text (bytes, before base64) sent through OSC 52: 100,000 bytes once encoded,
/// the smallest documented limit of the common terminals (hterm) and well within tmux's.
pub const OSC52_SAFE_TEXT: usize = 74_997;

/// Why a copy did not go to the clipboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyError {
    /// The text is over [`OSC52_SAFE_TEXT`] and there is no system clipboard.
    TooLarge {
        bytes: usize,
    },
    Failed(String),
}

use std::io::Write;
use std::path::PathBuf;

use base64::Engine;

use super::action::Action;

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

    /// Copies text; returns what happened, as the status says it ("copied to the system
    /// clipboard", "sent to the terminal's clipboard (OSC 52)").
    pub fn copy(&mut self, text: &str, terminal: &mut dyn Write) -> Result<String, CopyError> {
        if let Some(cb) = &mut self.native
            && cb.set_text(text.to_owned()).is_ok()
        {
            return Ok("copied to the system clipboard".to_owned());
        }
        if text.len() > OSC52_SAFE_TEXT {
            return Err(CopyError::TooLarge { bytes: text.len() });
        }
        terminal
            .write_all(osc52(text).as_bytes())
            .and_then(|()| terminal.flush())
            .map_err(|e| CopyError::Failed(format!("writing OSC 52 to the terminal: {e}")))?;
        let via = if std::env::var_os("TMUX").is_some() {
            // tmux passes OSC 52 on to the outer terminal only with `set-clipboard` on or
            // external (the default), and keeps a buffer of it only when on: never claim a buffer.
            "sent through tmux (OSC 52, unconfirmed; needs tmux set-clipboard on or external)"
        } else {
            "sent to the terminal's clipboard (OSC 52; the terminal does not confirm)"
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

/// Writes the report whole or not at all, never through a planted link (see `write_safe`).
/// An input or the journal is never written (`write_safe::refuse_protected`).
pub(super) fn write_atomically(
    path: &std::path::Path,
    text: &str,
    protected: &[PathBuf],
) -> std::io::Result<()> {
    crate::write_safe::write_file_except(path, protected, &mut |w| w.write_all(text.as_bytes()))
}

/// Where a copy too large for OSC 52 is written instead: beside the journal.
pub fn copy_path(journal_path: &str) -> PathBuf {
    let base = journal_path.strip_suffix(".jsonl").unwrap_or(journal_path);
    PathBuf::from(format!("{base}.copy.md"))
}

/// Copies text to the clipboard, or, when it is too large for OSC 52, writes it to a file
/// beside the journal; the action says which happened.
pub(super) fn copy_text(
    clipboard: &mut Clipboard,
    text: &str,
    what: &str,
    journal_path: &str,
    protected: &[PathBuf],
) -> Action {
    let mut out = std::io::stdout();
    let result = clipboard.copy(text, &mut out);
    let _ = out.flush();
    match result {
        Ok(how) => Action::Copied {
            path: format!("{what}: {how}"),
            bytes: text.len(),
        },
        Err(CopyError::TooLarge { bytes }) => {
            let path = copy_path(journal_path);
            match write_atomically(&path, text, protected) {
                Ok(()) => Action::CopiedToFile {
                    what: what.to_owned(),
                    path: path.display().to_string(),
                    bytes,
                },
                Err(e) => Action::CopyFailed {
                    error: format!(
                        "{what} ({bytes} bytes) is too large for the terminal's clipboard, and was not written: {e}"
                    ),
                },
            }
        }
        Err(CopyError::Failed(error)) => Action::CopyFailed { error },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_wraps_base64() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn text_over_the_safe_size_is_never_sent() {
        let mut cb = Clipboard { native: None };
        let mut out = Vec::new();
        let at_limit = "x".repeat(OSC52_SAFE_TEXT);
        assert!(cb.copy(&at_limit, &mut out).is_ok());
        assert!(osc52(&at_limit).len() <= 100_000 + 8);
        out.clear();
        let over = "x".repeat(OSC52_SAFE_TEXT + 1);
        assert_eq!(
            cb.copy(&over, &mut out),
            Err(CopyError::TooLarge {
                bytes: OSC52_SAFE_TEXT + 1
            })
        );
        assert!(out.is_empty(), "nothing written to the terminal");
    }
}
