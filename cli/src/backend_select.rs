//! Backend selection: the one place where a backend name becomes a `Box<dyn Backend>`.
//! New backends (the Verilator simulation, the board) are wired in here and nowhere else.

use clap::Args;
use crypto_core::Backend;
use fallback_sw::{SoftwareBackend, Verifier};

pub use crate::choices::BackendKind;
use crate::choices::VerifierArg;
use crate::error::CliError;

/// Options that apply to backend construction.
#[derive(Debug, Clone, Default)]
pub struct BackendOpts {
    /// Worker threads for the software backend: `None` = all cores, `Some(1)` = single-thread.
    pub threads: Option<usize>,
    /// ECDSA verifier of the software backend: `None` = the fastest this build has.
    pub verifier: Option<Verifier>,
}

/// Builds the backend `kind` names.
pub fn make_backend(kind: BackendKind, opts: &BackendOpts) -> Result<Box<dyn Backend>, CliError> {
    let verifier = match opts.verifier {
        None => Verifier::fastest(),
        Some(_) if kind != BackendKind::Sw => {
            return Err(CliError::Usage(format!(
                "--verifier applies to --backend sw, not {:?}",
                kind.name()
            )))
        }
        Some(v) => v,
    };
    match kind {
        BackendKind::Sw => Ok(Box::new(
            match opts.threads {
                Some(1) => SoftwareBackend::single_thread(),
                Some(n) => SoftwareBackend::parallel(n),
                None => SoftwareBackend::parallel(0),
            }
            .with_verifier(verifier),
        )),
        // The Verilated accelerator top through the real driver (issue 5), software fallback.
        #[cfg(feature = "sim")]
        BackendKind::Sim => verif::sim_backend()
            .map(|b| Box::new(b) as Box<dyn Backend>)
            .map_err(|e| CliError::BackendUnavailable(format!("backend 'sim': {e}"))),
        // The board: `satchain_fpga::open_board` (the UIO device named "satchain" in sysfs,
        // interrupts, the u-dma-buf buffer udmabuf0 when present; see bitstreams/README.md
        // "Bring-up on the board"), software fallback on all cores. SATCHAIN_UIO=N picks
        // /dev/uioN instead; SATCHAIN_UDMABUF=name picks a DMA buffer (required then), `off`
        // none.
        BackendKind::Fpga => {
            let mut board = satchain_fpga::BoardOptions::default();
            if let Ok(v) = std::env::var("SATCHAIN_UIO") {
                let n = v.parse().map_err(|_| {
                    CliError::Usage(format!("SATCHAIN_UIO={v:?} is not a UIO device number"))
                })?;
                board.uio = satchain_fpga::UioDevice::Number(n);
            }
            match std::env::var("SATCHAIN_UDMABUF") {
                Ok(v) if v.is_empty() || v == "off" => board.dma = satchain_fpga::DmaBuffer::Off,
                Ok(v) => board.dma = satchain_fpga::DmaBuffer::Named(v),
                Err(_) => {}
            }
            satchain_fpga::open_board(&board, SoftwareBackend::parallel(0))
                .map(|b| Box::new(b) as Box<dyn Backend>)
                .map_err(|e| CliError::BackendUnavailable(format!("backend 'fpga': {e}")))
        }
    }
}

/// `--backend` and `--threads`, shared by every command.
#[derive(Debug, Args, Clone)]
pub struct BackendArgs {
    /// Crypto backend (`sim` is not in the board build).
    #[arg(long, value_enum, default_value_t = BackendKind::Sw, ignore_case = true)]
    pub backend: BackendKind,
    /// Worker threads of the software backend (1 = single-thread; 0 or default: all cores,
    /// as the library reads 0).
    #[arg(long, value_parser = clap::value_parser!(u16).range(0..=1024))]
    pub threads: Option<u16>,
    /// ECDSA and BIP340 verifier of the sw backend (default: libsecp256k1).
    #[arg(long, value_enum, ignore_case = true)]
    pub verifier: Option<VerifierArg>,
}

impl BackendArgs {
    /// The backend these options name.
    pub fn make(&self) -> Result<Box<dyn Backend>, CliError> {
        make_backend(
            self.backend,
            &BackendOpts {
                threads: self.threads.map(usize::from),
                verifier: self.verifier.map(Verifier::from),
            },
        )
    }
}
