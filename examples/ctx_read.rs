//! Reading the context index's fields alone (`context::extract::json_lines`) over a file of
//! JSON lines, in 8 MiB line-aligned pieces on one thread: the part of the context's CPU
//! that issue 12 measures, without the scan around it. Prints the records read and a
//! checksum of every field, so two builds can be compared (BENCHMARKS.md, context index,
//! eleventh round). `cargo run --release --example ctx_read FILE [PASSES]`
use std::hash::{Hash, Hasher};
use std::io::Read;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("FILE");
    let passes: usize = args.next().map_or(1, |p| p.parse().expect("PASSES"));
    let (mut records, mut sum) = (0u64, 0u64);
    for _ in 0..passes {
        let mut file = std::fs::File::open(&path)?;
        let mut buf = vec![0u8; 8 << 20];
        let mut kept = 0;
        loop {
            let n = file.read(&mut buf[kept..])?;
            let end = kept + n;
            if end == 0 {
                break;
            }
            let cut = if n == 0 {
                end
            } else {
                memchr::memrchr(b'\n', &buf[..end]).map_or(end, |i| i + 1)
            };
            sts_triage::context::extract::json_lines(&buf[..cut], |_, at, f| {
                records += 1;
                let mut h = std::hash::DefaultHasher::new();
                (
                    at,
                    f.time,
                    &f.operation,
                    &f.actor,
                    &f.actor_name,
                    &f.actor_id,
                )
                    .hash(&mut h);
                (
                    &f.target,
                    &f.ip,
                    &f.correlation,
                    &f.result,
                    f.actor_kind as u8,
                )
                    .hash(&mut h);
                sum = sum.wrapping_add(h.finish());
            });
            buf.copy_within(cut..end, 0);
            kept = end - cut;
        }
    }
    println!("{records} records, checksum {sum:016x}");
    Ok(())
}
