// glibc's allocator spends a good part of a large build in malloc and free (parsing,
// extraction and rendering allocate many small strings across threads); mimalloc is
// markedly faster at that and changes no output.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    // mimalloc's API, linked with the allocator above: frees what its heaps keep for
    // reuse and, forced, returns it to the OS now instead of after its purge delay.
    fn mi_collect(force: bool);
}

fn release_free_memory() {
    // SAFETY: takes no pointers; mimalloc allows it from any thread at any time.
    unsafe { mi_collect(true) }
}

fn main() -> std::process::ExitCode {
    gazette::memory::set_memory_release(release_free_memory);
    gazette::cli::main()
}
