//! Reference data shipped under `data/reference/` and embedded in the binary, so that
//! gazette gives the same results wherever it runs (see `data/reference/README.md`).

pub mod fx;
pub mod measures;
