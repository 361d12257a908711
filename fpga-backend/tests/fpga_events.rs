//! The `tracing` events of the FPGA backend, captured by a small collecting subscriber while
//! faults are injected in front of the behavioural device model (`MockBus<DeviceModel>`):
//! each decision (fault, soft reset, out of service, spot-check mismatch, software fallback,
//! batch summary) emits one event with the numbers an operator needs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use accel_driver::fault::Flip;
use accel_driver::regmap::reg;
use crypto_core::backend::{
    Backend, BackendError, Digest32, HashJob, HashMode, Verdict, VerifyJob,
};
use satchain_fpga::{ecdsa_job, verdict_of, FaultPolicy, FpgaBackend, FpgaConfig};
use sha2::{Digest, Sha256};
use testkit::mock::MockBus;
use testkit::model::{ecdsa_code, DeviceModel, ModelConfig};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// One captured event: level, target and every field as text (`message` included).
#[derive(Debug, Clone)]
struct Ev {
    level: Level,
    target: String,
    fields: BTreeMap<String, String>,
}

impl Ev {
    fn msg(&self) -> &str {
        self.fields.get("message").map_or("", String::as_str)
    }
    fn field(&self, k: &str) -> &str {
        self.fields
            .get(k)
            .map_or_else(|| panic!("no field `{k}` in {self:?}"), String::as_str)
    }
}

/// A subscriber that keeps every event (spans are accepted and ignored).
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<Ev>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, f: &Field, v: &dyn fmt::Debug) {
        self.0.insert(f.name().to_string(), format!("{v:?}"));
    }
    fn record_str(&mut self, f: &Field, v: &str) {
        self.0.insert(f.name().to_string(), v.to_string());
    }
}

impl Subscriber for Collector {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, e: &Event<'_>) {
        let mut fields = BTreeMap::new();
        e.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push(Ev {
            level: *e.metadata().level(),
            target: e.metadata().target().to_string(),
            fields,
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// Runs `f` with the collector as this thread's subscriber; returns the backend's events.
fn capture(f: impl FnOnce()) -> Vec<Ev> {
    let c = Collector::default();
    tracing::subscriber::with_default(c.clone(), f);
    let evs = c.0.lock().unwrap().clone();
    evs.into_iter()
        .filter(|e| e.target.starts_with("satchain_fpga"))
        .collect()
}

fn find<'a>(evs: &'a [Ev], level: Level, msg: &str) -> Vec<&'a Ev> {
    evs.iter()
        .filter(|e| e.level == level && e.msg().contains(msg))
        .collect()
}

/// The fallback: sha2, and the model's reference verification.
#[derive(Debug, Default)]
struct Reference;

impl Backend for Reference {
    fn name(&self) -> &'static str {
        "reference"
    }
    fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
        Ok(jobs
            .iter()
            .map(|j| {
                let one = Sha256::digest(&j.data);
                match j.mode {
                    HashMode::Sha256 => one.into(),
                    _ => Sha256::digest(one).into(),
                }
            })
            .collect())
    }
    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        jobs.iter()
            .map(|j| {
                verdict_of(ecdsa_code(&ecdsa_job(j))).ok_or_else(|| BackendError::Hardware {
                    what: "reference gave an engine fault".into(),
                })
            })
            .collect()
    }
}

fn open(c: FpgaConfig) -> FpgaBackend<MockBus<DeviceModel>, Reference> {
    FpgaBackend::open(
        MockBus::new(DeviceModel::new(ModelConfig::default())),
        Reference,
        c,
    )
    .unwrap()
}

fn cfg(spot_check: f64) -> FpgaConfig {
    FpgaConfig {
        policy: FaultPolicy::Fallback,
        spot_check,
        chunk: 16,
        ..FpgaConfig::default()
    }
}

fn hash_jobs(n: usize) -> Vec<HashJob> {
    (0..n)
        .map(|i| {
            if i % 2 == 0 {
                HashJob::sha256d(vec![i as u8; i + 1])
            } else {
                HashJob::header80(&[i as u8; 80])
            }
        })
        .collect()
}

#[test]
fn fpga_events_clean_batch_is_one_debug_summary() {
    let be = open(cfg(0.0));
    let jobs = hash_jobs(40);
    let evs = capture(|| {
        assert_eq!(
            be.hash_batch(&jobs).unwrap(),
            Reference.hash_batch(&jobs).unwrap()
        );
    });
    assert_eq!(evs.len(), 1, "{evs:#?}");
    let e = &evs[0];
    assert_eq!((e.level, e.msg()), (Level::DEBUG, "batch done"));
    assert_eq!(e.field("kind"), "hash");
    assert_eq!(e.field("jobs"), "40");
    assert_eq!(e.field("device_jobs"), "40");
    assert_eq!(e.field("fallback_jobs"), "0");
    assert_eq!(
        e.field("device_cycles"),
        be.stats().device_cycles.to_string()
    );
    assert!(be.stats().device_cycles > 0);
    e.field("elapsed_us").parse::<u64>().unwrap();
}

