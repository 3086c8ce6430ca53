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
//! says where. Below it, the status says only what happened: the sequence was written to
//! the terminal (or to tmux, and what tmux does with it), which may or may not take it;
//! never that it arrived. Inside a tmux session no terminal is attached to (a detached
//! session), nothing can take it: said so, and with tmux keeping no buffer
//! (`set-clipboard external`), nothing is sent (breaker12 #11).

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
    /// clipboard", "OSC 52 written to the terminal: …").
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
            through_tmux(tmux_set_clipboard().as_deref(), tmux_attached())?
        } else {
            TO_TERMINAL
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

/// Whether a terminal is attached to the tmux session this pane is in
/// (`tmux display -p -t $TMUX_PANE '#{session_attached}'`); `None` when tmux cannot be asked.
fn tmux_attached() -> Option<bool> {
    let mut cmd = std::process::Command::new("tmux");
    cmd.arg("display").arg("-p");
    if let Some(pane) = std::env::var_os("TMUX_PANE") {
        cmd.arg("-t").arg(pane);
    }
    let out = cmd
        .arg("#{session_attached}")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let clients: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    out.status.success().then_some(clients > 0)
}

/// What the status says of an OSC 52 copy outside tmux: written, and no more (the terminal
/// never answers whether it took it).
pub const TO_TERMINAL: &str = "OSC 52 written to the terminal, which may or may not put it on its clipboard (it never answers)";

/// What an OSC 52 copy inside tmux does, by tmux's `set-clipboard` (tmux(1)) and whether a
/// terminal is attached to the session (`attached`; None: tmux not asked): `on` keeps it as
/// tmux's newest paste buffer and passes it on to an attached terminal; `external` passes
/// it on only, so with no terminal attached nothing can take it and nothing is sent; `off`
/// drops it, so nothing is sent and nothing claimed. Unknown (tmux not asked): said so. The
/// words say what was written where, never that it reached a clipboard; what the analyst
/// must know (where the copy is, or the way out of a failure) comes first, as an 80-column
/// status line cuts the end (newbie13b #4: `copy failed: no terminal is attached to this
/// tmux session, and its set-clipboar…` hid the way out).
pub fn through_tmux(
    set_clipboard: Option<&str>,
    attached: Option<bool>,
) -> Result<&'static str, CopyError> {
    match (set_clipboard, attached) {
        (Some("on"), Some(false)) => Ok(
            "only tmux's newest paste buffer has it: no terminal is attached to this tmux session (OSC 52 written to tmux, set-clipboard on)",
        ),
        (Some("on"), _) => Ok(
            "in tmux's newest paste buffer, and passed on to the terminal, which may or may not take it (OSC 52 written to tmux, set-clipboard on)",
        ),
        (Some("external"), Some(false)) => Err(CopyError::Failed(
            "attach, or tmux set -g set-clipboard on, and copy again (no terminal is attached to this tmux session, and its set-clipboard external keeps no tmux buffer: nothing was copied)".to_owned(),
        )),
        (Some("external"), _) => Ok(
            "passed on to the terminal, which may or may not take it; no tmux buffer (OSC 52 written to tmux, set-clipboard external)",
        ),
        (Some("off"), _) => Err(CopyError::Failed(
            "tmux set -g set-clipboard on, and copy again (tmux's set-clipboard is off: tmux drops the clipboard sequence, OSC 52, so nothing was copied)".to_owned(),
        )),
        _ => Ok(
            "OSC 52 written to tmux, which passes it on only when its set-clipboard is on or external (it could not be read)",
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
        let on = through_tmux(Some("on"), Some(true)).unwrap();
        assert!(on.starts_with("in tmux's newest paste buffer"), "{on}");
        let external = through_tmux(Some("external"), Some(true)).unwrap();
        assert!(external.contains("no tmux buffer"), "{external}");
        // Off: tmux drops the sequence; nothing is claimed.
        assert!(
            matches!(through_tmux(Some("off"), Some(true)), Err(CopyError::Failed(m)) if m.contains("nothing was copied"))
        );
        assert!(
            through_tmux(None, None)
                .unwrap()
                .contains("could not be read")
        );
    }

    /// Breaker12 #11: in a detached tmux session (no terminal attached) a copy said it was
    /// sent to the terminal's clipboard. Now every answer says what was written where, and
    /// none that a clipboard got it: with no terminal attached, `external` (no tmux buffer)
    /// copies nothing and says so; `on` says the buffer has it and no terminal does.
    #[test]
    fn a_copy_claims_no_clipboard_and_a_detached_session_is_said() {
        let mut said = vec![TO_TERMINAL];
        for set in [Some("on"), Some("external"), None] {
            for attached in [Some(true), Some(false), None] {
                if let Ok(how) = through_tmux(set, attached) {
                    said.push(how);
                }
            }
        }
        for how in &said {
            // What was written where, always.
            assert!(
                how.contains("OSC 52 written to tmux") || how.starts_with("OSC 52 written to"),
                "{how}"
            );
            assert!(!how.contains("sent to the terminal's clipboard"), "{how}");
        }
        let detached = through_tmux(Some("on"), Some(false)).unwrap();
        assert!(
            detached.starts_with("only tmux's newest paste buffer has it: no terminal"),
            "{detached}"
        );
        assert!(matches!(through_tmux(Some("external"), Some(false)),
                Err(CopyError::Failed(m)) if m.contains("no terminal is attached") && m.contains("nothing was copied")));
        // Attached: the terminal may or may not take it.
        let attached = through_tmux(Some("external"), Some(true)).unwrap();
        assert!(attached.contains("may or may not take it"), "{attached}");
    }

    /// Newbie13b #4: at 60 and 80 columns the status line (`copy failed: ` or `1 row: `
    /// and the words) shows the way out of a failed copy and where a copy went, before
    /// the cut.
    #[test]
    fn the_way_out_and_where_the_copy_went_come_first() {
        use unicode_width::UnicodeWidthStr;
        let fits = |status: String, part: &str, width: usize| {
            let at = status.find(part).unwrap_or(usize::MAX);
            assert!(
                at != usize::MAX && status[..at + part.len()].width() <= width,
                "{part:?} not within {width} columns of {status:?}"
            );
        };
        for width in [60, 80] {
            let Err(CopyError::Failed(external)) = through_tmux(Some("external"), Some(false))
            else {
                panic!()
            };
            fits(
                format!("copy failed: {external}"),
                "tmux set -g set-clipboard on",
                width,
            );
            let Err(CopyError::Failed(off)) = through_tmux(Some("off"), Some(false)) else {
                panic!()
            };
            fits(
                format!("copy failed: {off}"),
                "tmux set -g set-clipboard on",
                width,
            );
            let on = through_tmux(Some("on"), Some(false)).unwrap();
            fits(
                format!("3 rows: {on}"),
                "only tmux's newest paste buffer has it",
                width,
            );
        }
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
