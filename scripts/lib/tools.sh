# Installs what the build and tests need when it is missing. Sourced by scripts/*.
# Everything comes from the package registries; nothing is downloaded from elsewhere.

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock
}

ensure_rust_wasm() {
  if ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
  local want; want=$(wasm_bindgen_version)
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
    echo "installing wasm-bindgen-cli $want (about 3 minutes)..."
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

APT_UPDATED=
apt_install() {
  if [ -z "$APT_UPDATED" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_browser() {
  command -v chromium >/dev/null && command -v chromedriver >/dev/null || apt_install chromium chromium-driver
  command -v openssl >/dev/null || apt_install openssl
}

ensure_node_modules() {
  if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
}
