# gazette — convenience recipes. Every recipe is a plain cargo command underneath;
# nothing here is needed to build or test (see README.md).

# Build every dataset and report from the shipped corpus (data/raw).
build *ARGS:
    cargo run -- build {{ARGS}}

# Re-render the reports and the site from the built tables (after editing a template).
render *ARGS:
    cargo run -- render {{ARGS}}

# Run every test (the same command CI runs).
test:
    cargo test

# Validate the corpus without writing anything.
check *ARGS:
    cargo run -- check {{ARGS}}

# Execute notebooks/explore.ipynb in place, outputs included, with .venv/bin/python (the
# packages of tests/python/requirements.txt). The notebook is committed without outputs:
# don't commit the ones this writes (`git checkout notebooks/explore.ipynb` drops them).
notebook:
    .venv/bin/python tests/python/run_notebook.py notebooks/explore.ipynb --save notebooks/explore.ipynb

# Format and lint.
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets -- -D warnings

# What CI runs: install test dependencies, test, rebuild, compare with the committed outputs.
ci:
    .ci/run

# Full builds of 10k and 100k synthetic articles, per stage, into BENCHMARKS.md, by the
# release-lto binary (the one the README recommends for large corpora; its first compile
# takes several minutes). `just bench 10000,100000,1000000` adds the million. Each size
# with its site is built three times and shown by its median run (`-- --repeat N`).
bench SIZES="10000,100000":
    cargo bench --profile release-lto --bench pipeline -- --articles {{SIZES}}
# The fastest binary: `release-lto` compiled with the profile of a synthetic build
# (scripts/build-pgo; needs llvm-profdata of rustc's LLVM). → target/pgo/gazette
build-pgo:
    scripts/build-pgo

# `just bench` timing the binary of `just build-pgo` (which it builds first).
bench-pgo SIZES="10000,100000":
    scripts/build-pgo
    GAZETTE_BENCH_BIN=target/pgo/gazette cargo bench --profile release-lto --bench pipeline -- --articles {{SIZES}}

# Figure extraction throughput over a 100 MB synthetic corpus, one core (MB/s).
bench-extract:
    cargo bench --bench extract
