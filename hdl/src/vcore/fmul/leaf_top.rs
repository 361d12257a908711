//! `LeafTop`: one of each FieldMul DSP leaf with its ports brought out, so that each leaf has
//! its own equivalence test: the leaves' Rust models (`update()`, run by rust-hdl's simulator
//! in the test below) and their Verilog (Verilator, `verif/tests/vcore_fmul.rs`) are both
//! checked against exact integer arithmetic with the published latencies.

use super::leaf::{MulAdd, MulCol, MulPair};
use rust_hdl::prelude::*;

/// Bit offset of the column word in `col_p` (an A-limb offset, so the placement is tested).
pub const COL_SHIFT: usize = 22;
/// Column word width: full-range operands (24-bit x, four full 17-bit digits).
pub const COL_BITS: usize = 93;
/// Bit offset of the tile result in `add_p`.
pub const ADD_SHIFT: usize = 24;
/// Tile result width for full-range operands.
pub const ADD_BITS: usize = 42;
/// Pair product width for a full 41-bit multiplicand.
pub const PAIR_BITS: usize = 51;

/// The leaves, side by side.
#[derive(LogicBlock)]
pub struct LeafTop {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Column: A limb.
    pub col_x: Signal<In, Bits<24>>,
    /// Column: digit 0 (same cycle as `col_x`).
    pub col_y0: Signal<In, Bits<17>>,
    /// Column: digit 1 (one cycle later).
    pub col_y1: Signal<In, Bits<17>>,
    /// Column: digit 2 (two cycles later).
    pub col_y2: Signal<In, Bits<17>>,
    /// Column: digit 3 (three cycles later).
    pub col_y3: Signal<In, Bits<17>>,
    /// Column word at [`COL_SHIFT`].
    pub col_p: Signal<Out, Bits<576>>,
    /// Tile: a.
    pub add_a: Signal<In, Bits<24>>,
    /// Tile: b.
    pub add_b: Signal<In, Bits<17>>,
    /// Tile: c.
    pub add_c: Signal<In, Bits<24>>,
    /// Tile result at [`ADD_SHIFT`].
    pub add_p: Signal<Out, Bits<576>>,
    /// Pair: multiplicand.
    pub pair_w: Signal<In, Bits<41>>,
    /// Pair product (times 977) at bit 0.
    pub pair_p: Signal<Out, Bits<576>>,
    col: MulCol,
    add: MulAdd,
    pair: MulPair,
}

impl Default for LeafTop {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            col_x: Default::default(),
            col_y0: Default::default(),
            col_y1: Default::default(),
            col_y2: Default::default(),
            col_y3: Default::default(),
            col_p: Default::default(),
            add_a: Default::default(),
            add_b: Default::default(),
            add_c: Default::default(),
            add_p: Default::default(),
            pair_w: Default::default(),
            pair_p: Default::default(),
            col: MulCol::new(COL_SHIFT, COL_BITS),
            add: MulAdd::new(ADD_SHIFT, ADD_BITS),
            pair: MulPair::new(PAIR_BITS),
        }
    }
}

impl Logic for LeafTop {
    #[hdl_gen]
    fn update(&mut self) {
        self.col.clock.next = self.clock.val();
        self.add.clock.next = self.clock.val();
        self.pair.clock.next = self.clock.val();
        self.col.x.next = self.col_x.val();
        self.col.y0.next = self.col_y0.val();
        self.col.y1.next = self.col_y1.val();
        self.col.y2.next = self.col_y2.val();
        self.col.y3.next = self.col_y3.val();
        self.col_p.next = self.col.p.val();
        self.add.a.next = self.add_a.val();
        self.add.b.next = self.add_b.val();
        self.add.c.next = self.add_c.val();
        self.add_p.next = self.add.p.val();
        self.pair.w.next = self.pair_w.val();
        self.pair_p.next = self.pair.p.val();
    }
}

