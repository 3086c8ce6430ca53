//! The table's keys that do not decide anything: moving, sorting, filtering, switching
//! views; and recomputing what the table shows. Page sizes come from the shared layout.

use tui_input::Input;

use super::{App, Overlay, Prompt, View, report_path};
use crate::hints::{self, Hint};
use crate::journal::Verdict;
use crate::tui::action::Intent;
use crate::tui::columns::{Column, finding};
use crate::tui::filter::{Zone, parse_filter, resolve};
use crate::tui::items::FlagWhy;
use crate::tui::table::{Shown, TableState};

impl App {
    /// The zone times are shown in, and filter terms read in.
    pub fn zone(&self) -> Zone {
        if self.local_time {
            Zone::Local(self.local_zone.clone())
        } else {
            Zone::Utc
        }
    }

    /// Rows of the table drawn at once (from the layout the renderer uses).
    pub fn page_rows(&self) -> usize {
        self.page_rows_of(self.table())
    }

    /// Rows of `table` drawn at once: its rows may take two lines each
    /// ([`crate::tui::alike::lines_per_row`]).
    pub fn page_rows_of(&self, table: &TableState) -> usize {
        let areas = self.areas();
        let lines = crate::tui::alike::lines_per_row(table, areas.body.width);
        (areas.table_rows() / lines).max(1)
    }

    pub(super) fn apply_table(&mut self, intent: Intent) {
        let page = i64::try_from(self.page_rows()).unwrap_or(1);
        match intent {
            Intent::MoveDown => self.move_cursor(1),
            Intent::MoveUp => self.move_cursor(-1),
            Intent::PageDown => self.move_cursor(page),
            Intent::PageUp => self.move_cursor(-page),
            Intent::Top => self.move_cursor(i64::MIN / 2),
            Intent::Bottom => self.move_cursor(i64::MAX / 2),
            Intent::FocusLeft => self.step_focus(false),
            Intent::FocusRight => self.step_focus(true),
            Intent::Sort => {
                // The focus is always on a drawn column (see `snap_focus`): the analyst
                // sees the column the rows are sorted by.
                self.snap_focus();
                self.table_mut().sort_by_focus();
                self.refresh();
            }
            Intent::StartFilter => {
                self.filter_origin = [self.findings.current(), self.near.current()];
                self.prompt = Some(Prompt::Filter(Input::new(self.filter.clone())));
            }
            Intent::CycleVerdictFilter => {
                self.verdict_filter = self.verdict_filter.next();
                self.findings.forget_narrowed();
                self.near.forget_narrowed();
                self.refresh();
            }
            Intent::MarkSuspicious => self.mark(Verdict::Suspicious),
            Intent::MarkLegitimate => self.mark(Verdict::Legitimate),
            Intent::MarkUnreviewed => self.mark(Verdict::Unreviewed),
            Intent::EditNote => self.start_note(),
            Intent::ToggleSelect => {
                let t = self.table_mut();
                if let Some(item) = t.current()
                    && !t.selected.remove(&item)
                {
                    t.selected.insert(item);
                }
                self.selection_changed();
                self.move_cursor(1);
            }
            Intent::Undo => self.undo_redo(true),
            Intent::Redo => self.undo_redo(false),
            Intent::NextUnreviewed => self.jump_unreviewed(true),
            Intent::PrevUnreviewed => self.jump_unreviewed(false),
            Intent::CopyRows => self.copy_rows(),
            // The report is made by the shell off the key path (`tui::report_job`); the
            // status says how far it is.
            Intent::CopyReport => self.start_report(None),
            Intent::ExportReport => self.start_report(Some(report_path(&self.journal_path))),
            Intent::Open => self.open_drill(),
            Intent::ToggleNearMisses => {
                self.view = match self.view {
                    View::Findings => View::NearMisses,
                    View::NearMisses => View::Findings,
                };
                self.refresh();
            }
            Intent::Help => self.open_help(),
            Intent::Problems => self.open_problems(),
            Intent::Pivot => self.open_pivot(),
            Intent::ClassifyLike => self.open_bulk(),
            Intent::ToggleLocalTime => {
                self.local_time = !self.local_time;
                let zone = self.zone();
                // The same filter text reads its times in the new zone: filter afresh.
                self.findings.forget_narrowed();
                self.near.forget_narrowed();
                self.refresh();
                match parse_filter(&self.filter, &zone) {
                    // A TZ that names no zone: said, and the times stay UTC.
                    _ if self.local_time && self.local_zone.notice().is_some() => {
                        let said = self.local_zone.notice().unwrap_or_default().to_owned();
                        self.set_status(said);
                    }
                    Ok(_) if self.filter.is_empty() => {
                        self.set_status(format!("times in {}", zone.label()));
                    }
                    Ok(_) => self.set_status(format!(
                        "times in {}, and the filter's times read in it",
                        zone.label()
                    )),
                    Err(e) => self.set_error(format!(
                        "times in {}; the filter is not applied: {e}",
                        zone.label()
                    )),
                }
            }
            Intent::Back => {
                if self.pivot_filter.is_some() {
                    self.pivot_filter = None;
                    self.findings.forget_narrowed();
                    self.near.forget_narrowed();
                    self.refresh();
                } else if !self.filter.is_empty() {
                    self.filter.clear();
                    self.refresh();
                } else if !self.table().selected.is_empty() {
                    self.table_mut().selected.clear();
                    self.selection_changed();
                } else if self.view == View::NearMisses {
                    self.view = View::Findings;
                    self.refresh();
                }
            }
            Intent::Quit => self.request_quit(),
            Intent::CancelOrQuit => self.cancel_or_quit(),
            _ => {}
        }
    }

