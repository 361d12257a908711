//! Block-RAM leaves of the cluster: [`Bram`] (one write port, one read port) and [`Brom2`]
//! (two read ports, contents fixed at generation time). Both read in **two** clocks: the
//! address presented in cycle c is latched by the memory array at the end of c, and the word
//! appears on the output in cycle c + 2 from an output register (the BRAM's `DO_REG`; yosys
//! 0.23 keeps it as 256 fabric flip-flops right after the RAMB36, Vivado packs it into the
//! primitive). So no path starts at a BRAM's slow clock-to-out and goes through logic.
//!
//! Read during write (same address, same clock edge): the read returns the **old** word. The
//! cluster never depends on it: a value written in cycle W is read only by an instruction
//! selected after W, whose address reaches the memory in W + 2 or later (`cluster.rs`).
//!
//! rust-hdl workaround: rust-hdl 0.46's `RAM` has no output register and its `ROM` is a LUT
//! `case`, so these are leaf primitives whose `hdl()` is `Verilog::Custom` (the plain inference
//! template that yosys and Verilator both understand) and whose `update()` is the same
//! behaviour for rust-hdl's simulator. They hold only the array and its two registers.

use rust_hdl::prelude::*;

/// The `initial` block that loads `mem` with `init` (no block if `init` is empty).
fn init_block<const W: usize>(init: &[Bits<W>]) -> String {
    if init.is_empty() {
        return String::new();
    }
    let mut s = String::from("initial begin\n");
    for (i, w) in init.iter().enumerate() {
        s.push_str(&format!("   mem[{i}] = {};\n", w.verilog()));
    }
    s.push_str("end\n");
    s
}

/// `2^A` words of `W` bits: write port (`we`, `waddr`, `wdata`), read port (`raddr` ->
/// `rdata` two clocks later).
#[derive(LogicBlock)]
pub struct Bram<const W: usize, const A: usize> {
    pub clock: Signal<In, Clock>,
    pub we: Signal<In, Bit>,
    pub waddr: Signal<In, Bits<A>>,
    pub wdata: Signal<In, Bits<W>>,
    pub raddr: Signal<In, Bits<A>>,
    /// `mem[raddr]` as of the clock edge that latched `raddr`, two clocks after it.
    pub rdata: Signal<Out, Bits<W>>,
    _mem: Vec<Bits<W>>,
    _q1: Bits<W>,
    _q2: Bits<W>,
    _init: Vec<Bits<W>>,
}

impl<const W: usize, const A: usize> Bram<W, A> {
    /// A memory whose first words are `init` (the rest 0).
    pub fn new(init: &[Bits<W>]) -> Self {
        assert!(
            init.len() <= 1 << A,
            "Bram: more initial words than addresses"
        );
        let mut mem = vec![Bits::<W>::default(); 1 << A];
        mem[..init.len()].copy_from_slice(init);
        Self {
            clock: Default::default(),
            we: Default::default(),
            waddr: Default::default(),
            wdata: Default::default(),
            raddr: Default::default(),
            rdata: Default::default(),
            _mem: mem,
            _q1: Bits::default(),
            _q2: Bits::default(),
            _init: init.to_vec(),
        }
    }
}

impl<const W: usize, const A: usize> Default for Bram<W, A> {
    fn default() -> Self {
        Self::new(&[])
    }
}

impl<const W: usize, const A: usize> Logic for Bram<W, A> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self._q2 = self._q1;
            self._q1 = self
                ._mem
                .get(self.raddr.val().index())
                .copied()
                .unwrap_or_default();
            if self.we.val() {
                if let Some(w) = self._mem.get_mut(self.waddr.val().index()) {
                    *w = self.wdata.val();
                }
            }
        }
        self.rdata.next = self._q2;
    }

    fn connect(&mut self) {
        self.rdata.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "\
(* ram_style = \"block\" *) reg [{wm1}:0] mem [0:{dm1}];
reg [{wm1}:0] q1;
reg [{wm1}:0] q2;
{init}
always @(posedge clock) begin
   if (we) begin
      mem[waddr] <= wdata;
   end
   q1 <= mem[raddr];
   q2 <= q1;
end
always @(*) rdata = q2;
",
            wm1 = W - 1,
            dm1 = (1usize << A) - 1,
            init = init_block(&self._init),
        ))
    }
}

