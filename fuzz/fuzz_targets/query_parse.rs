//! Any query string, for every endpoint: a 400 or an answer, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rai_core::{Endpoint, Engine, Format, Table};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let e = Engine::new().with_fixed_now(1_700_000_000_000);
        let _ = e.load(
            Table::Contacts,
            Format::JsonLines,
            br#"{"contactId":"6BE639E35B75440C840881F04D260EF8","channel":"Phone","type":"CallIn","queueId":"249CEA29B6494EF1B1D16D23FE70E702","queueName":"Sales","arrivalTime":"2023-11-14T22:05:00Z","changeTimestamp":"2023-11-14T22:09:00Z"}"#,
        );
        e
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(q) = std::str::from_utf8(data) else { return };
    for e in Endpoint::ALL {
        if let Ok(res) = engine().query(e, q) {
            let _ = res.to_json();
            let _ = res.to_xml();
        }
    }
});
