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

# Format and lint.
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets -- -D warnings

# What CI runs: install test dependencies, test, rebuild, compare with the committed outputs.
ci:
    .ci/run
