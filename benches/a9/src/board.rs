//! The Zynq-7000 processing system as `qemu-system-arm -M xilinx-zynq-a9` models it: start-up
//! code, exception vectors, the console UART, the A9 global timer, the heap, a critical
//! section for the single core, and semihosting exit (how the program ends QEMU with a status).

use core::fmt;
use core::ptr::{read_volatile, write_volatile};

/// UART1 (Cadence UART at 0xE000_1000): the console on Zynq boards. QEMU's xilinx-zynq-a9 wires
/// UART0 (0xE000_0000) to its first serial port and UART1 to the second, so the program is run
/// with `-serial null -serial mon:stdio`.
const UART1: usize = 0xE000_1000;
const UART_CR: usize = 0x00;
const UART_MR: usize = 0x04;
const UART_BAUDGEN: usize = 0x18;
const UART_SR: usize = 0x2C;
const UART_FIFO: usize = 0x30;
const UART_BAUDDIV: usize = 0x34;
const UART_SR_TXFULL: u32 = 1 << 4;

/// The A9 MPCore global timer (PERIPHBASE 0xF8F0_0000 + 0x200): a 64-bit up-counter.
const GTIMER: usize = 0xF8F0_0200;
const GT_COUNTER_LO: usize = 0x00;
const GT_COUNTER_HI: usize = 0x04;
const GT_CONTROL: usize = 0x08;

fn reg_read(addr: usize) -> u32 {
    // SAFETY: `addr` is one of the device registers above, mapped by the machine and read as a
    // naturally aligned 32-bit word; reads have no side effect on these registers.
    unsafe { read_volatile(addr as *const u32) }
}

fn reg_write(addr: usize, value: u32) {
    // SAFETY: as in `reg_read`; the program is the only software on the core.
    unsafe { write_volatile(addr as *mut u32, value) }
}

/// The console: UART1 at 115200 8N1 (BAUDGEN 124, BAUDDIV 6 from a 100 MHz reference).
pub struct Uart;

impl Uart {
    pub fn init() -> Uart {
        reg_write(UART1 + UART_CR, 0b11); // reset the TX and RX paths
        reg_write(UART1 + UART_MR, 0x20); // 8 data bits, no parity, 1 stop bit
        reg_write(UART1 + UART_BAUDGEN, 124);
        reg_write(UART1 + UART_BAUDDIV, 6);
        reg_write(UART1 + UART_CR, (1 << 4) | (1 << 2)); // TX and RX enabled
        Uart
    }

    pub fn write_byte(&mut self, b: u8) {
        while reg_read(UART1 + UART_SR) & UART_SR_TXFULL != 0 {}
        reg_write(UART1 + UART_FIFO, u32::from(b));
    }
}

impl fmt::Write for Uart {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            if b == b'\n' {
                self.write_byte(b'\r');
            }
            self.write_byte(b);
        }
        Ok(())
    }
}

/// Prints a line on the console.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let mut uart = $crate::board::Uart;
        // Writing to the UART cannot fail.
        let _ = writeln!(uart, $($arg)*);
    }};
}

/// Starts the global timer (prescaler 0: one tick per PERIPHCLK).
pub fn timer_start() {
    reg_write(GTIMER + GT_CONTROL, 1);
}

/// The global timer's 64-bit count (high word read twice around the low word).
pub fn timer_now() -> u64 {
    loop {
        let hi = reg_read(GTIMER + GT_COUNTER_HI);
        let lo = reg_read(GTIMER + GT_COUNTER_LO);
        if reg_read(GTIMER + GT_COUNTER_HI) == hi {
            return (u64::from(hi) << 32) | u64::from(lo);
        }
    }
}

#[global_allocator]
static HEAP: embedded_alloc::TlsfHeap = embedded_alloc::TlsfHeap::empty();

extern "C" {
    static __heap_start: u8;
    static __heap_end: u8;
}