    pub(super) fn move_cursor(&mut self, delta: i64) {
        let page = self.page_rows();
        self.table_mut().move_cursor(delta, page);
    }

    /// Indexes (in the table's columns) of the columns drawn at the current width: the
    /// only ones focus, sorting and the frequency view can reach.
    pub fn drawn_columns(&self, table: &TableState) -> Vec<usize> {
        table
            .fit(self.areas().body.width)
            .into_iter()
            .map(|(i, _)| i)
            .collect()
    }

    /// Moves the focus to the next drawn column to the right (or left), skipping the
    /// columns a narrow screen hides.
    fn step_focus(&mut self, right: bool) {
        let drawn = self.drawn_columns(self.table());
        let t = self.table_mut();
        let next = if right {
            drawn.iter().copied().find(|&c| c > t.focus)
        } else {
            drawn.iter().rev().copied().find(|&c| c < t.focus)
        };
        if let Some(c) = next {
            t.focus = c;
        }
    }

    /// Puts each table's focus on a drawn column (the nearest to its left, else the first)
    /// after the screen narrowed or the view changed.
    fn snap_focus(&mut self) {
        for view in [View::Findings, View::NearMisses] {
            let table = match view {
                View::Findings => &self.findings,
                View::NearMisses => &self.near,
            };
            let drawn = self.drawn_columns(table);
            let focus = table.focus;
            if drawn.contains(&focus) {
                continue;
            }
            let snapped = drawn
                .iter()
                .rev()
                .copied()
                .find(|&c| c < focus)
                .or_else(|| drawn.first().copied());
            if let Some(c) = snapped {
                match view {
                    View::Findings => self.findings.focus = c,
                    View::NearMisses => self.near.focus = c,
                }
            }
        }
    }

    /// Keeps the highlighted row (and the drill-down's cursor line) among those drawn, and
    /// the focused column among the columns drawn.
    pub(super) fn scroll_into_view(&mut self) {
        self.snap_focus();
        let areas = self.areas();
        let (findings, near) = (
            self.page_rows_of(&self.findings),
            self.page_rows_of(&self.near),
        );
        self.findings.scroll_into_view(findings);
        self.near.scroll_into_view(near);
        let why_max = self.why_max_scroll();
        if let Overlay::Drill(d) = &mut self.overlay {
            let cursor = i64::try_from(d.cursor).unwrap_or(0);
            d.move_to(cursor, areas.event_lines());
            d.why_scroll = d.why_scroll.min(why_max);
            if let Some(panel) = d.context.as_deref_mut() {
                panel.offset = panel.first_drawn(areas.context_rows());
            }
        }
        self.refresh_problems(true);
    }

