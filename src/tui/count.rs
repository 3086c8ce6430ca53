//! The workbench's counts: the shared helpers of [`crate::count`] (the reports and the
//! command line say counts the same way).

pub use crate::count::{count, count_as, noun};