#[test]
fn fpga_events_spot_check_mismatch_fault_reset_and_fallback() {
    let jobs = hash_jobs(40);
    // The 21st digest read gets a flipped bit. Results return by tag, out of order, so which
    // job that is comes from the typed error of the same run under `FaultPolicy::Error`.
    let flip = |be: &FpgaBackend<MockBus<DeviceModel>, Reference>| {
        be.with_bus(|b| {
            b.faults.flip = Some(Flip {
                offset: reg::HASH_DIGEST5.offset,
                mask: 1 << 9,
                skip: 20,
                count: 1,
            })
        });
    };
    let strict = open(FpgaConfig {
        policy: FaultPolicy::Error,
        ..cfg(1.0)
    });
    flip(&strict);
    let mut index = None;
    let evs = capture(|| match strict.hash_batch(&jobs) {
        Err(BackendError::SpotCheckMismatch { index: i, .. }) => index = Some(i),
        other => panic!("{other:?}"),
    });
    let index = index.unwrap();
    assert!((16..32).contains(&index), "the second chunk: {index}");
    let mm = find(&evs, Level::ERROR, "spot check mismatch");
    assert_eq!(mm.len(), 1, "{evs:#?}");
    assert_eq!(mm[0].field("job"), index.to_string());

    let be = open(cfg(1.0));
    flip(&be);
    let evs = capture(|| {
        assert_eq!(
            be.hash_batch(&jobs).unwrap(),
            Reference.hash_batch(&jobs).unwrap()
        );
    });
    // Caught by the spot check, the second chunk is redone in software.
    let mm = find(&evs, Level::ERROR, "spot check mismatch");
    assert_eq!(mm.len(), 1, "{evs:#?}");
    assert_eq!(
        (mm[0].field("kind"), mm[0].field("job")),
        ("hash", index.to_string().as_str())
    );
    let f = find(&evs, Level::WARN, "device fault");
    assert_eq!(f.len(), 1, "{evs:#?}");
    assert_eq!(f[0].field("fault"), "spot_check_mismatch");
    let r = find(&evs, Level::INFO, "soft-reset");
    assert_eq!(r.len(), 1, "{evs:#?}");
    assert_eq!(r[0].field("consecutive_faults"), "1");
    let fb = find(&evs, Level::WARN, "recomputed in software");
    assert_eq!(fb.len(), 1, "{evs:#?}");
    assert_eq!((fb[0].field("kind"), fb[0].field("jobs")), ("hash", "16"));
    let b = find(&evs, Level::DEBUG, "batch done");
    assert_eq!(b.len(), 1, "{evs:#?}");
    assert_eq!(b[0].field("device_jobs"), "24");
    assert_eq!(b[0].field("fallback_jobs"), "16");
    assert!(find(&evs, Level::ERROR, "out of service").is_empty());
    assert!(be.device_in_service());
}

#[test]
fn fpga_events_timeouts_take_the_device_out_of_service() {
    let mut c = cfg(0.0);
    c.driver.timeout_us = 300;
    let be = open(c);
    let jobs = hash_jobs(40);
    be.with_bus(|b| b.faults.stuck_busy = true);
    let evs = capture(|| {
        assert_eq!(
            be.hash_batch(&jobs).unwrap(),
            Reference.hash_batch(&jobs).unwrap()
        );
    });
    // Three chunks, three timeouts: reset, reset, out of service (max_consecutive_faults = 3).
    let f = find(&evs, Level::WARN, "device fault");
    assert_eq!(f.len(), 3, "{evs:#?}");
    for e in &f {
        assert_eq!(e.field("fault"), "timeout");
        assert!(!e.field("detail").is_empty());
    }
    let r = find(&evs, Level::INFO, "soft-reset");
    let n: Vec<&str> = r.iter().map(|e| e.field("consecutive_faults")).collect();
    assert_eq!(n, ["1", "2"], "{evs:#?}");
    let oos = find(&evs, Level::ERROR, "out of service");
    assert_eq!(oos.len(), 1, "{evs:#?}");
    assert_eq!(oos[0].field("consecutive_faults"), "3");
    assert_eq!(
        oos[0].field("reason"),
        be.disabled_reason().unwrap(),
        "the event carries the reason stats report"
    );
    // The two chunks after a recovered fault warn; the last one, with the device already out
    // of service (announced by the ERROR), is DEBUG.
    let warn = find(&evs, Level::WARN, "recomputed in software");
    let jobs_warned: Vec<&str> = warn.iter().map(|e| e.field("jobs")).collect();
    assert_eq!(jobs_warned, ["16", "16"], "{evs:#?}");
    assert_eq!(find(&evs, Level::DEBUG, "out of service: chunk").len(), 1);
    let b = find(&evs, Level::DEBUG, "batch done");
    assert_eq!(b.len(), 1);
    assert_eq!(
        (b[0].field("device_jobs"), b[0].field("fallback_jobs")),
        ("0", "40")
    );
    // A later batch: no new fault or out-of-service event, only DEBUG lines.
    let evs = capture(|| {
        be.hash_batch(&jobs[..5]).unwrap();
    });
    assert!(evs.iter().all(|e| e.level == Level::DEBUG), "{evs:#?}");
    assert_eq!(find(&evs, Level::DEBUG, "out of service: chunk").len(), 1);
}

#[test]
fn fpga_events_bitstream_mismatch_at_open() {
    let bus = MockBus::new(DeviceModel::new(ModelConfig {
        map_hash: 0x1111_2222,
        ..Default::default()
    }));
    let evs = capture(|| {
        let be = FpgaBackend::open(bus, Reference, cfg(0.0)).unwrap();
        assert!(!be.device_in_service());
    });
    let f = find(&evs, Level::WARN, "device fault");
    assert_eq!(f.len(), 1, "{evs:#?}");
    assert_eq!(f[0].field("fault"), "bitstream_mismatch");
    assert!(f[0].field("detail").contains("MAP_HASH"), "{evs:#?}");
    let oos = find(&evs, Level::ERROR, "no usable device");
    assert_eq!(oos.len(), 1, "{evs:#?}");
}
