//! `RrArbiter<N, N2>`: round-robin arbiter over `N` requests (`N2 = 2N`), one-hot grant in the
//! same cycle, fixed priority order starting after the previous winner (ARCH.md "Select":
//! thread `w+1`, `w+2`, ..., wrapping). After reset the previous winner is `N-1` (thread 0
//! first); a cycle without any request keeps the previous winner.
//!
//! Structure (one carry chain): `y = {req, req & above}` is searched from bit 0 for its lowest
//! set bit with `y ^ (y - 1)` (ones from bit 0 up to that bit), so the grant is
//! `g = y & (y ^ (y - 1))` folded onto N bits, and the new "above" mask is the complement of
//! `y ^ (y - 1)` taken from the half that won. Depth: one LUT, a 2N-bit carry chain, two LUTs.

use crate::prim::Placed;
use crate::prim::Widen;
use rust_hdl::prelude::*;

/// Round-robin arbiter (see the module docs).
#[derive(LogicBlock)]
pub struct RrArbiter<const N: usize, const N2: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub req: Signal<In, Bits<N>>,
    /// One-hot (or zero) grant, combinational from `req` and the registered state.
    pub grant: Signal<Out, Bits<N>>,
    /// Bits strictly above the previous winner.
    above: DFF<Bits<N>>,
    lo: Signal<Local, Bits<N>>,
    lo_ext: Widen<N, N2>,
    hi_ext: Placed<N, N2>,
    y: Signal<Local, Bits<N2>>,
    x: Signal<Local, Bits<N2>>,
    g2: Signal<Local, Bits<N2>>,
    k_one: Constant<Bits<N2>>,
    /// N, as a shift amount (`#[hdl_gen]` cannot read a const generic as a value).
    k_n: Constant<Bits<N2>>,
    zx_g_hi: Signal<Local, Bits<N2>>,
    zx_x_hi: Signal<Local, Bits<N2>>,
    k_zero: Constant<Bits<N>>,
}

impl<const N: usize, const N2: usize> Default for RrArbiter<N, N2> {
    fn default() -> Self {
        assert_eq!(N2, 2 * N, "RrArbiter: N2 must be 2N");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            req: Default::default(),
            grant: Default::default(),
            above: Default::default(),
            lo: Default::default(),
            lo_ext: Default::default(),
            hi_ext: Placed::new(N),
            y: Default::default(),
            x: Default::default(),
            g2: Default::default(),
            k_one: Constant::new(1u64.into()),
            k_n: Constant::new((N as u64).into()),
            zx_g_hi: Default::default(),
            zx_x_hi: Default::default(),
            k_zero: Constant::new(0u64.into()),
        }
    }
}

impl<const N: usize, const N2: usize> Logic for RrArbiter<N, N2> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, above);
        self.lo.next = self.req.val() & self.above.q.val();
        self.lo_ext.inp.next = self.lo.val();
        self.hi_ext.inp.next = self.req.val();
        self.y.next = self.lo_ext.out.val() | self.hi_ext.out.val();
        self.x.next = self.y.val() ^ (self.y.val() - self.k_one.val());
        self.g2.next = self.y.val() & self.x.val();
        self.zx_g_hi.next = self.g2.val() >> self.k_n.val();
        self.zx_x_hi.next = self.x.val() >> self.k_n.val();
        self.grant.next = self.g2.val().get_bits::<N>(0) | self.zx_g_hi.val().get_bits::<N>(0);
        if self.req.val().any() {
            if self.lo.val().any() {
                self.above.d.next = !self.x.val().get_bits::<N>(0);
            } else {
                self.above.d.next = !self.zx_x_hi.val().get_bits::<N>(0);
            }
        }
        if self.reset.val() {
            self.above.d.next = self.k_zero.val();
        }
    }
}
