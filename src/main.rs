// glibc's allocator spends a good part of a large build in malloc and free (parsing,
// extraction and rendering allocate many small strings across threads); mimalloc is
// markedly faster at that and changes no output.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gazette::cli::main()
}
