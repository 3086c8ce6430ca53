//! Text typed into a prompt: the filter (applied as it is typed), a note, a search in the
//! drill-down.

use super::decide::Change;
use super::{App, Prompt};
use crate::tui::action::{Action, Intent};
use crate::tui::filter::{FilterError, parse_filter};

impl App {
    /// What is wrong with the filter being typed, if anything: shown at once in the
    /// prompt line, while the last filter that could be read (without any term naming no
    /// column) stays applied.
    pub fn prompt_error(&self) -> Option<FilterError> {
        match &self.prompt {
            Some(Prompt::Filter(input)) => parse_filter(input.value(), &self.zone()).err(),
            _ => None,
        }
    }

    /// What the prompt line says of a filter that reads well but not plainly: a local time
    /// the clocks read twice (the autumn change), whose rows at both are kept.
    pub fn prompt_note(&self) -> Option<String> {
        let Some(Prompt::Filter(input)) = &self.prompt else {
            return None;
        };
        let terms = parse_filter(input.value(), &self.zone()).ok()?;
        let repeated = |t: &crate::tui::filter::Term| match t {
            crate::tui::filter::Term::Word { span: Some(s), .. } => s.repeated,
            crate::tui::filter::Term::Column {
                test: crate::tui::filter::Test::Time(_, s),
                ..
            } => s.repeated,
            crate::tui::filter::Term::Not(inner) => matches!(
                inner.as_ref(),
                crate::tui::filter::Term::Column {
                    test: crate::tui::filter::Test::Time(_, s),
                    ..
                } if s.repeated
            ),
            _ => false,
        };
        terms.iter().any(repeated).then(|| {
            "a time read twice in local time (the clocks moved back): rows at both kept, \
             their Time with its offset (+02, +01)"
                .to_owned()
        })
    }

    /// The filter as typed so far. The cursor stays on the row it was on when the prompt
    /// opened while the filter being typed shows it, and is on the first match otherwise;
    /// erasing the filter brings it back to that row (a newcomer typed `/xyz`, pressed Esc,
    /// and the next verdict key would have gone to a row never picked). A term naming no column
    /// (`acount:ops`) is left out of what is applied, never kept as the word it was a
    /// keystroke before (`acount`): the header says the filter applied. Any other term that
    /// cannot be read leaves the last filter that could applied.
    fn apply_typed_filter(&mut self, typed: String) {
        let zone = self.zone();
        let typed = match parse_filter(&typed, &zone) {
            Ok(_) => typed,
            Err(_) => match crate::tui::filter::without_unknown_columns(&typed, &zone) {
                Some(rest) => rest,
                None => return,
            },
        };
        if typed == self.filter {
            return;
        }
        self.filter = typed;
        self.back_to_filter_origin();
    }

    /// Shows the rows again with each table's cursor on its row of when the filter prompt
    /// opened, or on the first shown row when the filter hides that row.
    fn back_to_filter_origin(&mut self) {
        self.refresh_from_top();
        let [findings, near] = self.filter_origin;
        if let Some(item) = findings {
            self.findings.cursor_to_item(item);
        }
        if let Some(item) = near {
            self.near.cursor_to_item(item);
        }
        self.scroll_into_view();
    }

    /// Keys while a prompt is open; returns true when the action was the prompt's.
    pub(super) fn apply_prompt(&mut self, action: &Action) -> bool {
        let Some(prompt) = &mut self.prompt else {
            return false;
        };
        match action {
            Action::Edit(req) => {
                let input = match prompt {
                    Prompt::Filter(i) | Prompt::Search(i) | Prompt::Note { input: i, .. } => i,
                };
                input.handle(*req);
                if let Prompt::Filter(i) = prompt {
                    let typed = i.value().to_owned();
                    self.apply_typed_filter(typed);
                }
                true
            }
            Action::Paste(text) => {
                let input = match prompt {
                    Prompt::Filter(i) | Prompt::Search(i) | Prompt::Note { input: i, .. } => i,
                };
                // A prompt is one line: a pasted line break is a space, never Enter.
                let text: String = text
                    .chars()
                    .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
                    .collect();
                let value = input.value();
                let at = value
                    .char_indices()
                    .nth(input.cursor())
                    .map_or(value.len(), |(b, _)| b);
                let joined = format!("{}{text}{}", &value[..at], &value[at..]);
                let cursor = input.cursor() + text.chars().count();
                *input = tui_input::Input::new(joined).with_cursor(cursor);
                if let Prompt::Filter(i) = prompt {
                    let typed = i.value().to_owned();
                    self.apply_typed_filter(typed);
                }
                true
            }
            Action::Submit => {
                if self.prompt_error().is_some() {
                    // Enter does not accept a filter that cannot be read: the prompt stays
                    // open with the error, the last filter that could stays applied.
                    return true;
                }
                match self.prompt.take() {
                    Some(Prompt::Filter(i)) if self.filter != i.value() => {
                        self.filter = i.value().to_owned();
                        self.refresh();
                    }
                    Some(Prompt::Filter(_)) | None => {}
                    Some(Prompt::Note {
                        input, keys, just, ..
                    }) => {
                        let note = input.value().to_owned();
                        let decided = just.then(|| (self.view, keys.clone()));
                        self.record(keys, &Change::Note(note));
                        // The note was the why of a verdict just given: the next key may
                        // still be `c` for those rows, as it could before the note.
                        if decided.is_some() {
                            self.just_decided = decided;
                        }
                    }
                    Some(Prompt::Search(i)) => self.search_drill(i.value()),
                }
                true
            }
            Action::Intent(Intent::Back) => {
                if matches!(prompt, Prompt::Filter(_)) {
                    self.filter.clear();
                    self.back_to_filter_origin();
                }
                self.prompt = None;
                true
            }
            Action::Intent(Intent::CancelOrQuit) => false,
            // Other keys are ignored while typing; messages from the edges go on.
            Action::Intent(_) => true,
            Action::Scan(_)
            | Action::LoadPlan { .. }
            | Action::Sorting
            | Action::LoadFinished { .. }
            | Action::Following { .. }
            | Action::InputHashed { .. }
            | Action::InputNotHashed { .. }
            | Action::ContextLater
            | Action::ContextProgress { .. }
            | Action::ContextRead { .. }
            | Action::Saved { .. }
            | Action::SaveFailed { .. }
            | Action::Foreign { .. }
            | Action::Copied { .. }
            | Action::CopiedToFile { .. }
            | Action::CopyFailed { .. }
            | Action::Exported { .. }
            | Action::ExportFailed { .. }
            | Action::ReportProgress { .. }
            | Action::ReportDone { .. }
            | Action::Resize { .. }
            // The answer to "quit and lose N decisions?" (asked over an open prompt after
            // Ctrl+C) is the workbench's, not the prompt's.
            | Action::QuitAnswer { .. }
            | Action::ConflictAnswer { .. }
            | Action::JournalKept { .. }
            | Action::JournalUnread { .. }
            | Action::JournalReloaded { .. }
            | Action::Tick => false,
        }
    }
}
