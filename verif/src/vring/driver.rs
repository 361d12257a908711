//! The software side of the ring protocol (`hdl/src/vring/README.md`, "Indices and flow
//! control"), as a driver loop runs it: publish slots into the job ring, ring the doorbell,
//! poll one status word, take the new result entries from the result ring and hand their
//! memory back. It counts every register access it makes, so a test measures the MMIO cost
//! per verify. The block under test is reached through [`RingRegs`] (the ring's own ports in
//! `vring.rs`, the `VerifyPath`'s in `vring_path.rs`; the `VRING_*` registers once the ring
//! is in the top).
use crate::axi_mem::AxiMem;
use crate::sim::{Model, PortId, SimError};
use accel_driver::DmaRegion;
use satchain_hdl::vring::model::{encode_slot, result_addr, slot_addr, ResultEntry};

use super::Slot;

/// The registers the driver loop touches, one access each, and the memory the rings live in
/// (reached through the same object: on the top, the memory answers the ring's AXI master
/// while a register access runs).
pub trait RingRegs {
    /// The memory holding both rings.
    fn mem(&mut self) -> &mut AxiMem;
    /// One status read: (`res_head`, `err`).
    fn status(&mut self) -> (u16, bool);
    /// `res_tail` write (results consumed).
    fn write_res_tail(&mut self, v: u16);
    /// `job_head` write (the doorbell).
    fn write_job_head(&mut self, v: u16);
}

/// Driver state: the rings' placement, software's indices, the results taken, the slots
/// written and the register accesses made.
#[derive(Debug, Clone)]
pub struct SwDriver {
    pub job_base: u32,
    pub job_log2: u8,
    pub res_base: u32,
    pub res_log2: u8,
    pub head: u16,
    pub rtail: u16,
    pub mmio_reads: u64,
    pub mmio_writes: u64,
    /// Result entries in the order they were read from the ring.
    pub results: Vec<ResultEntry>,
    /// Every slot written, by ring index.
    pub published: Vec<Slot>,
}

impl SwDriver {
    pub fn new(job_base: u32, job_log2: u8, res_base: u32, res_log2: u8) -> SwDriver {
        SwDriver {
            job_base,
            job_log2,
            res_base,
            res_log2,
            head: 0,
            rtail: 0,
            mmio_reads: 0,
            mmio_writes: 0,
            results: Vec::new(),
            published: Vec::new(),
        }
    }

    /// Software's view after a soft reset (which zeroes the block's indices).
    pub fn restart(&mut self) {
        self.head = 0;
        self.rtail = 0;
        self.results.clear();
        self.published.clear();
    }

    /// A new batch on the same rings: the indices continue, the lists of results and
    /// published slots start empty.
    pub fn next_batch(&mut self) {
        self.results.clear();
        self.published.clear();
    }

    /// One driver step: read the status (1 read); if results came, take them from memory and
    /// return their entries (1 write); publish up to `chunk` of the next `slots` into the free
    /// slots (1 write). Returns whether the block reported an error.
    pub fn poll(&mut self, regs: &mut impl RingRegs, slots: &[Slot], chunk: u32) -> bool {
        self.mmio_reads += 1;
        let (res_head, err) = regs.status();
        if err {
            return true;
        }
        if res_head != self.rtail {
            while self.rtail != res_head {
                let a = result_addr(self.res_base, self.res_log2, self.rtail);
                let mut b = [0u8; 8];
                let mem = regs.mem();
                let off = mem_off(mem, a);
                if let Err(e) = mem.read(off, &mut b) {
                    panic!("result entry {} at {a:#x}: {e:?}", self.rtail);
                }
                let e = ResultEntry::decode(u64::from_le_bytes(b)).unwrap_or(ResultEntry {
                    tag: 0xFFFF,
                    code: 0xFF,
                    cycles: 0,
                });
                self.results.push(e);
                self.rtail = self.rtail.wrapping_add(1);
            }
            regs.write_res_tail(self.rtail);
            self.mmio_writes += 1;
        }
        // Slots free: those whose result software has taken (a result implies its slot was
        // read, and slots are read in order).
        let size = 1u32 << self.job_log2;
        let outstanding = u32::from(self.head.wrapping_sub(self.rtail));
        let next = self.published.len();
        let room = (size - outstanding).min(chunk) as usize;
        let n = room.min(slots.len().saturating_sub(next));
        if n > 0 {
            let mem = regs.mem();
            for s in &slots[next..next + n] {
                let a = slot_addr(self.job_base, self.job_log2, self.head);
                let off = mem_off(mem, a);
                if let Err(e) = mem.write(off, &encode_slot(s.header, &s.words)) {
                    panic!("slot {} at {a:#x}: {e:?}", self.head);
                }
                // Garbage in the unread tail of the slot.
                if let Err(e) = mem.write(off + 168, &[0xEE; 88]) {
                    panic!("slot tail {} at {a:#x}: {e:?}", self.head);
                }
                self.published.push(s.clone());
                self.head = self.head.wrapping_add(1);
            }
            regs.write_job_head(self.head);
            self.mmio_writes += 1;
        }
        false
    }
}

/// Offset of bus address `addr` in `mem`.
pub fn mem_off(mem: &AxiMem, addr: u64) -> usize {
    (addr - mem.bus_addr()) as usize
}

/// The four ports a driver loop touches, on a model that has the ring's port names (the
/// `VerifyRing` itself, the `VerifyPath`).
#[derive(Debug, Clone, Copy)]
pub struct RegPorts {
    pub res_head: PortId,
    pub err: PortId,
    pub res_tail: PortId,
    pub job_head: PortId,
}

impl RegPorts {
    /// # Errors
    /// The model lacks one of the ports.
    pub fn find(m: &Model) -> Result<RegPorts, SimError> {
        Ok(RegPorts {
            res_head: m.port("res_head")?,
            err: m.port("err")?,
            res_tail: m.port("res_tail")?,
            job_head: m.port("job_head")?,
        })
    }
}

/// [`RingRegs`] on a model's ports: each access is a port read or write (between clocks).
pub struct PortRegs<'a> {
    pub m: &'a mut Model,
    pub p: RegPorts,
    pub mem: &'a mut AxiMem,
}

impl RingRegs for PortRegs<'_> {
    fn mem(&mut self) -> &mut AxiMem {
        self.mem
    }
    fn status(&mut self) -> (u16, bool) {
        (
            self.m.get(self.p.res_head) as u16,
            self.m.get(self.p.err) == 1,
        )
    }
    fn write_res_tail(&mut self, v: u16) {
        self.m.set(self.p.res_tail, u64::from(v));
    }
    fn write_job_head(&mut self, v: u16) {
        self.m.set(self.p.job_head, u64::from(v));
    }
}
