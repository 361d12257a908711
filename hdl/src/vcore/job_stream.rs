//! `JobStream`: plays a job's six thread words S0..S5 onto one cluster's `job_word` port, word
//! j in cycle t+3+j after the handshake in t (the cluster's contract, `cluster.rs` "Ports").
//!
//! The words are taken at the handshake (the ReadyQueue's head leaves in that cycle), shifted
//! out of a six-word register in t+1..t+6 and delayed by two registers. The delay (rather than
//! holding the words two cycles before shifting) is what lets the cluster's next handshake
//! come six cycles after the last (`job_ready` is low only in t+1..t+5): the next job loads the
//! shift register at the end of t+6, after its last word has left it. One per cluster: two
//! clusters may take jobs in consecutive cycles.
use rust_hdl::prelude::*;

/// The word player (see the module docs).
#[derive(LogicBlock, Default)]
pub struct JobStream {
    pub clock: Signal<In, Clock>,
    /// The handshake cycle: take `w0..w5`.
    pub load: Signal<In, Bit>,
    pub w0: Signal<In, Bits<256>>,
    pub w1: Signal<In, Bits<256>>,
    pub w2: Signal<In, Bits<256>>,
    pub w3: Signal<In, Bits<256>>,
    pub w4: Signal<In, Bits<256>>,
    pub w5: Signal<In, Bits<256>>,
    /// To the cluster's `job_word`.
    pub word: Signal<Out, Bits<256>>,
    s0: DFF<Bits<256>>,
    s1: DFF<Bits<256>>,
    s2: DFF<Bits<256>>,
    s3: DFF<Bits<256>>,
    s4: DFF<Bits<256>>,
    s5: DFF<Bits<256>>,
    d1: DFF<Bits<256>>,
    d2: DFF<Bits<256>>,
}

impl Logic for JobStream {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s0, s1, s2, s3, s4, s5, d1, d2);
        if self.load.val() {
            self.s0.d.next = self.w0.val();
            self.s1.d.next = self.w1.val();
            self.s2.d.next = self.w2.val();
            self.s3.d.next = self.w3.val();
            self.s4.d.next = self.w4.val();
            self.s5.d.next = self.w5.val();
        } else {
            self.s0.d.next = self.s1.q.val();
            self.s1.d.next = self.s2.q.val();
            self.s2.d.next = self.s3.q.val();
            self.s3.d.next = self.s4.q.val();
            self.s4.d.next = self.s5.q.val();
        }
        self.d1.d.next = self.s0.q.val();
        self.d2.d.next = self.d1.q.val();
        self.word.next = self.d2.q.val();
    }
}