    fn jump_unreviewed(&mut self, forward: bool) {
        self.finish_filter();
        let t = self.table();
        let n = t.order.len();
        if n == 0 {
            return;
        }
        let found = (1..=n).find_map(|step| {
            let pos = if forward {
                (t.cursor + step) % n
            } else {
                (t.cursor + n - step % n) % n
            };
            let key = &t.items[t.order[pos]].key;
            (self.decision(key).verdict == Verdict::Unreviewed).then_some(pos)
        });
        match found {
            Some(pos) => {
                self.table_mut().set_cursor(pos);
                self.scroll_into_view();
            }
            None => self.set_status("no unreviewed row left".to_owned()),
        }
    }

    /// Recomputes the shown rows of both tables: filter, verdict filter, sort. The cursor
    /// stays on the same item when it is still shown. Sorting happens only when the rows
    /// or the sort changed; a filter that narrows an earlier one filters its result.
    ///
    /// While a load runs, a key's refresh leaves the work that reads every event (rows'
    /// text, hints, histogram) to the next `Tick`, so that the key is answered first.
    pub fn refresh(&mut self) {
        self.refresh_with(false, self.loading.done);
    }

    /// Recomputes the shown rows and puts the cursor on the first.
    pub(super) fn refresh_from_top(&mut self) {
        self.refresh_with(true, self.loading.done);
    }

    /// `catch_up`: first make again what the load changed (rows' text, hints, histogram).
    pub(super) fn refresh_with(&mut self, from_top: bool, catch_up: bool) {
        use crate::tui::frame_log::note;
        use std::time::Instant;
        if catch_up {
            self.dirty = false;
            let t = Instant::now();
            let remade = self.flush_arrivals();
            note("rows' text", t);
            // Both read every event: while a load runs, not every frame (see `hints_due`).
            if self.hints_stale && self.hints_due() {
                let t = Instant::now();
                self.recompute_hints();
                self.hints_made();
                note("hint pass start", t);
            }
            if remade && self.hint_budget.is_some() && self.histogram_due() {
                // The histogram reads every event: in a frame of its own, not after a
                // slice of rows' text (the event loop; the tests want both at once).
                self.dirty = true;
            } else if self.histogram_due() {
                let t = Instant::now();
                self.recompute_histogram();
                note("histogram", t);
            }
        }
        let t = Instant::now();
        self.each_table(
            |table, shown| {
                table.reorder(shown);
                true
            },
            from_top,
        );
        note("reorder", t);
        let t = Instant::now();
        self.step_filters();
        note("filter step", t);
    }

    /// Runs `f` on each table with what decides its shown rows, the table on screen first.
    fn each_table(&mut self, mut f: impl FnMut(&mut TableState, &Shown) -> bool, from_top: bool) {
        let zone = self.zone();
        // The applied filter always read when it was applied; a zone change can make a
        // time that named an instant name none (a skipped local hour): said by the toggle.
        let terms = parse_filter(&self.filter, &zone).unwrap_or_default();
        let views = match self.view {
            View::Findings => [View::Findings, View::NearMisses],
            View::NearMisses => [View::NearMisses, View::Findings],
        };
        for view in views {
            let table = match view {
                View::Findings => &mut self.findings,
                View::NearMisses => &mut self.near,
            };
            let resolved = resolve(&terms, table.columns);
            let pivot = self.pivot_filter.as_ref().map(|(column, value)| {
                (
                    crate::tui::columns::position(table.columns, *column),
                    value.as_str(),
                )
            });
            let go_on = f(
                table,
                &Shown {
                    filter: &self.filter,
                    terms: &resolved,
                    zone: &zone,
                    verdicts: self.verdict_filter,
                    pivot,
                    decisions: &self.decisions,
                    from_top,
                },
            );
            if !go_on {
                break;
            }
        }
    }

