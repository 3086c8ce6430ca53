//! sts-triage: triage of the hunting query UpdateStsRefreshToken[Solorigate] from the files
//! analysts really export. The scan core (formats, KQL semantics, the rule, findings) has
//! no terminal code; the workbench and the exports sit on it.

pub mod context;
pub mod count;
pub mod dates;
pub mod evidence;
pub mod hints;
pub mod intern;
pub mod journal;
pub mod json_controls;
pub mod json_depth;
pub mod kql;
pub mod load;
pub mod lookalike;
pub mod lookalike_ids;
pub mod lookalike_targets;
pub mod model;
pub mod neutralize;
pub mod output;
pub mod progress;
pub mod pstext;
pub mod query;
pub mod report;
pub mod rule;
pub mod scan;
pub mod temp_file;
pub mod tui;
pub mod verify;
pub mod write_safe;
