//! A minimal progress bar on stderr, shown only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

const WIDTH: usize = 30;

/// Progress over a byte range (e.g. the offset within a blk*.dat file).
#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    total: usize,
    last_draw: Option<Instant>,
}

impl Progress {
    /// A bar over `total` units; draws nothing unless stderr is a terminal.
    pub fn new(total: usize) -> Self {
        Progress {
            enabled: std::io::stderr().is_terminal(),
            total: total.max(1),
            last_draw: None,
        }
    }

    /// Redraws (at most every 100 ms) with `done` units and a label such as "12 blocks".
    pub fn update(&mut self, done: usize, label: &str) {
        if !self.enabled {
            return;
        }
        if self
            .last_draw
            .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
            && done < self.total
        {
            return;
        }
        self.last_draw = Some(Instant::now());
        let frac = (done.min(self.total) as f64) / (self.total as f64);
        // done <= total, so frac is in [0, 1] and the product in [0, WIDTH].
        let filled = (0..=WIDTH)
            .rev()
            .find(|&k| (k as f64) <= frac * WIDTH as f64)
            .unwrap_or(0);
        let bar: String = "#".repeat(filled) + &".".repeat(WIDTH - filled);
        let mut err = std::io::stderr().lock();
        // Terminal output is best effort: a failed write to stderr changes no result.
        let _ = write!(err, "\r[{bar}] {:5.1}% {label}\x1b[K", frac * 100.0);
        let _ = err.flush();
    }

    /// Erases the bar so a line can be printed on stdout in its place.
    pub fn clear(&mut self) {
        if self.enabled && self.last_draw.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.last_draw = None;
        }
    }
}
