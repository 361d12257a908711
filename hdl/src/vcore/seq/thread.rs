//! `ThreadCtl`: the state and control of one hardware thread (the sequencer instantiates
//! `THREADS` of them): HEAD, PC, RA, LC, I, flags, the counters `mc`/`ac`/`rc`, the job's tag
//! and age, and every per-thread decision, each registered so that the cluster-wide logic
//! (arbiters, port multiplexers) starts from flip-flops.
//!
//! Timing (cycle t is a select cycle; see `seq/mod.rs` for the whole pipeline):
//! - `rdy_m/rdy_a/rdy_c` for cycle t+1 are computed in t from the HEAD (or the ROM word
//!   arriving in t, which becomes HEAD at the end of t), the counters after this cycle's
//!   completions (`dec_*`), the waits and the op's own conditions. A thread selected in t has
//!   HEAD invalid from t+1 (`hv` is cleared by its grant), so its ready bit of t+1 is masked by
//!   the sequencer with the registered grant.
//! - `npc`, `aaddr`, `baddr` are recomputed every cycle from the registers of that cycle, so in
//!   t+1 they hold the values of the select cycle t: the next PC with the flags/LC of cycle t
//!   (ISA.md: "control evaluated with the flags/LC as of select"), the operand addresses with
//!   I as of t.
//! - The effects of a selection in t are applied at the end of t+1 (`won_*` registered): PC,
//!   LC (DJNZ, LDLC), RA (CALL), counter increments. No consumer can observe the one-cycle
//!   delay: the thread's next HEAD is valid only in t + FETCH_CYCLES = t+4.
//! - A completion in cycle W (`dec_*`, flag writes) is seen by a select in W+1.
//!
//! Watchdog: `age` counts from the first select f (`age(t) = t - f` for t > f); from the
//! select cycle t with `t - f >= WATCHDOG_CYCLES` on, the HEAD is treated as a HALT 15.

use crate::vcore::timing::WATCHDOG_CYCLES;
use rust_hdl::prelude::*;

/// Width of the age counter: holds WATCHDOG_CYCLES plus the drain of a killed thread.
pub const AGE_BITS: usize = 21;
const _: () = assert!((WATCHDOG_CYCLES as u64) + 4096 < (1u64 << AGE_BITS));

