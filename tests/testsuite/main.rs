//! gazette's integration tests: one test binary, one module per feature. Fixtures live in
//! `tests/fixtures/<feature>/<case>/`.

mod about;
mod cli;
mod corpus;
mod derive;
mod diff;
mod entities;
mod figures;
mod incremental;
mod interop;
mod quality;
mod readme;
mod scale;
mod site;
mod support;
mod tables;
