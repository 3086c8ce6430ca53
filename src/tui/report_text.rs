//! The findings report the workbench writes (`E`, `Y`): the same Markdown as `sts-triage
//! report`, with the journal as this workbench has applied it, and a PARTIAL LOAD banner when
//! the load is not complete.

use super::action::Action;
use super::app::App;
use crate::journal::Journal;

/// The findings report of the workbench's state, as `sts-triage report` writes it (the
/// input files are hashed here, at the edge).
pub fn report_markdown(app: &App) -> String {
    // As `report` says it: a journal not created yet (no decision made) is "not found".
    let found = std::path::Path::new(&app.journal_path).exists();
    let ctx = crate::report::ReportContext::new(&app.report, &app.journal_path, found)
        .with_hints(app.hint_config);
    markdown_of(app, ctx)
}

/// The Markdown report with `ctx`; a report made before the load is complete (still
/// loading, or stopped by the analyst) says so first, from the same state the header shows
/// (`App::load_gaps`), and the hash of a file read in part is labelled as the whole file's,
/// which the findings do not cover.
fn markdown_of(app: &App, mut ctx: crate::report::ReportContext) -> String {
    let Some(gaps) = app.load_gaps() else {
        return crate::report::markdown_report(&app.report, &app.decisions, &ctx);
    };
    if let Some((name, read, size, _)) = &gaps.cut.file
        && let Some(hash) = ctx.hashes.get_mut(name)
        && let crate::report::FileHash::Sha256(h) = hash.clone()
    {
        *hash = crate::report::FileHash::Unavailable(format!(
            "read in part, to about byte {read} of {size}: the whole file's SHA-256 is {h}, which the findings do not cover"
        ));
    }
    let text = crate::report::markdown_report(&app.report, &app.decisions, &ctx);
    let mut banner = format!(
        "> **PARTIAL LOAD.** {}. The findings below cover only what was read.\n",
        crate::neutralize::markdown_inline(&gaps.describe())
    );
    // Every file the load was to read, and how far it was read.
    let mut names: Vec<&String> = gaps.cut.unread.iter().collect();
    if let Some((name, ..)) = &gaps.cut.file {
        names.insert(0, name);
    }
    for name in names {
        let how = if gaps.cut.file.as_ref().is_some_and(|f| &f.0 == name) {
            "read in part"
        } else {
            "not read"
        };
        banner.push_str(&format!(
            ">\n> - {} ({how})\n",
            crate::neutralize::markdown_inline(name)
        ));
    }
    banner.push('\n');
    match text.find("\n\n") {
        Some(i) => format!("{}{banner}{}", &text[..i + 2], &text[i + 2..]),
        None => format!("{banner}{text}"),
    }
}

/// The report of `Y` and `E`: first what other workbenches appended is read and applied,
/// then the report names the journal as this workbench has applied it (entries and head),
/// so that `sts-triage verify` finds the report's decisions in the journal. Before the
/// first decision there is no journal: the report says it was not found, as `report` does.
pub fn report_of_journal(app: &mut App, journal: Option<&mut Journal>) -> String {
    let Some(journal) = journal else {
        return report_markdown(app);
    };
    read_foreign(app, journal);
    let found = journal.path().exists();
    let ctx = crate::report::ReportContext::new(&app.report, &app.journal_path, found)
        .with_journal_chain(journal.entries(), journal.head().map(str::to_owned))
        .with_hints(app.hint_config);
    markdown_of(app, ctx)
}

/// What other workbenches appended to the journal since it was last read, applied to the
/// state (before `Y`/`E`, and before an undo or redo, which must see the row's decision as
/// the journal now has it: another analyst's later verdict is never silently undone).
pub fn read_foreign(app: &mut App, journal: &mut Journal) {
    if journal.refresh().is_ok() {
        let foreign = journal.take_foreign();
        if !foreign.is_empty() {
            app.apply(Action::Foreign {
                entries: foreign,
                own: Vec::new(),
                now: chrono::Utc::now(),
            });
        }
    }
}
