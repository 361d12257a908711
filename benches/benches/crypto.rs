#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! criterion benches: SHA-256 MB/s, SHA-256d headers/s, merkle root of block 413567,
//! ECDSA verify/s of the sw backend's two verifiers (k256, libsecp256k1) in the same run,
//! and full validation of block 413567 single-thread and parallel.
//!
//! Ids follow `<alg>/<backend>/<size>`. Run: see benches/README.md.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use crypto_core::{validate_block, Backend, Block, Chain, HashJob, ValidateOptions};
use fallback_sw::{SoftwareBackend, Verifier};
use satchain_benches::{block_413567, sample_verify_jobs};

fn must<T>(r: Result<T, String>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("bench setup failed: {e}"),
    }
}

fn sha256(c: &mut Criterion) {
    let be = SoftwareBackend::single_thread();
    let mut g = c.benchmark_group("sha256");
    for size in [64usize, 1024, 65536] {
        let jobs = [HashJob::sha256(vec![0xa5u8; size])];
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_with_input(BenchmarkId::new("sw", size), &jobs, |b, jobs| {
            b.iter(|| black_box(be.hash_batch(black_box(jobs))))
        });
    }
    g.finish();
}

fn sha256d_headers(c: &mut Criterion) {
    let raw = must(block_413567());
    let mut header = [0u8; 80];
    header.copy_from_slice(&raw[..80]);
    let jobs: Vec<HashJob> = (0..1000u32)
        .map(|n| {
            let mut h = header;
            h[76..80].copy_from_slice(&n.to_le_bytes());
            HashJob::header80(&h)
        })
        .collect();
    let mut g = c.benchmark_group("sha256d");
    g.throughput(Throughput::Elements(jobs.len() as u64));
    let one = SoftwareBackend::single_thread();
    g.bench_function("sw/header80", |b| {
        b.iter(|| black_box(one.hash_batch(black_box(&jobs))))
    });
    let par = SoftwareBackend::parallel(0);
    g.bench_function("sw_parallel/header80", |b| {
        b.iter(|| black_box(par.hash_batch(black_box(&jobs))))
    });
    g.finish();
}

fn merkle(c: &mut Criterion) {
    let raw = must(block_413567());
    let block = must(Block::parse(&raw, Chain::Bitcoin).map_err(|e| e.to_string()));
    let txids: Vec<[u8; 32]> = block
        .txs
        .iter()
        .map(|t| fallback_sw::sha256d(&t.serialize(false)))
        .collect();
    let be = SoftwareBackend::single_thread();
    let mut g = c.benchmark_group("merkle");
    g.throughput(Throughput::Elements(txids.len() as u64));
    g.bench_function("sw/block413567", |b| {
        b.iter(|| black_box(crypto_core::merkle::merkle_root(black_box(&txids), &be)))
    });
    g.finish();
}

fn ecdsa_verify(c: &mut Criterion) {
    const N: usize = 64;
    let jobs = sample_verify_jobs(N, 2016);
    let mut g = c.benchmark_group("ecdsa_verify");
    g.throughput(Throughput::Elements(N as u64));
    // The sw backend's two verifiers on the same jobs, single thread: ids sw-k256/64 and
    // sw-libsecp256k1/64.
    for v in Verifier::ALL {
        let be = SoftwareBackend::single_thread().with_verifier(*v);
        g.bench_with_input(BenchmarkId::new(format!("sw-{v}"), N), &jobs, |b, jobs| {
            b.iter(|| {
                let verdicts = must(be.verify_batch(black_box(jobs)).map_err(|e| e.to_string()));
                assert!(verdicts.iter().all(|v| v.is_valid()));
            })
        });
    }
    let par = SoftwareBackend::parallel(0);
    g.bench_function("sw_parallel_batch", |b| {
        b.iter(|| black_box(par.verify_batch(black_box(&jobs))))
    });
    g.finish();
}

fn validate(c: &mut Criterion) {
    let raw = must(block_413567());
    let opts = ValidateOptions::new(Chain::Bitcoin);
    let mut g = c.benchmark_group("validate");
    g.sample_size(10);
    g.throughput(Throughput::Elements(5815));
    for (id, be) in [
        ("sw_single", SoftwareBackend::single_thread()),
        ("sw_parallel", SoftwareBackend::parallel(0)),
    ] {
        let rep = validate_block(&raw, &opts, &be);
        assert!(rep.valid && rep.signatures.valid == 5815, "{:?}", rep.error);
        g.bench_function(BenchmarkId::new(id, "block413567"), |b| {
            b.iter(|| black_box(validate_block(black_box(&raw), &opts, &be)))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    sha256,
    sha256d_headers,
    merkle,
    ecdsa_verify,
    validate
);
criterion_main!(benches);
