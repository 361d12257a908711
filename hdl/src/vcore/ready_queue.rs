//! `ReadyQueue<D>`: the VerifyCore's queue of `D` jobs between the ScalarUnit and the
//! clusters (ARCH.md "ReadyQueue"; depth `iss::READY_QUEUE`, README "Decisions").
//!
//! A circular buffer of flip-flops (a job is 1,553 bits; two of them are cheaper in
//! registers than a block RAM's fixed read latency would be in cycles). Semantics, which the
//! ISS's core model (`iss::core`) follows:
//! - `nonempty` and the `head_*` fields are the queue as of the start of the cycle (from
//!   flip-flops through the head multiplexer);
//! - `pop` takes the head (ignored when empty); `push` appends `in_*` in the same cycle;
//! - `room` = fewer than `D` entries (registered). A producer may also push when it pops in
//!   the same cycle (`room | pop`): the pop is counted first, as in the ISS.
//!
//! A push without room is dropped (the VerifyCore never does it; the test checks the count).
use crate::vcore::su::rtl::{PASS_BITS, TAG_BITS};
use rust_hdl::prelude::*;

/// The queue (see the module docs). `D` <= 15.
#[derive(LogicBlock)]
pub struct ReadyQueue<const D: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: empties the queue.
    pub reset: Signal<In, Bit>,
    pub push: Signal<In, Bit>,
    pub in_kind: Signal<In, Bit>,
    pub in_tag: Signal<In, Bits<TAG_BITS>>,
    pub in_w0: Signal<In, Bits<256>>,
    pub in_w1: Signal<In, Bits<256>>,
    pub in_w2: Signal<In, Bits<256>>,
    pub in_pass: Signal<In, Bits<PASS_BITS>>,
    pub pop: Signal<In, Bit>,
    /// Fewer than `D` entries.
    pub room: Signal<Out, Bit>,
    pub nonempty: Signal<Out, Bit>,
    pub head_kind: Signal<Out, Bit>,
    pub head_tag: Signal<Out, Bits<TAG_BITS>>,
    pub head_w0: Signal<Out, Bits<256>>,
    pub head_w1: Signal<Out, Bits<256>>,
    pub head_w2: Signal<Out, Bits<256>>,
    pub head_pass: Signal<Out, Bits<PASS_BITS>>,
    kind: [DFF<Bit>; D],
    tag: [DFF<Bits<TAG_BITS>>; D],
    w0: [DFF<Bits<256>>; D],
    w1: [DFF<Bits<256>>; D],
    w2: [DFF<Bits<256>>; D],
    pass: [DFF<Bits<PASS_BITS>>; D],
    wp: DFF<Bits<4>>,
    rp: DFF<Bits<4>>,
    cnt: DFF<Bits<5>>,
    do_push: Signal<Local, Bit>,
    do_pop: Signal<Local, Bit>,
    k_idx: [Constant<Bits<4>>; D],
    k_last: Constant<Bits<4>>,
    k_zero4: Constant<Bits<4>>,
    k_one4: Constant<Bits<4>>,
    k_depth: Constant<Bits<5>>,
    k_zero5: Constant<Bits<5>>,
    k_one5: Constant<Bits<5>>,
}

impl<const D: usize> Default for ReadyQueue<D> {
    fn default() -> Self {
        assert!((1..=15).contains(&D), "ReadyQueue: depth 1..=15");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            push: Default::default(),
            in_kind: Default::default(),
            in_tag: Default::default(),
            in_w0: Default::default(),
            in_w1: Default::default(),
            in_w2: Default::default(),
            in_pass: Default::default(),
            pop: Default::default(),
            room: Default::default(),
            nonempty: Default::default(),
            head_kind: Default::default(),
            head_tag: Default::default(),
            head_w0: Default::default(),
            head_w1: Default::default(),
            head_w2: Default::default(),
            head_pass: Default::default(),
            kind: std::array::from_fn(|_| Default::default()),
            tag: std::array::from_fn(|_| Default::default()),
            w0: std::array::from_fn(|_| Default::default()),
            w1: std::array::from_fn(|_| Default::default()),
            w2: std::array::from_fn(|_| Default::default()),
            pass: std::array::from_fn(|_| Default::default()),
            wp: Default::default(),
            rp: Default::default(),
            cnt: Default::default(),
            do_push: Default::default(),
            do_pop: Default::default(),
            k_idx: std::array::from_fn(|i| Constant::new(Bits::from(i as u64))),
            k_last: Constant::new(Bits::from(D as u64 - 1)),
            k_zero4: Constant::new(Bits::default()),
            k_one4: Constant::new(Bits::from(1u64)),
            k_depth: Constant::new(Bits::from(D as u64)),
            k_zero5: Constant::new(Bits::default()),
            k_one5: Constant::new(Bits::from(1u64)),
        }
    }
}