/// The Verilog of [`LeafTop`] (top module `top`).
pub fn verilog() -> String {
    let mut uut = LeafTop::default();
    uut.connect_all();
    generate_verilog(&uut)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::super::leaf::{ADD_LATENCY, COL_LATENCY, PAIR_LATENCY};
    use super::super::plan::C977;
    use super::*;
    use num_bigint::BigUint;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha20Rng;

    /// One cycle's inputs and the results expected after the leaves' latencies.
    #[derive(Clone, Debug)]
    struct Op {
        x: u64,
        y: [u64; 4],
        a: u64,
        b: u64,
        c: u64,
        w: u64,
    }

    fn ops(n: usize) -> Vec<Op> {
        let mut rng = ChaCha20Rng::seed_from_u64(0x1eaf);
        let mut v = Vec::new();
        for i in 0..n {
            // extremes first, then random
            let m = |bits: u32| (1u64 << bits) - 1;
            v.push(match i {
                0 => Op {
                    x: m(24),
                    y: [m(17); 4],
                    a: m(24),
                    b: m(17),
                    c: m(24),
                    w: m(41),
                },
                1 => Op {
                    x: 0,
                    y: [0; 4],
                    a: 0,
                    b: 0,
                    c: 0,
                    w: 0,
                },
                _ => Op {
                    x: rng.gen::<u64>() & m(24),
                    y: std::array::from_fn(|_| rng.gen::<u64>() & m(17)),
                    a: rng.gen::<u64>() & m(24),
                    b: rng.gen::<u64>() & m(17),
                    c: rng.gen::<u64>() & m(24),
                    w: rng.gen::<u64>() & m(41),
                },
            });
        }
        v
    }

    fn col_of(o: &Op) -> BigUint {
        let y: BigUint = (0..4).map(|j| BigUint::from(o.y[j]) << (17 * j)).sum();
        (BigUint::from(o.x) * y) << COL_SHIFT
    }

    /// rust-hdl's simulator runs the leaves' Rust models (`update()`) on a back-to-back stream
    /// (digit j of operation t presented in cycle t + j): every result equals the exact
    /// product with the published latency.
    #[test]
    fn fmul_leaf_models_exact() {
        let stream = ops(24);
        let n = stream.len();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<LeafTop>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut sim: Sim<LeafTop>| {
            let mut x = sim.init()?;
            for t in 0..n + 8 {
                let get = |k: usize| stream.get(k).cloned();
                if let Some(o) = get(t) {
                    x.col_x.next = o.x.into();
                    x.col_y0.next = o.y[0].into();
                    x.add_a.next = o.a.into();
                    x.add_b.next = o.b.into();
                    x.add_c.next = o.c.into();
                    x.pair_w.next = o.w.into();
                }
                if let Some(o) = t.checked_sub(1).and_then(get) {
                    x.col_y1.next = o.y[1].into();
                }
                if let Some(o) = t.checked_sub(2).and_then(get) {
                    x.col_y2.next = o.y[2].into();
                }
                if let Some(o) = t.checked_sub(3).and_then(get) {
                    x.col_y3.next = o.y[3].into();
                }
                wait_clock_cycle!(sim, clock, x);
                // After the edge ending cycle t: results of the operations L edges old.
                if let Some(o) = t.checked_sub(COL_LATENCY as usize).and_then(get) {
                    sim_assert_eq!(sim, BigUint::from(x.col_p.val()), col_of(&o), x);
                }
                if let Some(o) = t.checked_sub(ADD_LATENCY as usize).and_then(get) {
                    let e = BigUint::from(o.a * o.b + o.c) << ADD_SHIFT;
                    sim_assert_eq!(sim, BigUint::from(x.add_p.val()), e, x);
                }
                if let Some(o) = t.checked_sub(PAIR_LATENCY as usize).and_then(get) {
                    sim_assert_eq!(
                        sim,
                        BigUint::from(x.pair_p.val()),
                        BigUint::from(o.w * C977),
                        x
                    );
                }
            }
            sim.done(x)
        });
        let mut uut = LeafTop::default();
        uut.connect_all();
        sim.run(Box::new(uut), 100_000).unwrap();
    }
}
