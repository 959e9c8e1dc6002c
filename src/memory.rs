//! The process's memory: its peak, measured per stage, and what the allocator keeps.
//!
//! The allocator is the binary's choice (`main.rs` sets mimalloc and says how to release
//! its memory); the library only asks, so tests and embedders keep their own allocator.

/// Peak resident set size of this process (`VmHWM`) since it started or since the last
/// [`reset_peak_rss`], where the OS tells.
pub fn peak_rss_bytes() -> Option<u64> {
    status_bytes("VmHWM:")
}

/// Resident set size of this process now (`VmRSS`), where the OS tells.
pub fn rss_bytes() -> Option<u64> {
    status_bytes("VmRSS:")
}

/// Memory the machine has free (`MemFree`), where the OS tells. On virtual machines
/// whose host takes freed memory back, a build's kernel time depends on it (see
/// BENCHMARKS.md); the bench records it before each build.
pub fn free_memory_bytes() -> Option<u64> {
    kb_field("/proc/meminfo", "MemFree:")
}

/// A size in kB from `/proc/self/status`, in bytes.
fn status_bytes(field: &str) -> Option<u64> {
    kb_field("/proc/self/status", field)
}

/// The size in kB on the line of `file` that starts with `field`, in bytes.
fn kb_field(file: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(file).ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resident size below which [`release_free_memory`] keeps freed memory for the next
/// stage instead of returning it. Memory returned to the OS is zeroed by the kernel when
/// it is asked for again, and on this project's machines (virtual ones) that first touch
/// is slow: at 100k articles the kernel's page zeroing was a fifth of the derive's CPU.
/// Keeping up to this much saved 3–6 CPU-seconds of a 100k build (of 50–60) and raised
/// its peak from about 0.97 to 1.25 GB. Above it the stages return what they freed,
/// which is what keeps a million articles within 4 GB.
pub const KEEP_FREED_BELOW_BYTES: u64 = 2 << 30;

/// Whether a process of resident size `rss` (unknown: `None`) that is about to need
/// about `upcoming` bytes more returns its freed memory.
fn should_release(rss: Option<u64>, upcoming: u64) -> bool {
    rss.is_none_or(|r| r.saturating_add(upcoming) >= KEEP_FREED_BELOW_BYTES)
}

/// What the binary, which owns the allocator and the process, says about memory: how to
/// return freed memory to the OS now, how to hold it longer (`true`) or go back to the
/// usual delay (`false`). Without them (tests, embedders) the calls below do nothing.
pub struct MemoryHooks {
    pub release: fn(),
    pub hold: fn(bool),
}

static HOOKS: std::sync::OnceLock<MemoryHooks> = std::sync::OnceLock::new();

/// Sets the hooks (once; later calls are ignored).
pub fn set_memory_hooks(hooks: MemoryHooks) {
    let _ = HOOKS.set(hooks);
}

/// Returns memory freed so far to the OS, where the binary said how, once the process
/// holds [`KEEP_FREED_BELOW_BYTES`] or more. mimalloc keeps freed memory for a second
/// before it returns it: a stage (or a derived dataset) that starts right after a large
/// one otherwise adds its own peak on top of what the previous one freed (at a million
/// articles, derive inside the build peaked at 4.7–4.9 GB against 4.0 GB alone; with
/// this, 4.1–4.3 GB).
pub fn release_free_memory() {
    release_free_memory_before(0);
}

/// [`release_free_memory`] before a stage that keeps most of what it allocates (the
/// render's tables, about `upcoming` bytes): memory kept from the stages before is then
/// reused only in part and adds to the stage's peak, so it goes back unless both
/// together stay below [`KEEP_FREED_BELOW_BYTES`]. Kept whatever the size, a million
/// articles' render peaked at 3,783 MiB instead of 3,704.
pub fn release_free_memory_before(upcoming: u64) {
    if !should_release(rss_bytes(), upcoming) {
        return;
    }
    if let Some(hooks) = HOOKS.get() {
        (hooks.release)();
    }
}

/// While alive, freed memory stays with the allocator for reuse instead of going back to
/// the OS after the allocator's usual delay. For work that frees and allocates steadily
/// without growing (parsing chunk after chunk, rendering page after page, a derived
/// dataset batch after batch): returned and asked for again, the memory is zeroed by the
/// kernel each time, a tenth of the render's time at 100k articles. Not for work that
/// builds and drops large tables of varying sizes: there it raises the peak (the
/// `statistic_variants` query at 1M articles: about 3.5 GB → 3.8 GB).
#[must_use = "memory is held only while the guard lives"]
pub struct HeldFreedMemory(());

impl HeldFreedMemory {
    pub fn new() -> Self {
        if let Some(hooks) = HOOKS.get() {
            (hooks.hold)(true);
        }
        HeldFreedMemory(())
    }
}

impl Default for HeldFreedMemory {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for HeldFreedMemory {
    fn drop(&mut self) {
        if let Some(hooks) = HOOKS.get() {
            (hooks.hold)(false);
        }
    }
}

/// Starts [`peak_rss_bytes`] over from the current resident size (Linux: `5` written to
/// `/proc/self/clear_refs`; elsewhere nothing happens). Without it a stage's peak was the
/// largest of any stage before it, which hid what each later stage needs.
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_memory_is_kept_only_below_the_threshold_and_when_known() {
        assert!(!should_release(Some(0), 0));
        assert!(!should_release(Some(KEEP_FREED_BELOW_BYTES - 1), 0));
        assert!(should_release(Some(KEEP_FREED_BELOW_BYTES), 0));
        assert!(should_release(Some(u64::MAX), 0));
        // What the next stage needs counts with what the process holds.
        assert!(!should_release(Some(1 << 30), (1 << 30) - 1));
        assert!(should_release(Some(1 << 30), 1 << 30));
        assert!(should_release(Some(u64::MAX), u64::MAX));
        // Where the OS does not tell, memory goes back as it always did.
        assert!(should_release(None, 0));
    }

    #[test]
    fn this_process_reports_its_resident_size() {
        #[cfg(target_os = "linux")]
        {
            // Both are read from the OS; a test binary holds at least its own code.
            assert!(rss_bytes().expect("Linux reports VmRSS") > 1 << 20);
            assert!(peak_rss_bytes().expect("Linux reports VmHWM") > 1 << 20);
            // The machine's free memory is read from another file of the same form.
            assert!(free_memory_bytes().expect("Linux reports MemFree") > 0);
        }
    }
}
