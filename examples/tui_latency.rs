//! Workbench latency with a synthetic worst case: 100,000 flagged rows. Prints the 50th and
//! 95th percentile and the maximum of: sorting by every column (both directions), each
//! keystroke of typed filters, and a full redraw at 160×45.
//!
//! `cargo run --release --example tui_latency [-- ROWS]`; for one core:
//! `taskset -c 0 target/release/examples/tui_latency`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sts_triage::load::ScanMessage;
use sts_triage::model::{ResultRow, SourceRef};
use sts_triage::scan::ScanReport;
use sts_triage::tui::action::{Action, Intent};
use sts_triage::tui::app::App;
use sts_triage::tui::keymap::Keymap;
use sts_triage::tui::render::{Theme, draw};
use tui_input::InputRequest;

/// A small deterministic generator (xorshift), so every run measures the same rows.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        let n = u64::try_from(from.len()).unwrap_or(1);
        from[usize::try_from(self.next() % n).unwrap_or(0)]
    }
}

fn synthetic_report(rows: usize) -> ScanReport {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let first = [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "admin", "svc",
    ];
    let domains = [
        "contoso.com",
        "fabrikam.com",
        "contoso.onmicrosoft.com",
        "example.org",
    ];
    let roles = ["User", "User", "User", "ServicePrincipal", "Other"];
    let isps = [
        "Contoso Networks",
        "Example Telecom",
        "Anon VPN Ltd",
        "Microsoft Azure",
        "",
    ];
    let mut report = ScanReport::default();
    let file: std::sync::Arc<str> = "synthetic.csv".into();
    for i in 0..rows {
        let row = ResultRow {
            account_object_id: format!("{:08x}-0000-4000-8000-{:012x}", rng.next() as u32, i),
            account_display_name: format!(
                "{}{}@{}",
                rng.pick(&first),
                i % 5000,
                rng.pick(&domains)
            ),
            role: rng.pick(&roles).to_owned(),
            ip_address: format!("203.0.{}.{}", rng.next() % 256, rng.next() % 256),
            is_anonymous_proxy: match rng.next() % 3 {
                0 => Some(true),
                1 => Some(false),
                _ => None,
            },
            isp: rng.pick(&isps).to_owned(),
            token_minutes_added: Some(i64::try_from(rng.next() % 600_000).unwrap_or(0) - 100_000),
            token_minutes_remaining: Some(i64::try_from(rng.next() % 5_000).unwrap_or(0)),
        };
        let source = SourceRef {
            file: file.clone(),
            line: u64::try_from(i + 2).unwrap_or(0),
        };
        report.apply(ScanMessage::ImportedRow { row, source });
    }
    report
}

fn percentiles(name: &str, mut d: Vec<Duration>) {
    d.sort_unstable();
    let at = |p: f64| {
        let i = ((d.len() as f64 - 1.0) * p).round() as usize;
        d[i].as_secs_f64() * 1000.0
    };
    println!(
        "{name:<34} n={:<5} p50 {:>7.2} ms   p95 {:>7.2} ms   max {:>7.2} ms",
        d.len(),
        at(0.5),
        at(0.95),
        at(1.0)
    );
}

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let t = Instant::now();
    let report = synthetic_report(rows);
    let mut app = App::new("bench.sts-triage.jsonl", "bench", HashMap::new()).with_report(report);
    app.apply(Action::Resize {
        width: 160,
        height: 45,
    });
    println!(
        "{rows} rows loaded into the workbench in {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    // The workbench sorts one column ahead per idle tick (40 ms) once the load is done.
    // COLD=1 measures sorts before that cache exists.
    let ticks = if std::env::var_os("COLD").is_some() {
        0
    } else {
        32
    };
    let t = Instant::now();
    for _ in 0..ticks {
        app.apply(Action::Tick);
    }
    println!(
        "idle-time sort cache filled in {:.0} ms over {ticks} ticks",
        t.elapsed().as_secs_f64() * 1000.0
    );

    // Sorting: every column, ascending then descending.
    let mut sort = Vec::new();
    let mut reverse = Vec::new();
    for _ in 0..app.columns().len() {
        for again in [false, true] {
            let t = Instant::now();
            app.apply(Action::Intent(Intent::Sort));
            if again {
                reverse.push(t.elapsed());
            } else {
                sort.push(t.elapsed());
            }
            if std::env::var_os("VERBOSE").is_some() {
                println!(
                    "  sort {:?} in {:.1} ms",
                    app.table().sort,
                    t.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
        app.apply(Action::Intent(Intent::FocusRight));
    }
    percentiles("sort by a column (first time)", sort);
    percentiles("sort again (reverse)", reverse);

    // Filter keystrokes: typing, then deleting, several filters.
    let mut keys = Vec::new();
    for filter in [
        "admin42",
        "ip:203.0.1",
        "!contoso fab",
        "svc role:serv",
        "alice1 isp:anon",
    ] {
        app.apply(Action::Intent(Intent::StartFilter));
        for c in filter.chars() {
            let t = Instant::now();
            app.apply(Action::Edit(InputRequest::InsertChar(c)));
            keys.push(t.elapsed());
            if std::env::var_os("VERBOSE").is_some() {
                println!(
                    "  {:?} -> {} rows in {:.1} ms",
                    app.filter,
                    app.table().order.len(),
                    t.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
        for _ in filter.chars() {
            let t = Instant::now();
            app.apply(Action::Edit(InputRequest::DeletePrevChar));
            keys.push(t.elapsed());
        }
        app.apply(Action::Intent(Intent::Back));
    }
    percentiles("filter keystroke", keys);

    // Full redraws of the table.
    let keymap = Keymap::default_map().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let mut terminal = match Terminal::new(TestBackend::new(160, 45)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2)
        }
    };
    let mut draws = Vec::new();
    for i in 0..300 {
        if i % 3 == 0 {
            app.apply(Action::Intent(Intent::PageDown));
        }
        let t = Instant::now();
        let _ = terminal.draw(|f| draw(f, &app, &keymap, Theme { color: true }));
        draws.push(t.elapsed());
    }
    percentiles("full redraw 160x45", draws);
}