/// One thread (see the module docs).
#[derive(LogicBlock)]
pub struct ThreadCtl {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub grant_m: Signal<In, Bit>,
    pub grant_a: Signal<In, Bit>,
    pub grant_c: Signal<In, Bit>,
    // ROM read ports 0..3 (MUL, ALU, CTL, job entry): a word for thread `rom_tid*` when
    // `rom_v*` (separate ports, not arrays: rust-hdl resolves only one array index per name,
    // and the sequencer addresses these inside its thread array).
    pub rom_v0: Signal<In, Bit>,
    pub rom_v1: Signal<In, Bit>,
    pub rom_v2: Signal<In, Bit>,
    pub rom_v3: Signal<In, Bit>,
    pub rom_tid0: Signal<In, Bits<5>>,
    pub rom_tid1: Signal<In, Bits<5>>,
    pub rom_tid2: Signal<In, Bits<5>>,
    pub rom_tid3: Signal<In, Bits<5>>,
    pub rom_q0: Signal<In, Bits<72>>,
    pub rom_q1: Signal<In, Bits<72>>,
    pub rom_q2: Signal<In, Bits<72>>,
    pub rom_q3: Signal<In, Bits<72>>,
    pub dec_m: Signal<In, Bit>,
    pub dec_a: Signal<In, Bit>,
    pub dec_r: Signal<In, Bit>,
    /// Flag writes of a completing A-op of this thread: EQ, LT, C, OD (enable, value).
    pub fl_we: Signal<In, Bits<4>>,
    pub fl_val: Signal<In, Bits<4>>,
    /// DIG result for this thread: {SG, DZ, I[5:0]}.
    pub dig_v: Signal<In, Bit>,
    pub dig: Signal<In, Bits<8>>,
    /// Load a job into this thread at the end of this cycle.
    pub load: Signal<In, Bit>,
    pub load_tag: Signal<In, Bits<16>>,
    pub load_pc: Signal<In, Bits<11>>,
    pub rdy_m: Signal<Out, Bit>,
    pub rdy_a: Signal<Out, Bit>,
    pub rdy_c: Signal<Out, Bit>,
    pub isrec: Signal<Out, Bit>,
    pub npc: Signal<Out, Bits<11>>,
    /// Operand A: bank (1 = S) and register.
    pub a_s: Signal<Out, Bit>,
    pub a_reg: Signal<Out, Bits<5>>,
    /// Operand B: K (then `b_kidx`), else bank (1 = S) and register.
    pub b_k: Signal<Out, Bit>,
    pub b_s: Signal<Out, Bit>,
    pub b_reg: Signal<Out, Bits<5>>,
    pub b_kidx: Signal<Out, Bits<8>>,
    pub d: Signal<Out, Bits<5>>,
    pub op: Signal<Out, Bits<6>>,
    pub imm: Signal<Out, Bits<8>>,
    pub sg: Signal<Out, Bit>,
    pub lc: Signal<Out, Bits<8>>,
    /// Registered at the CTL grant: the thread ended in the previous cycle (HALT, fault,
    /// watchdog), with this result code.
    pub halted: Signal<Out, Bit>,
    pub code: Signal<Out, Bits<4>>,
    /// The HEAD is a DIG (valid in the cycle after its select).
    pub isdig: Signal<Out, Bit>,
    pub tag: Signal<Out, Bits<16>>,
    /// Clocks since the first select (the result's `cycles` in the cycle after the HALT select).
    pub age: Signal<Out, Bits<AGE_BITS>>,
    pub active: Signal<Out, Bit>,
    // ---- state ----
    head: DFF<Bits<72>>,
    hv: DFF<Bit>,
    pc: DFF<Bits<11>>,
    ra: DFF<Bits<11>>,
    lcr: DFF<Bits<8>>,
    /// I, stored in 8 bits (top two always 0) so that K indexing needs no widening.
    ix: DFF<Bits<8>>,
    f_eq: DFF<Bit>,
    f_lt: DFF<Bit>,
    f_c: DFF<Bit>,
    f_od: DFF<Bit>,
    f_sg: DFF<Bit>,
    f_dz: DFF<Bit>,
    mc: DFF<Bits<6>>,
    ac: DFF<Bits<4>>,
    rc: DFF<Bits<3>>,
    act: DFF<Bit>,
    started: DFF<Bit>,
    agr: DFF<Bits<AGE_BITS>>,
    tagr: DFF<Bits<16>>,
    won_m: DFF<Bit>,
    won_a: DFF<Bit>,
    won_c: DFF<Bit>,
    r_m: DFF<Bit>,
    r_a: DFF<Bit>,
    r_c: DFF<Bit>,
    r_halt: DFF<Bit>,
    r_code15: DFF<Bit>,
    r_npc: DFF<Bits<11>>,
    halted_q: DFF<Bit>,
    code_q: DFF<Bits<4>>,
    r_a6: DFF<Bits<6>>,
    r_bk: DFF<Bit>,
    r_b6: DFF<Bits<6>>,
    r_kidx: DFF<Bits<8>>,
    // ---- locals ----
    arrive: Signal<Local, Bit>,
    hs: Signal<Local, Bits<72>>,
    mcn: Signal<Local, Bits<6>>,
    acn: Signal<Local, Bits<4>>,
    rcn: Signal<Local, Bits<3>>,
    dm: Signal<Local, Bits<6>>,
    da: Signal<Local, Bits<4>>,
    dr: Signal<Local, Bits<3>>,
    mw_ext: Signal<Local, Bits<6>>,
    aw_ext: Signal<Local, Bits<4>>,
    ixa: Signal<Local, Bits<6>>,
    ixb: Signal<Local, Bits<6>>,
    ixk: Signal<Local, Bits<8>>,
    wokm: Signal<Local, Bit>,
    woka: Signal<Local, Bit>,
    drained: Signal<Local, Bit>,
    wdn: Signal<Local, Bit>,
    valid: Signal<Local, Bit>,
    won_any: Signal<Local, Bit>,
    ctl: Signal<Local, Bits<3>>,
    taken: Signal<Local, Bit>,
    fsel: Signal<Local, Bit>,
    pc1: Signal<Local, Bits<11>>,
    ra6: Signal<Local, Bits<6>>,
    rb6: Signal<Local, Bits<6>>,
    rk8: Signal<Local, Bits<8>>,
    // ---- constants ----
    k_id: Constant<Bits<5>>,
    k_wd: Constant<Bits<AGE_BITS>>,
    k_one_age: Constant<Bits<AGE_BITS>>,
    /// ctl codes 1 JMP, 2 BR, 3 DJNZ, 4 CALL, 5 RET at k_c[0..5] = code - 1.
    k_c: [Constant<Bits<3>>; 5],
    k_seven: Constant<Bits<3>>,
    k_15: Constant<Bits<4>>,
    k_zero6: Constant<Bits<6>>,
    k_zero4: Constant<Bits<4>>,
    k_zero3: Constant<Bits<3>>,
    k_zero8: Constant<Bits<8>>,
    k_zero11: Constant<Bits<11>>,
    k_one6: Constant<Bits<6>>,
    k_one4: Constant<Bits<4>>,
    k_one3: Constant<Bits<3>>,
    k_one8: Constant<Bits<8>>,
    k_one11: Constant<Bits<11>>,
    k_cond: [Constant<Bits<3>>; 6],
    k_m3_6: Constant<Bits<6>>,
    k_m3_4: Constant<Bits<4>>,
    k_zero_ix: Constant<Bits<8>>,
    k_m6: Constant<Bits<8>>,
}