/// `2^A` words of `W` bits with initial contents, two read ports (`ra` -> `qa`, `rb` -> `qb`,
/// each two clocks later) and a load port (`we`, `wa`, `wd`). The load port exists for test
/// benches (a program loaded at run time); a design that ties `we` to 0 has a ROM, one
/// true-dual-port block RAM per 512 x 72 slice (yosys removes a write port whose enable is
/// constant 0).
#[derive(LogicBlock)]
pub struct Brom2<const W: usize, const A: usize> {
    pub clock: Signal<In, Clock>,
    pub we: Signal<In, Bit>,
    pub wa: Signal<In, Bits<A>>,
    pub wd: Signal<In, Bits<W>>,
    pub ra: Signal<In, Bits<A>>,
    pub qa: Signal<Out, Bits<W>>,
    pub rb: Signal<In, Bits<A>>,
    pub qb: Signal<Out, Bits<W>>,
    _mem: Vec<Bits<W>>,
    _q: [Bits<W>; 4],
}

impl<const W: usize, const A: usize> Brom2<W, A> {
    /// A ROM holding `init` (missing words are 0).
    pub fn new(init: &[Bits<W>]) -> Self {
        assert!(init.len() <= 1 << A, "Brom2: more words than addresses");
        let mut mem = vec![Bits::<W>::default(); 1 << A];
        mem[..init.len()].copy_from_slice(init);
        Self {
            clock: Default::default(),
            we: Default::default(),
            wa: Default::default(),
            wd: Default::default(),
            ra: Default::default(),
            qa: Default::default(),
            rb: Default::default(),
            qb: Default::default(),
            _mem: mem,
            _q: [Bits::default(); 4],
        }
    }
}

impl<const W: usize, const A: usize> Logic for Brom2<W, A> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self._q[2] = self._q[0];
            self._q[3] = self._q[1];
            self._q[0] = self
                ._mem
                .get(self.ra.val().index())
                .copied()
                .unwrap_or_default();
            self._q[1] = self
                ._mem
                .get(self.rb.val().index())
                .copied()
                .unwrap_or_default();
        }
        self.qa.next = self._q[2];
        self.qb.next = self._q[3];
    }

    fn connect(&mut self) {
        self.qa.connect();
        self.qb.connect();
    }

    fn hdl(&self) -> Verilog {
        // With any word set, every word is listed (zeros included): the contents never depend
        // on a simulator's or synthesizer's default. An all-zero image (a test bench that
        // loads its program through `we`) has no initial block at all.
        let any = self._mem.iter().any(|w| w.any());
        let init = if any {
            init_block(&self._mem)
        } else {
            String::new()
        };
        Verilog::Custom(format!(
            "\
(* rom_style = \"block\" *) reg [{wm1}:0] mem [0:{dm1}];
reg [{wm1}:0] a1;
reg [{wm1}:0] b1;
reg [{wm1}:0] a2;
reg [{wm1}:0] b2;
{init}
always @(posedge clock) begin
   if (we) begin
      mem[wa] <= wd;
   end
   a1 <= mem[ra];
   b1 <= mem[rb];
   a2 <= a1;
   b2 <= b1;
end
always @(*) qa = a2;
always @(*) qb = b2;
",
            wm1 = W - 1,
            dm1 = (1usize << A) - 1,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bram_and_rom_generate_inference_templates() {
        let mut ram = Bram::<256, 9>::new(&[Bits::from(5u64)]);
        ram.connect_all();
        let v = generate_verilog(&ram);
        assert!(v.contains("reg [255:0] mem [0:511];"));
        assert!(v.contains("mem[0] = 256'h"));
        let mut rom = Brom2::<72, 11>::new(&[Bits::from(3u64), Bits::from(4u64)]);
        rom.connect_all();
        let v = generate_verilog(&rom);
        assert!(v.contains("reg [71:0] mem [0:2047];"));
        assert!(v.contains("mem[1] = 72'h"));
        assert!(v.contains("mem[2047] = 72'h"));
    }
}
