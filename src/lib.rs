//! gazette: exported news digests → typed, documented, reproducible datasets and reports.
//!
//! The pipeline has one module per stage, each consuming the previous stage's typed
//! output: [`corpus`] reads the export format, [`normalize`] turns it into the normalized
//! tables declared in [`tables`], and [`pipeline`] runs the stages in order.

pub mod cli;
pub mod corpus;
pub mod derive;
pub mod diagnostics;
pub mod diff;
pub mod extract;
pub mod fsutil;
pub mod ids;
pub mod manifest;
pub mod memory;
pub mod normalize;
pub mod package;
pub mod pipeline;
pub mod quality;
pub mod reference;
pub mod render;
pub mod synth;
pub mod tables;
pub mod text;
pub mod ui;
