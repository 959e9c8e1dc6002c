// glibc's allocator spends a good part of a large build in malloc and free (parsing,
// extraction and rendering allocate many small strings across threads); mimalloc is
// markedly faster at that and changes no output.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // mimalloc hands freed memory back to the system after 10 ms by default; the stages
    // free and reallocate gigabytes (polars' joins, pages' views), and the kernel zeroing
    // those pages again was a quarter of the derive stage's time at 100k articles. After
    // a second the memory goes back: never purging saved a little more time but raised
    // the peak by a tenth (measured at 100k). `MIMALLOC_PURGE_DELAY` still overrides.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15; // mi_option_purge_delay
        // SAFETY: sets an option of the allocator this program uses; any value is valid.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 1000) };
    }
    gazette::cli::main()
}
