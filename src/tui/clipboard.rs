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
        let via = if std::env::var_os("TMUX").is_some() {
            through_tmux(tmux_set_clipboard().as_deref())?
        } else {
            "sent to the terminal's clipboard (OSC 52; the terminal does not confirm)"
        };
        terminal
            .write_all(osc52(text).as_bytes())
            .and_then(|()| terminal.flush())
            .map_err(|e| CopyError::Failed(format!("writing OSC 52 to the terminal: {e}")))?;
        Ok(via.to_owned())
    }
}

/// The tmux server's `set-clipboard` option (`tmux show -gv set-clipboard`, the server of
/// `$TMUX`): `on`, `external`, `off`; `None` when tmux cannot be asked.
fn tmux_set_clipboard() -> Option<String> {
    let out = std::process::Command::new("tmux")
        .args(["show", "-gv", "set-clipboard"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// What an OSC 52 copy inside tmux does, by tmux's `set-clipboard` (tmux(1)): `on` keeps it
/// as tmux's newest paste buffer and passes it on to the terminal; `external` passes it on
/// only; `off` drops it, so nothing is sent and nothing claimed. Unknown (tmux not asked):
/// said so.
pub fn through_tmux(set_clipboard: Option<&str>) -> Result<&'static str, CopyError> {
    match set_clipboard {
        Some("on") => Ok(
            "sent through tmux into its paste buffer (set-clipboard on) and on to the terminal's clipboard (OSC 52; the terminal does not confirm)",
        ),
        Some("external") => Ok(
            "sent through tmux to the terminal's clipboard (OSC 52, set-clipboard external: no tmux buffer; the terminal does not confirm)",
        ),
        Some("off") => Err(CopyError::Failed(
            "tmux's set-clipboard is off: tmux drops the clipboard sequence (OSC 52), nothing was copied; tmux set -g set-clipboard on".to_owned(),
        )),
        _ => Ok(
            "sent through tmux (OSC 52; tmux's set-clipboard could not be read: tmux passes it on only when on or external)",
        ),
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
/// An input or the journal is never written (`write_safe::refuse_protected`). Only names
/// the workbench picks come here (`<journal>.report.md`, `<journal>.copy.md`): a link
/// there is refused, whatever it points to (`write_safe::refuse_link`).
pub(super) fn write_atomically(
    path: &std::path::Path,
    text: &str,
    protected: &[PathBuf],
) -> std::io::Result<()> {
    crate::write_safe::refuse_link(path)?;
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
    fn inside_tmux_the_status_says_what_its_set_clipboard_does() {
        let on = through_tmux(Some("on")).unwrap();
        assert!(on.contains("paste buffer") && !on.contains("needs"), "{on}");
        let external = through_tmux(Some("external")).unwrap();
        assert!(external.contains("no tmux buffer"), "{external}");
        // Off: tmux drops the sequence; nothing is claimed.
        assert!(
            matches!(through_tmux(Some("off")), Err(CopyError::Failed(m)) if m.contains("nothing was copied"))
        );
        assert!(through_tmux(None).unwrap().contains("could not be read"));
    }

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

    /// Breaker #11: a `y`/`Y` too large for OSC 52 goes to `<journal>.copy.md`; a link
    /// planted there to an existing file is refused, and the file keeps its bytes.
    #[cfg(unix)]
    #[test]
    fn a_large_copy_never_writes_through_a_planted_link() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "ORIGINAL").unwrap();
        let journal = dir.path().join("j.jsonl").display().to_string();
        std::os::unix::fs::symlink(&victim, copy_path(&journal)).unwrap();
        let mut cb = Clipboard { native: None };
        let text = "x".repeat(OSC52_SAFE_TEXT + 1);
        let action = copy_text(&mut cb, &text, "the findings report", &journal, &[]);
        let Action::CopyFailed { error } = action else {
            panic!("refused: {action:?}")
        };
        assert!(error.contains("is a link to"), "{error}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "ORIGINAL");
    }
}
