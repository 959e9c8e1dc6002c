//! gazette's integration tests: one test binary, one module per feature. Fixtures live in
//! `tests/fixtures/<feature>/<case>/`.

mod cli;
mod corpus;
mod readme;
mod site;
mod support;
mod tables;