impl ThreadCtl {
    /// Thread number `id` (< 32).
    pub fn new(id: usize) -> Self {
        assert!(id < 32, "ThreadCtl: at most 32 threads");
        let k = |v: u64| Constant::new(Bits::from(v));
        Self {
            clock: Default::default(),
            reset: Default::default(),
            grant_m: Default::default(),
            grant_a: Default::default(),
            grant_c: Default::default(),
            rom_v0: Default::default(),
            rom_v1: Default::default(),
            rom_v2: Default::default(),
            rom_v3: Default::default(),
            rom_tid0: Default::default(),
            rom_tid1: Default::default(),
            rom_tid2: Default::default(),
            rom_tid3: Default::default(),
            rom_q0: Default::default(),
            rom_q1: Default::default(),
            rom_q2: Default::default(),
            rom_q3: Default::default(),
            dec_m: Default::default(),
            dec_a: Default::default(),
            dec_r: Default::default(),
            fl_we: Default::default(),
            fl_val: Default::default(),
            dig_v: Default::default(),
            dig: Default::default(),
            load: Default::default(),
            load_tag: Default::default(),
            load_pc: Default::default(),
            rdy_m: Default::default(),
            rdy_a: Default::default(),
            rdy_c: Default::default(),
            isrec: Default::default(),
            npc: Default::default(),
            a_s: Default::default(),
            a_reg: Default::default(),
            b_k: Default::default(),
            b_s: Default::default(),
            b_reg: Default::default(),
            b_kidx: Default::default(),
            d: Default::default(),
            op: Default::default(),
            imm: Default::default(),
            sg: Default::default(),
            lc: Default::default(),
            halted: Default::default(),
            code: Default::default(),
            isdig: Default::default(),
            tag: Default::default(),
            age: Default::default(),
            active: Default::default(),
            head: Default::default(),
            hv: Default::default(),
            pc: Default::default(),
            ra: Default::default(),
            lcr: Default::default(),
            ix: Default::default(),
            f_eq: Default::default(),
            f_lt: Default::default(),
            f_c: Default::default(),
            f_od: Default::default(),
            f_sg: Default::default(),
            f_dz: Default::default(),
            mc: Default::default(),
            ac: Default::default(),
            rc: Default::default(),
            act: Default::default(),
            started: Default::default(),
            agr: Default::default(),
            tagr: Default::default(),
            won_m: Default::default(),
            won_a: Default::default(),
            won_c: Default::default(),
            r_m: Default::default(),
            r_a: Default::default(),
            r_c: Default::default(),
            r_halt: Default::default(),
            r_code15: Default::default(),
            r_npc: Default::default(),
            halted_q: Default::default(),
            code_q: Default::default(),
            r_a6: Default::default(),
            r_bk: Default::default(),
            r_b6: Default::default(),
            r_kidx: Default::default(),
            arrive: Default::default(),
            hs: Default::default(),
            mcn: Default::default(),
            acn: Default::default(),
            rcn: Default::default(),
            dm: Default::default(),
            da: Default::default(),
            dr: Default::default(),
            mw_ext: Default::default(),
            aw_ext: Default::default(),
            ixa: Default::default(),
            ixb: Default::default(),
            ixk: Default::default(),
            wokm: Default::default(),
            woka: Default::default(),
            drained: Default::default(),
            wdn: Default::default(),
            valid: Default::default(),
            won_any: Default::default(),
            ctl: Default::default(),
            taken: Default::default(),
            fsel: Default::default(),
            pc1: Default::default(),
            ra6: Default::default(),
            rb6: Default::default(),
            rk8: Default::default(),
            k_id: Constant::new(Bits::from(id as u64)),
            k_wd: Constant::new(Bits::from(u64::from(WATCHDOG_CYCLES) - 1)),
            k_one_age: Constant::new(Bits::from(1u64)),
            k_c: std::array::from_fn(|i| Constant::new(Bits::from(i as u64 + 1))),
            k_seven: Constant::new(Bits::from(7u64)),
            k_15: Constant::new(Bits::from(15u64)),
            k_zero6: k(0),
            k_zero4: Constant::new(Bits::from(0u64)),
            k_zero3: Constant::new(Bits::from(0u64)),
            k_zero8: Constant::new(Bits::from(0u64)),
            k_zero11: Constant::new(Bits::from(0u64)),
            k_one6: k(1),
            k_one4: Constant::new(Bits::from(1u64)),
            k_one3: Constant::new(Bits::from(1u64)),
            k_one8: Constant::new(Bits::from(1u64)),
            k_one11: Constant::new(Bits::from(1u64)),
            k_cond: std::array::from_fn(|i| Constant::new(Bits::from(i as u64))),
            k_m3_6: Constant::new(Bits::from(7u64)),
            k_m3_4: Constant::new(Bits::from(7u64)),
            k_zero_ix: Constant::new(Bits::from(0u64)),
            k_m6: Constant::new(Bits::from(63u64)),
        }
    }
}

