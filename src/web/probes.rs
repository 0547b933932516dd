//! The harmless requests that tell opaque CORS failures apart (at most three, sent at
//! once). None of them can create, overwrite or delete an object, even on a server that
//! ignores signatures:
//! - every probe targets a fresh key `<key>.upload-doctor-probe-<random>` that no object has;
//! - `reach` and `get` are GETs;
//! - `method` for PUT is UploadPart to an upload id that cannot exist (a part is never an
//!   object, and no upload will ever complete it); for DELETE it aborts that same
//!   non-existent upload of the non-existent key; for POST (completion) it is not sent,
//!   because completing could create an object on a careless server.

use crate::diagnosis::{Probe, Probes};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, RequestCache, RequestCredentials, RequestInit, RequestMode, Response, ResponseType,
};

use super::js;

const PROBE_TIMEOUT_MS: u32 = 5000;

fn probe_init(method: &str, mode: RequestMode) -> RequestInit {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_mode(mode);
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(RequestCredentials::Omit);
    init.set_signal(Some(&AbortSignal::timeout_with_u32(PROBE_TIMEOUT_MS)));
    init
}

fn random_tag() -> String {
    format!("{:012x}", (js_sys::Math::random() * 2f64.powi(48)) as u64)
}

/// Sends the probe now; the returned future reads its outcome.
fn start(url: &str, init: RequestInit) -> JsFuture {
    JsFuture::from(js::fetch_promise(&JsValue::from_str(url), &init))
}

async fn finish(sent: JsFuture) -> Probe {
    match sent.await.map(|r| r.unchecked_into::<Response>()) {
        Ok(resp) => {
            // Do not download anything: drop the body.
            if let Some(body) = resp.body() {
                let _ = body.cancel();
            }
            if resp.type_() == ResponseType::Opaque {
                Probe::Opaque
            } else {
                Probe::Readable(resp.status())
            }
        }
        Err(_) => Probe::Failed,
    }
}

/// Runs the probes for a failed `method` to `url_base` (scheme, host, path; no query).
/// Returns the probes and the milliseconds they took.
pub async fn probe(url_base: &str, method: &str) -> (Probes, f64) {
    let started = js::now_ms();
    let tag = random_tag();
    let key = format!("{url_base}.upload-doctor-probe-{tag}");
    let no_upload = format!("{key}?partNumber=1&uploadId=upload-doctor-probe-{tag}");

    // All are in flight together; awaiting them in turn costs only the slowest.
    let reach = start(&key, probe_init("GET", RequestMode::NoCors));
    let get = start(&key, probe_init("GET", RequestMode::Cors));
    let method_probe = matches!(method, "PUT" | "DELETE")
        .then(|| start(&no_upload, probe_init(method, RequestMode::Cors)));
    let probes = Probes {
        reach: finish(reach).await,
        get: finish(get).await,
        method: match method_probe {
            Some(sent) => finish(sent).await,
            None => Probe::NotRun,
        },
    };
    (probes, js::now_ms() - started)
}