impl<const D: usize> Logic for ReadyQueue<D> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, wp, rp, cnt);
        self.do_pop.next = self.pop.val() & (self.cnt.q.val() != self.k_zero5.val());
        self.do_push.next =
            self.push.val() & ((self.cnt.q.val() != self.k_depth.val()) | self.do_pop.val());
        self.room.next = self.cnt.q.val() != self.k_depth.val();
        self.nonempty.next = self.cnt.q.val() != self.k_zero5.val();
        self.head_kind.next = self.kind[0].q.val();
        self.head_tag.next = self.tag[0].q.val();
        self.head_w0.next = self.w0[0].q.val();
        self.head_w1.next = self.w1[0].q.val();
        self.head_w2.next = self.w2[0].q.val();
        self.head_pass.next = self.pass[0].q.val();
        for i in 0..D {
            self.kind[i].clock.next = self.clock.val();
            self.tag[i].clock.next = self.clock.val();
            self.w0[i].clock.next = self.clock.val();
            self.w1[i].clock.next = self.clock.val();
            self.w2[i].clock.next = self.clock.val();
            self.pass[i].clock.next = self.clock.val();
            self.kind[i].d.next = self.kind[i].q.val();
            self.tag[i].d.next = self.tag[i].q.val();
            self.w0[i].d.next = self.w0[i].q.val();
            self.w1[i].d.next = self.w1[i].q.val();
            self.w2[i].d.next = self.w2[i].q.val();
            self.pass[i].d.next = self.pass[i].q.val();
            if self.do_push.val() & (self.wp.q.val() == self.k_idx[i].val()) {
                self.kind[i].d.next = self.in_kind.val();
                self.tag[i].d.next = self.in_tag.val();
                self.w0[i].d.next = self.in_w0.val();
                self.w1[i].d.next = self.in_w1.val();
                self.w2[i].d.next = self.in_w2.val();
                self.pass[i].d.next = self.in_pass.val();
            }
            if self.rp.q.val() == self.k_idx[i].val() {
                self.head_kind.next = self.kind[i].q.val();
                self.head_tag.next = self.tag[i].q.val();
                self.head_w0.next = self.w0[i].q.val();
                self.head_w1.next = self.w1[i].q.val();
                self.head_w2.next = self.w2[i].q.val();
                self.head_pass.next = self.pass[i].q.val();
            }
        }
        if self.do_push.val() {
            if self.wp.q.val() == self.k_last.val() {
                self.wp.d.next = self.k_zero4.val();
            } else {
                self.wp.d.next = self.wp.q.val() + self.k_one4.val();
            }
        }
        if self.do_pop.val() {
            if self.rp.q.val() == self.k_last.val() {
                self.rp.d.next = self.k_zero4.val();
            } else {
                self.rp.d.next = self.rp.q.val() + self.k_one4.val();
            }
        }
        if self.do_push.val() & !self.do_pop.val() {
            self.cnt.d.next = self.cnt.q.val() + self.k_one5.val();
        }
        if self.do_pop.val() & !self.do_push.val() {
            self.cnt.d.next = self.cnt.q.val() - self.k_one5.val();
        }
        if self.reset.val() {
            self.wp.d.next = self.k_zero4.val();
            self.rp.d.next = self.k_zero4.val();
            self.cnt.d.next = self.k_zero5.val();
        }
    }
}