impl Logic for ThreadCtl {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, head, hv, pc, ra, lcr, ix, f_eq, f_lt, f_c, f_od, f_sg, f_dz, mc, ac, rc,
            act, started, agr, tagr, won_m, won_a, won_c, r_m, r_a, r_c, r_halt, r_code15, r_npc,
            r_a6, r_bk, r_b6, r_kidx, halted_q, code_q
        );
        // ---------------- HEAD arrival ----------------
        self.arrive.next = false;
        self.hs.next = self.head.q.val();
        if self.rom_v0.val() & (self.rom_tid0.val() == self.k_id.val()) {
            self.arrive.next = true;
            self.hs.next = self.rom_q0.val();
        }
        if self.rom_v1.val() & (self.rom_tid1.val() == self.k_id.val()) {
            self.arrive.next = true;
            self.hs.next = self.rom_q1.val();
        }
        if self.rom_v2.val() & (self.rom_tid2.val() == self.k_id.val()) {
            self.arrive.next = true;
            self.hs.next = self.rom_q2.val();
        }
        if self.rom_v3.val() & (self.rom_tid3.val() == self.k_id.val()) {
            self.arrive.next = true;
            self.hs.next = self.rom_q3.val();
        }
        if self.arrive.val() {
            self.head.d.next = self.hs.val();
        }
        self.won_any.next = self.grant_m.val() | self.grant_a.val() | self.grant_c.val();
        self.hv.d.next = (self.hv.q.val() & !self.won_any.val()) | self.arrive.val();
        self.won_m.d.next = self.grant_m.val();
        self.won_a.d.next = self.grant_a.val();
        self.won_c.d.next = self.grant_c.val();

        // ---------------- counters after this cycle's completions ----------------
        self.dm.next = self.k_zero6.val();
        if self.dec_m.val() {
            self.dm.next = self.k_one6.val();
        }
        self.da.next = self.k_zero4.val();
        if self.dec_a.val() {
            self.da.next = self.k_one4.val();
        }
        self.dr.next = self.k_zero3.val();
        if self.dec_r.val() {
            self.dr.next = self.k_one3.val();
        }
        self.mcn.next = self.mc.q.val() - self.dm.val();
        self.acn.next = self.ac.q.val() - self.da.val();
        self.rcn.next = self.rc.q.val() - self.dr.val();

        // ---------------- readiness for the next cycle ----------------
        self.mw_ext.next = self.hs.val().get_bits::<6>(24) & self.k_m3_6.val();
        self.aw_ext.next = self.hs.val().get_bits::<4>(21) & self.k_m3_4.val();
        self.wokm.next = (self.hs.val().get_bits::<3>(24) == self.k_seven.val())
            | (self.mcn.val() <= self.mw_ext.val());
        self.woka.next = (self.hs.val().get_bits::<3>(21) == self.k_seven.val())
            | (self.acn.val() <= self.aw_ext.val());
        self.drained.next = (self.mcn.val() == self.k_zero6.val())
            & (self.acn.val() == self.k_zero4.val())
            & (self.rcn.val() == self.k_zero3.val());
        self.wdn.next = self.started.q.val() & (self.agr.q.val() >= self.k_wd.val());
        self.valid.next = self.hv.q.val() | self.arrive.val();
        self.r_m.d.next = self.valid.val()
            & self.hs.val().get_bit(64)
            & !self.wdn.val()
            & self.wokm.val()
            & self.woka.val();
        self.r_a.d.next = self.valid.val()
            & self.hs.val().get_bit(65)
            & !self.wdn.val()
            & self.wokm.val()
            & self.woka.val();
        self.r_c.d.next = self.valid.val()
            & ((self.hs.val().get_bit(66)
                & !self.hs.val().get_bit(67)
                & !self.wdn.val()
                & self.wokm.val()
                & self.woka.val()
                & (!self.hs.val().get_bit(68) | (self.rcn.val() == self.k_zero3.val())))
                | ((self.hs.val().get_bit(67) | self.wdn.val()) & self.drained.val()));
        self.r_halt.d.next = self.hs.val().get_bit(67) | self.wdn.val();
        self.r_code15.d.next = self.wdn.val();

        // ---------------- precomputed next PC and operand addresses ----------------
        self.ctl.next = self.head.q.val().get_bits::<3>(18);
        self.pc1.next = self.pc.q.val() + self.k_one11.val();
        // cond[3:1]: 0 EQ, 1 LT, 2 C, 3 OD, 4 DZ, 5 SG; cond[0] inverts.
        self.fsel.next = false;
        if self.head.q.val().get_bits::<3>(15) == self.k_cond[0].val() {
            self.fsel.next = self.f_eq.q.val();
        }
        if self.head.q.val().get_bits::<3>(15) == self.k_cond[1].val() {
            self.fsel.next = self.f_lt.q.val();
        }
        if self.head.q.val().get_bits::<3>(15) == self.k_cond[2].val() {
            self.fsel.next = self.f_c.q.val();
        }
        if self.head.q.val().get_bits::<3>(15) == self.k_cond[3].val() {
            self.fsel.next = self.f_od.q.val();
        }
        if self.head.q.val().get_bits::<3>(15) == self.k_cond[4].val() {
            self.fsel.next = self.f_dz.q.val();
        }
        if self.head.q.val().get_bits::<3>(15) == self.k_cond[5].val() {
            self.fsel.next = self.f_sg.q.val();
        }
        self.taken.next = self.fsel.val() ^ self.head.q.val().get_bit(14);
        // ctl: 0 SEQ 1 JMP 2 BR 3 DJNZ 4 CALL 5 RET 6 HALT.
        self.r_npc.d.next = self.pc1.val();
        if (self.ctl.val() == self.k_c[0].val())
            | (self.ctl.val() == self.k_c[3].val())
            | ((self.ctl.val() == self.k_c[1].val()) & self.taken.val())
            | ((self.ctl.val() == self.k_c[2].val()) & self.lcr.q.val().any())
        {
            self.r_npc.d.next = self.head.q.val().get_bits::<11>(0);
        }
        if self.ctl.val() == self.k_c[4].val() {
            self.r_npc.d.next = self.ra.q.val();
        }
        self.ixa.next = self.k_zero6.val();
        if self.head.q.val().get_bit(51) {
            self.ixa.next = self.ix.q.val().get_bits::<6>(0);
        }
        self.ixb.next = self.k_zero6.val();
        self.ixk.next = self.k_zero_ix.val();
        if self.head.q.val().get_bit(44) {
            self.ixb.next = self.ix.q.val().get_bits::<6>(0);
            self.ixk.next = self.ix.q.val();
        }
        self.ra6.next = self.head.q.val().get_bits::<6>(45) + self.ixa.val();
        self.rb6.next = self.head.q.val().get_bits::<6>(35) + self.ixb.val();
        self.rk8.next = self.head.q.val().get_bits::<8>(35) + self.ixk.val();
        self.r_a6.d.next = self.ra6.val();
        self.r_b6.d.next = self.rb6.val();
        self.r_kidx.d.next = self.rk8.val();
        self.r_bk.d.next = self.head.q.val().get_bit(43);

        // ---------------- effects of the selection of the previous cycle ----------------
        self.mc.d.next = self.mcn.val();
        self.ac.d.next = self.acn.val();
        self.rc.d.next = self.rcn.val();
        if self.won_m.q.val() {
            self.mc.d.next = self.mcn.val() + self.k_one6.val();
        }
        if self.won_a.q.val() {
            self.ac.d.next = self.acn.val() + self.k_one4.val();
            if self.head.q.val().get_bit(69) {
                self.rc.d.next = self.rcn.val() + self.k_one3.val();
            }
        }
        if self.won_m.q.val() | self.won_a.q.val() | self.won_c.q.val() {
            self.pc.d.next = self.r_npc.q.val();
            self.started.d.next = true;
            if (self.ctl.val() == self.k_c[2].val()) & self.lcr.q.val().any() {
                self.lcr.d.next = self.lcr.q.val() - self.k_one8.val();
            }
            if self.ctl.val() == self.k_c[3].val() {
                self.ra.d.next = self.pc1.val();
            }
        }
        if self.won_c.q.val() & self.head.q.val().get_bit(70) {
            self.lcr.d.next = self.head.q.val().get_bits::<8>(27);
        }
        if self.started.q.val() | self.won_m.q.val() | self.won_a.q.val() | self.won_c.q.val() {
            self.agr.d.next = self.agr.q.val() + self.k_one_age.val();
        }
        self.halted_q.d.next = self.grant_c.val() & self.r_halt.q.val();
        if self.grant_c.val() & self.r_halt.q.val() {
            self.act.d.next = false;
        }
        self.code_q.d.next = self.head.q.val().get_bits::<4>(0);
        if self.r_code15.q.val() {
            self.code_q.d.next = self.k_15.val();
        }
        // ---------------- completions: flags from the ALU, DIG results ----------------
        if self.fl_we.val().get_bit(0) {
            self.f_eq.d.next = self.fl_val.val().get_bit(0);
        }
        if self.fl_we.val().get_bit(1) {
            self.f_lt.d.next = self.fl_val.val().get_bit(1);
        }
        if self.fl_we.val().get_bit(2) {
            self.f_c.d.next = self.fl_val.val().get_bit(2);
        }
        if self.fl_we.val().get_bit(3) {
            self.f_od.d.next = self.fl_val.val().get_bit(3);
        }
        if self.dig_v.val() {
            self.f_sg.d.next = self.dig.val().get_bit(7);
            self.f_dz.d.next = self.dig.val().get_bit(6);
            self.ix.d.next = self.dig.val() & self.k_m6.val();
        }
        // ---------------- job load (overrides) and reset ----------------
        if self.load.val() {
            self.act.d.next = true;
            self.hv.d.next = false;
            self.started.d.next = false;
            self.agr.d.next = self.k_one_age.val();
            self.lcr.d.next = self.k_zero8.val();
            self.ix.d.next = self.k_zero_ix.val();
            self.ra.d.next = self.k_zero11.val();
            self.f_eq.d.next = false;
            self.f_lt.d.next = false;
            self.f_c.d.next = false;
            self.f_od.d.next = false;
            self.f_sg.d.next = false;
            self.f_dz.d.next = false;
            self.mc.d.next = self.k_zero6.val();
            self.ac.d.next = self.k_zero4.val();
            self.rc.d.next = self.k_zero3.val();
            self.tagr.d.next = self.load_tag.val();
            self.pc.d.next = self.load_pc.val();
            self.r_m.d.next = false;
            self.r_a.d.next = false;
            self.r_c.d.next = false;
        }
        if self.reset.val() {
            self.act.d.next = false;
            self.hv.d.next = false;
            self.started.d.next = false;
            self.r_m.d.next = false;
            self.r_a.d.next = false;
            self.r_c.d.next = false;
            self.won_m.d.next = false;
            self.won_a.d.next = false;
            self.won_c.d.next = false;
            self.halted_q.d.next = false;
            self.mc.d.next = self.k_zero6.val();
            self.ac.d.next = self.k_zero4.val();
            self.rc.d.next = self.k_zero3.val();
        }

        // ---------------- outputs ----------------
        self.rdy_m.next = self.r_m.q.val();
        self.rdy_a.next = self.r_a.q.val();
        self.rdy_c.next = self.r_c.q.val();
        self.isrec.next = self.head.q.val().get_bit(69);
        self.npc.next = self.r_npc.q.val();
        self.a_s.next = self.r_a6.q.val().get_bit(5);
        self.a_reg.next = self.r_a6.q.val().get_bits::<5>(0);
        self.b_k.next = self.r_bk.q.val();
        self.b_s.next = self.r_b6.q.val().get_bit(5);
        self.b_reg.next = self.r_b6.q.val().get_bits::<5>(0);
        self.b_kidx.next = self.r_kidx.q.val();
        self.d.next = self.head.q.val().get_bits::<5>(52);
        self.op.next = self.head.q.val().get_bits::<6>(58);
        self.imm.next = self.head.q.val().get_bits::<8>(27);
        self.sg.next = self.f_sg.q.val();
        self.lc.next = self.lcr.q.val();
        self.halted.next = self.halted_q.q.val();
        self.code.next = self.code_q.q.val();
        self.isdig.next = self.head.q.val().get_bit(68);
        self.tag.next = self.tagr.q.val();
        self.age.next = self.agr.q.val();
        self.active.next = self.act.q.val();
    }
}
