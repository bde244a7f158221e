//! Any bytes as any table in any format: accepted or a `line N:` error,
//! never a panic; an accepted batch can be queried and retracted.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rai_core::{Endpoint, Engine, Format, Table};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else { return };
    let table = Table::ALL[(sel as usize) % 6];
    let format = [Format::JsonLines, Format::Json, Format::Csv][(sel as usize / 6) % 3];
    let engine = Engine::new().with_fixed_now(0);
    match engine.load(table, format, body) {
        Ok(info) => {
            for e in Endpoint::ALL {
                let _ = engine.query(e, "startTime=1970-01-01&endTime=2100-01-01&timeCategory=day&showDetails=true");
            }
            let _ = engine.retract(info.id);
        }
        Err(e) => assert!(e.message().starts_with("line "), "{}", e.message()),
    }
});
