//! The screens as drawn (insta snapshots, colour on).

use super::*;

fn snap(app: &App, w: u16, h: u16) -> String {
    text(&screen(app, w, h, true))
}

#[test]
fn table() {
    let app = sized(app(), 80, 24);
    insta::assert_snapshot!("table_80x24", snap(&app, 80, 24));
    let app = sized(super::app(), 160, 45);
    insta::assert_snapshot!("table_160x45", snap(&app, 160, 45));
}

#[test]
fn sorted_and_filtered() {
    let mut app = sized(app(), 160, 45);
    app.apply(Action::Intent(Intent::Sort));
    insta::assert_snapshot!("sorted_by_account_160x45", snap(&app, 160, 45));
    keys(&mut app, "/ip:203.0 !bob");
    insta::assert_snapshot!("filtering_80x24", {
        let app = sized(std::mem::replace(&mut app, super::app()), 80, 24);
        snap(&app, 80, 24)
    });
}

#[test]
fn drill_down() {
    let mut app = sized(app(), 160, 45);
    app.apply(Action::Intent(Intent::Open));
    insta::assert_snapshot!("drill_160x45", snap(&app, 160, 45));
    let mut app = sized(super::app(), 80, 24);
    app.apply(Action::Intent(Intent::Open));
    app.apply(Action::Intent(Intent::CollapseAll));
    insta::assert_snapshot!("drill_collapsed_80x24", snap(&app, 80, 24));
}

#[test]
fn help_and_near_misses() {
    let mut app = sized(app(), 80, 24);
    keys(&mut app, "?");
    insta::assert_snapshot!("help_80x24", snap(&app, 80, 24));
    keys(&mut app, "?m");
    insta::assert_snapshot!("near_misses_80x24", snap(&app, 80, 24));
    let app2 = sized(super::app(), 160, 45);
    let mut app2 = app2;
    keys(&mut app2, "m");
    insta::assert_snapshot!("near_misses_160x45", snap(&app2, 160, 45));
}

#[test]
fn frequency_view_and_histogram() {
    let mut app = sized(app(), 160, 45);
    focus_on(&mut app, Column::Role);
    keys(&mut app, "F");
    insta::assert_snapshot!("pivot_160x45", snap(&app, 160, 45));
}

#[test]
fn loading() {
    let mut app = sized(App::new("j.jsonl", "a", HashMap::new()), 80, 24);
    app.apply(Action::LoadPlan {
        files: 3,
        bytes: 3_000_000_000,
        names: Vec::new(),
    });
    insta::assert_snapshot!(
        "loading_80x24",
        snap(&app, 80, 24)
            .lines()
            .take(3)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