    /// What hides rows of the table on screen, as the screen says it (`filter`, `view
    /// "unreviewed"`, `frequency value`, joined with `, `); None when every row is shown.
    pub(super) fn narrowed_by(&self) -> Option<String> {
        let mut by = Vec::new();
        if !self.filter.is_empty() {
            by.push("filter".to_owned());
        }
        if self.pivot_filter.is_some() {
            by.push("frequency value".to_owned());
        }
        if self.verdict_filter != crate::tui::table::VerdictFilter::All {
            by.push(format!("view \"{}\"", self.verdict_filter.label()));
        }
        (!by.is_empty()).then(|| by.join(", "))
    }

    /// Why rows of the table on screen are hidden, as an undo says it: `the view
    /// "unreviewed"` when the verdict view leaves out each of them, `the filter` when the
    /// filter (or a frequency value) does; both when some are hidden by each (newbie13 #6:
    /// an undo in the "unreviewed" view said `hidden by the filter`).
    pub(super) fn hidden_by(&self, keys: &[String]) -> String {
        let view = self.verdict_filter;
        let view_words = format!("the view \"{}\"", view.label());
        let filtered = !self.filter.is_empty() || self.pivot_filter.is_some();
        if view == crate::tui::table::VerdictFilter::All {
            return "the filter".to_owned();
        }
        if !filtered {
            return view_words;
        }
        let by_view = |k: &String| !view.admits(self.decision(k).verdict);
        if keys.iter().all(by_view) {
            view_words
        } else if keys.iter().any(by_view) {
            format!("the filter or {view_words}")
        } else {
            "the filter".to_owned()
        }
    }

    /// Whether a filter is still being applied to either table.
    pub fn filtering(&self) -> bool {
        self.findings.filtering().is_some() || self.near.filtering().is_some()
    }

    /// One slice of the filters being applied: at most `filter_step` rows tested, the
    /// table on screen first (a keystroke is answered before every row is tested).
    pub(super) fn step_filters(&mut self) {
        let mut left = self.filter_step.max(1);
        self.each_table(
            |table, shown| {
                left -= table.step(shown, left);
                left > 0
            },
            false,
        );
        self.scroll_into_view();
    }

    /// Finishes the filter being applied to the table on screen (what reads all its shown
    /// rows: the frequency view, the next unreviewed row).
    pub(super) fn finish_filter(&mut self) {
        self.each_table(
            |table, shown| {
                table.finish(shown);
                false
            },
            false,
        );
        self.scroll_into_view();
    }

    /// The hint badges of every flagged row (an actor's novelty depends on all the data,
    /// so this runs again whenever rows arrive): a pass over the events, made at once, or a
    /// slice a frame when [`App::hint_budget`] is set (the screen answers keys meanwhile
    /// and says that the hints are being made; the rows keep the hints they had until the
    /// pass ends, and the drill-down makes its row's hints on demand).
    fn recompute_hints(&mut self) {
        self.hints_stale = false;
        let pass = hints::RowHintsPass::new(&self.report, self.hint_config);
        // The tables of the pass before are not this report's: until this pass has made
        // its own, a row's hints are those last made (`App::hints_of`).
        self.arrivals.tables = None;
        // A pass on its own thread over the report before stops.
        self.hints_job = None;
        self.arrivals.pass = Some(pass);
        if self.hint_budget.is_none() {
            self.step_hints();
        }
    }

    /// Goes on with the pass under way: to its end, or for about [`App::hint_budget`];
    /// at its end every row's hints are shown. Once the load is done, the event loop's
    /// pass goes to a thread of its own instead ([`App::hints_off_thread`]).
    pub(super) fn step_hints(&mut self) {
        if self.hints_go_off_thread() {
            self.start_hints_job();
        }
        let Some(mut pass) = self.arrivals.pass.take() else {
            return;
        };
        let t = std::time::Instant::now();
        let done = pass.step(&self.report, self.hint_budget);
        if self.arrivals.tables.is_none() {
            self.arrivals.tables = pass.tables();
            if self.arrivals.tables.is_some() {
                crate::tui::frame_log::note("hint pass: the slice that made its tables", t);
            }
        }
        if !done {
            self.arrivals.pass = Some(pass);
            return;
        }
        let t = std::time::Instant::now();
        let made = pass.finish(&self.report);
        self.rows_hints_made(made, None);
        crate::tui::frame_log::note("hint pass: its end", t);
    }

