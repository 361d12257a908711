//! The progress bar of `validate-block` over a blk*.dat file: an `indicatif` bar on stderr,
//! drawn only when stderr is a terminal (indicatif hides a stderr target that is not one), so
//! stdout stays the command's output and a redirected or piped stderr receives nothing.
//! One change from the hand-written bar it replaces: indicatif also hides the bar when `TERM`
//! is unset or `dumb` (such a terminal cannot erase a line, which the bar needs).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress over a byte range (e.g. the offset within a blk*.dat file).
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar over `total` units; draws nothing unless stderr is a terminal.
    pub fn new(total: usize) -> Self {
        let total = u64::try_from(total.max(1)).unwrap_or(u64::MAX);
        // At most 10 redraws a second, as the hand-written bar did.
        let bar =
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
        // The template is a constant: it parses, and a failure would only lose the style.
        if let Ok(style) = ProgressStyle::with_template("[{bar:30}] {percent:>3}% {msg}") {
            bar.set_style(style.progress_chars("#>."));
        }
        Progress { bar }
    }

    /// Moves the bar to `done` units with a label such as "12 blocks".
    pub fn update(&mut self, done: usize, label: &str) {
        self.bar
            .set_position(u64::try_from(done).unwrap_or(u64::MAX));
        self.bar.set_message(label.to_string());
    }

    /// Runs `f` (which prints a line on stdout) with the bar erased, then draws it again.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Erases the bar for good (end of the file, or an error message follows).
    pub fn finish(&mut self) {
        self.bar.finish_and_clear();
    }
}
