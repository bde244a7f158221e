//! The log and manifest readers on arbitrary bytes: decoding a record never
//! panics, and recovery of a segment holding them either reads good
//! records, drops a torn tail, or refuses with a message — never panics,
//! never loops; a manifest of those bytes reads or is refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rai_store::record::{decode, Read};

fuzz_target!(|data: &[u8]| {
    let mut at = 0;
    while at < data.len() {
        match decode(&data[at..]) {
            Read::Good(_, _, len) => at += len,
            _ => break,
        }
    }
    let dir = std::env::temp_dir().join(format!("rai-fuzz-wal-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let seg = dir.join("00000000000000000001.log");
    if std::fs::write(dir.join("manifest.json"), data).is_ok() {
        let _ = rai_store::checkpoint::read_manifest(&dir);
        let _ = std::fs::remove_file(dir.join("manifest.json"));
    }
    if std::fs::write(&seg, data).is_ok() {
        for repair in [false, true] {
            let _ = rai_store::recover::recover(&dir, 1, repair, |_, _| Ok(()));
            let _ = std::fs::write(&seg, data);
        }
    }
});
