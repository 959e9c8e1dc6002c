// glibc's allocator spends a good part of a large build in malloc and free (parsing,
// extraction and rendering allocate many small strings across threads); mimalloc is
// markedly faster at that and changes no output.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    // mimalloc's API, linked with the allocator above: frees what its heaps keep for
    // reuse and, forced, returns it to the OS now instead of after its purge delay.
    fn mi_collect(force: bool);
    // Reads and sets one of its options; they are read each time they are used.
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    // Its version: major × 10000 + minor × 100 + patch.
    fn mi_version() -> std::ffi::c_int;
}

/// The mimalloc major version whose `mi_option_e` was read for the index below; with any
/// other, memory is not held rather than a wrong option set.
const CHECKED_MAJOR_VERSION: std::ffi::c_int = 3;

/// `mi_option_purge_delay` in `mi_option_e` (mimalloc.h): milliseconds before freed
/// memory goes back to the OS (1 s unless `MIMALLOC_PURGE_DELAY` says otherwise).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
/// The purge delay while memory is held.
const HELD_PURGE_DELAY_MS: std::ffi::c_long = 10_000;
/// Holds alive, and the delay to go back to when the last one ends.
static HOLDS: std::sync::Mutex<(usize, std::ffi::c_long)> = std::sync::Mutex::new((0, 0));

fn release_free_memory() {
    // SAFETY: takes no pointers; mimalloc allows it from any thread at any time.
    let collect = || unsafe { mi_collect(true) };
    // A thread's heap keeps the pages it freed until that thread collects: a collect on
    // this thread alone left what the pools' threads had freed (parsing, the derive's
    // queries, the data tests) resident. Called between stages, never from a pool's
    // thread, so each pool's threads are free to run it.
    rayon::broadcast(|_| collect());
    polars_core::runtime::THREAD_POOL.broadcast(|_| collect());
    collect();
}

fn hold_freed_memory(hold: bool) {
    // SAFETY: takes no arguments, reads a constant.
    if unsafe { mi_version() } / 10_000 != CHECKED_MAJOR_VERSION {
        return;
    }
    let Ok(mut holds) = HOLDS.lock() else {
        return;
    };
    let (alive, usual) = &mut *holds;
    // SAFETY: take no pointers; options may be read and set at any time. A forced
    // collect still purges whatever the delay (it must stay positive: a negative delay
    // turns purging off, forced or not).
    unsafe {
        if hold {
            if *alive == 0 {
                *usual = mi_option_get(MI_OPTION_PURGE_DELAY);
                if *usual > 0 {
                    mi_option_set(MI_OPTION_PURGE_DELAY, (*usual).max(HELD_PURGE_DELAY_MS));
                }
            }
            *alive += 1;
        } else if *alive > 0 {
            *alive -= 1;
            if *alive == 0 {
                mi_option_set(MI_OPTION_PURGE_DELAY, *usual);
            }
        }
    }
}

/// Page faults of this process get 4 KB pages, whatever mimalloc asks with `madvise`
/// (Linux's `PR_SET_THP_DISABLE`, checked on every fault). With 2 MB transparent huge
/// pages the kernel zeroes a huge page whole when it is first touched, the spare
/// capacity of growing buffers included, and may compact memory first to find one. Every
/// stage paid for it:
/// - the render keeps what it reads (the tables, about 2 GB at 100k articles): reading
///   them took 2.6–3.0 s with huge pages (0.6 s in one run of four) and 0.9 s without;
/// - 100k datasets builds after a dropped page cache, alternating: 14.4–15.3 s with huge
///   pages against 10.2–10.5 s without; the normalize's system time 5.3–5.8 s against
///   0.6 s, and the user time the same.
///
/// Set first thing: the kernel checks it at each fault, so it covers every page touched
/// after it, whichever stage allocates.
fn use_small_pages() {
    #[cfg(target_os = "linux")]
    unsafe extern "C" {
        fn prctl(option: std::ffi::c_int, ...) -> std::ffi::c_int;
    }
    #[cfg(target_os = "linux")]
    const PR_SET_THP_DISABLE: std::ffi::c_int = 41;
    // SAFETY: integer arguments only, as the call takes them (unsigned longs); it changes
    // only how the kernel backs this process's memory. A failure leaves huge pages on.
    #[cfg(target_os = "linux")]
    unsafe {
        prctl(
            PR_SET_THP_DISABLE,
            1 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
        );
    }
}

fn main() -> std::process::ExitCode {
    use_small_pages();
    gazette::memory::set_memory_hooks(gazette::memory::MemoryHooks {
        release: release_free_memory,
        hold: hold_freed_memory,
    });
    gazette::cli::main()
}
