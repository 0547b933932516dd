//! Browser-layer tests in headless Chromium (`wasm-bindgen-test`). They exercise the
//! exported JS API on the real `fetch`, `URL` and `Error`; uploads against a real server
//! are covered by `tests/run-cases`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use upload_doctor::web::{error_codes, is_upload_error, put_object, upload_fetch};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn field(v: &JsValue, name: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(name)).unwrap()
}

fn text(v: &JsValue, name: &str) -> String {
    field(v, name).as_string().unwrap_or_default()
}

fn quiet() -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &"console".into(), &JsValue::FALSE).unwrap();
    o.into()
}

const SIGNED: &str = "http://127.0.0.1:4999/bucket/key.png?X-Amz-Algorithm=AWS4-HMAC-SHA256\
&X-Amz-Credential=AKIAEXAMPLEKEY99%2F20261203%2Fus-east-1%2Fs3%2Faws4_request\
&X-Amz-Date=20991203T130500Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\
&X-Amz-Security-Token=TOKENVALUE1234&X-Amz-Signature=5f1e2d3c4b5a69788796a5b4c3d2e1f0";

#[wasm_bindgen_test]
async fn bad_input_is_a_typed_error_and_nothing_is_sent() {
    let err = put_object("http://[not-a-host/x".into(), "body".into(), quiet())
        .await
        .unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert!(is_upload_error(&err));
    assert_eq!(text(&err, "code"), "input/invalid");
    assert_eq!(text(&err, "name"), "UploadError");
    assert!(text(&err, "stack").len() > 0);

    let err = put_object(SIGNED.into(), JsValue::from(42), quiet())
        .await
        .unwrap_err();
    assert_eq!(text(&err, "code"), "input/invalid");
    assert!(text(&err, "message").contains("body must be"));
    assert!(!is_upload_error(&js_sys::Error::new("other").into()));
}

#[wasm_bindgen_test]
async fn unreachable_server_is_diagnosed_with_probes_and_no_secret_shows() {
    let err = put_object(SIGNED.into(), "hello".into(), quiet())
        .await
        .unwrap_err();
    assert_eq!(text(&err, "code"), "network/unreachable");
    assert_eq!(text(&err, "method"), "PUT");
    let origin = text(&field(&js_sys::global(), "location"), "origin");
    assert!(origin.starts_with("http://127.0.0.1:"), "{origin}");
    assert_eq!(text(&err, "origin"), origin);
    let probes = field(&err, "probes");
    assert_eq!(field(&probes, "count").as_f64(), Some(3.0));
    let url = text(&err, "url");
    assert!(
        url.starts_with("http://127.0.0.1:4999/bucket/key.png?"),
        "{url}"
    );
    let explain = Reflect::get(&err, &"explain".into())
        .unwrap()
        .unchecked_into::<js_sys::Function>()
        .call0(&err)
        .unwrap()
        .as_string()
        .unwrap();
    let shown = format!("{url}\n{explain}\n{}", text(&err, "message"));
    for secret in ["AKIAEXAMPLEKEY99", "TOKENVALUE1234", "5f1e2d3c4b5a6978"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert!(explain.contains("curl -i -X OPTIONS 'http://127.0.0.1:4999/bucket/key.png'"));
}

#[wasm_bindgen_test]
async fn upload_fetch_rejects_like_fetch_but_typed() {
    let init = quiet();
    Reflect::set(&init, &"method".into(), &"PUT".into()).unwrap();
    Reflect::set(&init, &"body".into(), &"x".into()).unwrap();
    let err = upload_fetch("http://127.0.0.1:4999/b/k".into(), init)
        .await
        .unwrap_err();
    assert_eq!(text(&err, "code"), "network/unreachable");
    let err = upload_fetch("ftp://example.test/x".into(), quiet())
        .await
        .unwrap_err();
    assert_eq!(text(&err, "code"), "input/invalid");
}

#[wasm_bindgen_test]
async fn expired_url_fails_before_sending() {
    let url = SIGNED.replace("20991203T130500Z", "20201203T130500Z");
    let err = put_object(url.into(), "x".into(), quiet())
        .await
        .unwrap_err();
    assert_eq!(text(&err, "code"), "s3/url-expired");
    assert!(
        field(&err, "probes").is_undefined(),
        "nothing was sent, so nothing was probed"
    );
}

#[wasm_bindgen_test]
fn every_code_is_listed() {
    let codes: Vec<String> = error_codes().iter().filter_map(|c| c.as_string()).collect();
    assert_eq!(codes.len(), 23);
    assert!(codes.contains(&"cors/etag-not-exposed".to_string()));
}