    /// A pass's hints shown: each flagged row's Hints column and ⚠ mark, and the ⚠ of the
    /// near misses that look like another principal (`near_lookalikes`: their places, as
    /// the pass's thread found them; None: found here).
    pub(super) fn rows_hints_made(
        &mut self,
        made: Vec<Vec<Hint>>,
        near_lookalikes: Option<Vec<usize>>,
    ) {
        let col = finding(Column::Hint);
        let flag = finding(Column::Flag);
        let mut changed = false;
        for (item, hints) in self.findings.items.iter_mut().zip(&made) {
            // A principal that looks like another of the loaded data, or an event id read
            // with other content elsewhere, is marked ⚠ as the row's strings are (its hint
            // says which and why).
            for h in hints {
                match h {
                    Hint::Lookalike { .. } => changed |= item.mark(flag, FlagWhy::LOOKALIKE),
                    Hint::Conflict { .. } => changed |= item.mark(flag, FlagWhy::CONFLICT),
                    _ => {}
                }
            }
            let badges = hints.iter().map(Hint::badge).collect::<Vec<_>>().join(" ");
            if item.cells[col] != *badges.as_str()
                || item.numbers[col] != i64::try_from(hints.len()).ok()
            {
                item.cells.set(col, &badges);
                item.numbers[col] = i64::try_from(hints.len()).ok();
                changed = true;
            }
        }
        self.arrivals.hints = made;
        self.hints_generation += 1;
        changed |= self.mark_near_miss_lookalikes(near_lookalikes);
        if changed {
            self.findings.texts_changed();
            // The rows are ordered and filtered again with their new hints.
            self.dirty |= self.hint_budget.is_some();
        }
    }

    /// The near misses whose principal looks like another of the loaded data (the
    /// `lookalike` hint the report gives them: another principal's look-alike, one display
    /// name on several object ids, a name that is another's UPN, an app named like a
    /// user) are marked ⚠ as the rows are, once the hints' tables are made
    /// (`hints_job::near_lookalikes_of`, unless `found` gives their places); so are those
    /// whose event id another record carries with other content (`conflict`, as the
    /// problems view, the drill-down and the report say: newbie 13b, finding 2). True when
    /// a mark was added.
    fn mark_near_miss_lookalikes(&mut self, found: Option<Vec<usize>>) -> bool {
        let found = match found {
            Some(found) => found,
            None => match self.arrivals.tables.clone() {
                Some(tables) => super::hints_job::near_lookalikes_of(&self.report, &tables),
                None => return false,
            },
        };
        let flag = crate::tui::columns::near_miss(Column::Flag);
        let mut changed = false;
        for place in found {
            if let Some(item) = self.near.items.get_mut(place) {
                changed |= item.mark(flag, FlagWhy::LOOKALIKE);
            }
        }
        if !self.report.id_conflicts.is_empty() {
            let ids: std::collections::HashSet<&str> = self
                .report
                .id_conflicts
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            for (place, &event) in self.report.near_misses.iter().enumerate() {
                let conflicting = self
                    .report
                    .events
                    .get(event)
                    .is_some_and(|e| !e.id.is_empty() && ids.contains(e.id.as_str()));
                if conflicting && let Some(item) = self.near.items.get_mut(place) {
                    changed |= item.mark(flag, FlagWhy::CONFLICT);
                }
            }
        }
        if changed {
            self.near.texts_changed();
        }
        changed
    }

    /// Whether a row's hints are made as the pass under way will make them: no pass runs,
    /// or it has made the tables they read (its first stage). Until then the drill-down
    /// shows each row's hints as last made ([`App::hints_of`]).
    pub fn hint_tables_made(&self) -> bool {
        (self.arrivals.pass.is_none() && self.hints_job.is_none()) || self.arrivals.tables.is_some()
    }

    /// How far the pass making the rows' hints is, while one is under way: (done, of).
    pub fn hints_progress(&self) -> Option<(usize, usize)> {
        match &self.hints_job {
            Some(job) => Some(job.progress()),
            None => self
                .arrivals
                .pass
                .as_ref()
                .map(hints::RowHintsPass::progress),
        }
    }
}
