//! The wait computation of ISA.md ("Waits"): for every instruction X and every value X reads
//! that an M- or A-class op produces, the wait field of that unit must not exceed the number
//! of that unit's ops the thread issued after the producer, on every path into X. This module
//! computes the largest legal `mw` / `aw` per instruction by a forward data-flow analysis over
//! the program's control-flow graph ([`successors`]): the state at a program point is, per
//! register / flag, the smallest such count over all paths reaching it (saturated at 7; "never
//! written on any path" is kept apart and gives [`NO_WAIT`]).
//!
//! The graph: SEQ -> PC+1; JMP -> target; BR, DJNZ -> target and PC+1; CALL -> target; RET ->
//! PC+1 of every CALL whose routine reaches that RET (context-insensitive: a superset of the
//! real paths, so the waits stay legal); HALT -> none. Unreachable instructions keep
//! `mw = aw = 0` (always legal).

use super::effects::{is_a_produced, is_m_produced, reads, Res, RES_COUNT};
use super::isa::{Class, Ctl, Instr, MAX_WAIT, NO_WAIT};

/// "Never written on any path so far".
const NEVER: u8 = u8::MAX;
/// Counts saturate here (any count >= 7 allows the largest real wait, 6).
const SAT: u8 = 7;

/// Successor PCs of every instruction (see the module docs).
pub fn successors(prog: &[Instr]) -> Vec<Vec<usize>> {
    let len = prog.len();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); len];
    let push = |v: &mut Vec<usize>, t: usize| {
        if t < len && !v.contains(&t) {
            v.push(t);
        }
    };
    for (pc, i) in prog.iter().enumerate() {
        let s = &mut succ[pc];
        match i.ctl {
            Ctl::Seq => push(s, pc + 1),
            Ctl::Jmp(t) | Ctl::Call(t) => push(s, usize::from(t)),
            Ctl::Br(_, t) | Ctl::Djnz(t) => {
                push(s, usize::from(t));
                push(s, pc + 1);
            }
            Ctl::Ret | Ctl::Halt(_) => {}
        }
    }
    // Return edges: explore each routine from its CALL target without following CALLs.
    for (c, i) in prog.iter().enumerate() {
        let Ctl::Call(t) = i.ctl else { continue };
        let mut seen = vec![false; len];
        let mut stack = vec![usize::from(t)];
        while let Some(pc) = stack.pop() {
            if pc >= len || seen[pc] {
                continue;
            }
            seen[pc] = true;
            match prog[pc].ctl {
                Ctl::Ret => {
                    let r = &mut succ[pc];
                    if c + 1 < len && !r.contains(&(c + 1)) {
                        r.push(c + 1);
                    }
                }
                Ctl::Halt(_) => {}
                Ctl::Seq | Ctl::Call(_) => stack.push(pc + 1),
                Ctl::Jmp(t) => stack.push(usize::from(t)),
                Ctl::Br(_, t) | Ctl::Djnz(t) => {
                    stack.push(usize::from(t));
                    stack.push(pc + 1);
                }
            }
        }
    }
    succ
}

/// Per-resource counts after instruction `i` executes, from the counts before it.
fn transfer(i: &Instr, state: &mut [u8]) {
    let class = i.op.class();
    let bump = |v: &mut u8| {
        if *v != NEVER {
            *v = (*v + 1).min(SAT);
        }
    };
    for (idx, v) in state.iter_mut().enumerate() {
        let r = res_of_index(idx);
        match (class, r) {
            (Class::M, Some(r)) if is_m_produced(r) => bump(v),
            (Class::A, Some(r)) if is_a_produced(r) => bump(v),
            _ => {}
        }
    }
    for w in super::effects::op_writes(&i.op) {
        if (class == Class::M && is_m_produced(w)) || (class == Class::A && is_a_produced(w)) {
            state[w.index()] = 0;
        }
    }
}

/// The resource of a dense index, for the M/A-produced ones (registers and EQ/LT/C/OD).
fn res_of_index(idx: usize) -> Option<Res> {
    use super::isa::{Flag, Reg};
    if idx < 64 {
        return Some(Res::Reg(Reg::from_code(u8::try_from(idx).ok()?)));
    }
    Flag::ALL
        .iter()
        .find(|f| 64 + f.index() == idx)
        .map(|&f| Res::Flag(f))
}

/// The waits of instruction `i` given the counts before it: (mw, aw).
pub fn waits_from_state(i: &Instr, state: &[u8]) -> (u8, u8) {
    let (mut m, mut a) = (NEVER, NEVER);
    for r in reads(i) {
        let v = state[r.index()];
        if is_m_produced(r) {
            m = m.min(v);
        } else if is_a_produced(r) {
            a = a.min(v);
        }
    }
    let w = |v: u8| if v == NEVER { NO_WAIT } else { v.min(MAX_WAIT) };
    (w(m), w(a))
}

/// Computes the largest legal `mw`/`aw` of every instruction of `prog` for a thread that may
/// start at any of `entries` (with nothing outstanding), and writes them into `prog`.
pub fn compute_waits(prog: &mut [Instr], entries: &[usize]) {
    let len = prog.len();
    let succ = successors(prog);
    // in_state[pc]: None = not reached yet.
    let mut in_state: Vec<Option<Vec<u8>>> = vec![None; len];
    let mut work: Vec<usize> = Vec::new();
    for &e in entries {
        if e < len {
            in_state[e] = Some(vec![NEVER; RES_COUNT]);
            work.push(e);
        }
    }
    while let Some(pc) = work.pop() {
        let Some(mut st) = in_state[pc].clone() else {
            continue;
        };
        transfer(&prog[pc], &mut st);
        for &s in &succ[pc] {
            let changed = match &mut in_state[s] {
                None => {
                    in_state[s] = Some(st.clone());
                    true
                }
                Some(cur) => {
                    let mut ch = false;
                    for (c, &n) in cur.iter_mut().zip(&st) {
                        if n < *c {
                            *c = n;
                            ch = true;
                        }
                    }
                    ch
                }
            };
            if changed && !work.contains(&s) {
                work.push(s);
            }
        }
    }
    for (i, st) in prog.iter_mut().zip(&in_state) {
        let (mw, aw) = match st {
            Some(st) => waits_from_state(i, st),
            None => (0, 0),
        };
        i.mw = mw;
        i.aw = aw;
    }
}