/// Hands the DDR above the stack to the allocator. Called once, first thing in `main`.
pub fn heap_init() -> usize {
    // The linker symbols are addresses only, never read.
    let (start, end) = (
        core::ptr::addr_of!(__heap_start) as usize,
        core::ptr::addr_of!(__heap_end) as usize,
    );
    let size = end.saturating_sub(start);
    // SAFETY: [start, end) is DDR that link.x leaves to the heap and nothing else uses; this
    // runs once, before any allocation.
    unsafe { HEAP.init(start, size) };
    size
}

/// The critical section of a single core: IRQs masked, the previous mask restored.
struct SingleCore;
critical_section::set_impl!(SingleCore);

// SAFETY: one core runs the program (start-up parks any other), and masking IRQs is all
// that can interrupt it; the saved CPSR restores the mask as it was.
unsafe impl critical_section::Impl for SingleCore {
    unsafe fn acquire() -> critical_section::RawRestoreState {
        let cpsr: u32;
        // SAFETY: reads CPSR and masks IRQs; no memory is touched.
        unsafe { core::arch::asm!("mrs {0}, cpsr", "cpsid i", out(reg) cpsr) };
        cpsr
    }

    unsafe fn release(cpsr: critical_section::RawRestoreState) {
        if cpsr & (1 << 7) == 0 {
            // SAFETY: unmasks IRQs, which were unmasked when the section was entered.
            unsafe { core::arch::asm!("cpsie i") };
        }
    }
}

/// Semihosting SYS_EXIT reasons (QEMU exits 0 for ApplicationExit, 1 for anything else).
const ADP_STOPPED_APPLICATION_EXIT: u32 = 0x2_0026;
const ADP_STOPPED_RUNTIME_ERROR: u32 = 0x2_0023;

/// Ends the emulation: status 0 when `ok`, 1 otherwise (`-semihosting-config enable=on`).
pub fn exit(ok: bool) -> ! {
    let reason = if ok {
        ADP_STOPPED_APPLICATION_EXIT
    } else {
        ADP_STOPPED_RUNTIME_ERROR
    };
    loop {
        // SAFETY: the semihosting call SYS_EXIT (0x18) with the reason in r1; QEMU stops here.
        // Without a debugger or semihosting it is an SVC, which the vector table turns into
        // a reported fault.
        unsafe {
            core::arch::asm!("svc 0x123456", in("r0") 0x18u32, in("r1") reason, options(nostack));
        }
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    println!("satchain-a9: PANIC {info}");
    exit(false)
}

/// Where the exception vectors land: reports which exception and stops.
#[no_mangle]
extern "C" fn exception(which: u32, lr: u32) -> ! {
    let name = match which {
        1 => "undefined instruction",
        2 => "supervisor call",
        3 => "prefetch abort",
        4 => "data abort",
        6 => "IRQ",
        7 => "FIQ",
        _ => "reset",
    };
    println!("satchain-a9: FAULT {name} (lr {lr:#010x})");
    exit(false)
}

// Start-up: park every core but 0, set the stack and the vector base, zero .bss, call `main`.
// The target is soft-float, so the VFP stays off.
core::arch::global_asm!(
    r#"
    .section .text.start, "ax"
    .global _start
    .arm
_start:
    mrc   p15, 0, r0, c0, c0, 5      @ MPIDR
    ands  r0, r0, #3
    bne   2f
    ldr   sp, =__stack_top
    ldr   r0, =vectors
    mcr   p15, 0, r0, c12, c0, 0     @ VBAR
    ldr   r0, =__bss_start
    ldr   r1, =__bss_end
    mov   r2, #0
1:  cmp   r0, r1
    strlo r2, [r0], #4
    blo   1b
    bl    main
2:  wfi
    b     2b

    .section .text.vectors, "ax"
    .balign 32
vectors:                             @ one branch per vector, VBAR + 4 * n
    b v0
    b v1
    b v2
    b v3
    b v4
    b v5
    b v6
    b v7
v0: mov r0, #0
    b   3f
v1: mov r0, #1
    b   3f
v2: mov r0, #2
    b   3f
v3: mov r0, #3
    b   3f
v4: mov r0, #4
    b   3f
v5: mov r0, #5
    b   3f
v6: mov r0, #6
    b   3f
v7: mov r0, #7
3:  mov r1, lr
    ldr sp, =__stack_top
    b   exception
"#
);
