//! Starts Stoplight Prism (pinned in tests/contract/package.json) on
//! 127.0.0.1 and stops it by its PID when dropped, even when a test fails.
//! Installs it first (`npm ci --prefix tests/contract`, once) when a fresh
//! clone does not have it, so `cargo test --workspace` needs no other step.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `prism mock`.
pub struct Prism {
    child: Child,
    pub port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Prism {
    /// Starts Prism over `spec`, in static mode or dynamic mode with a seed.
    pub fn start(spec: &Path, dynamic: bool) -> Prism {
        let bin = ensure_installed();
        let port = free_port();
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("prism.log");
        // Prism watches its document and restarts (closing its port for a
        // moment) when it changes; every test writes the shared overlaid
        // spec again, so each Prism serves a copy of its own.
        let served = dir.path().join("openapi.json");
        std::fs::copy(spec, &served).unwrap();
        let mut cmd = Command::new(&bin);
        cmd.args([
            "mock",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--errors",
        ]);
        if dynamic {
            cmd.args(["--dynamic", "--seed", "phala"]);
        }
        // stderr goes to the log too: a crash says why there.
        let out = std::fs::File::create(&log).unwrap();
        let err = out.try_clone().unwrap();
        cmd.arg(&served)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        let child = cmd.spawn().expect("prism starts");
        let mut prism = Prism {
            child,
            port,
            log,
            _dir: dir,
        };
        prism.wait_ready();
        prism
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("prism exited early ({status}):\n{}", self.log_text());
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok()
                && self.log_text().contains("Prism is listening")
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("prism did not start within 120 s:\n{}", self.log_text());
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        if let Ok(keep) = std::env::var("PRISM_LOG") {
            let _ = std::fs::copy(&self.log, format!("{keep}.{}", self.port));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The contract harness's folder: `tests/contract`.
fn contract_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/contract")
}

/// The Prism binary, installed with `npm ci` from the lockfile if missing.
///
/// Tests start Prism on several threads, and other test processes may do
/// the same, so the install runs under an exclusive lock on a file beside
/// the lockfile; whoever gets the lock second finds Prism installed.
fn ensure_installed() -> PathBuf {
    let dir = contract_dir();
    let bin = dir.join("node_modules/.bin/prism");
    if bin.exists() {
        return bin;
    }
    let lock_path = dir.join("node_modules.lock");
    let lock = File::create(&lock_path)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", lock_path.display()));
    lock.lock()
        .unwrap_or_else(|e| panic!("cannot lock {}: {e}", lock_path.display()));
    if !bin.exists() {
        install(&dir);
    }
    let _ = lock.unlock();
    assert!(
        bin.exists(),
        "`npm ci --prefix tests/contract` finished but {} is missing",
        bin.display()
    );
    bin
}

/// Runs `npm ci` for the pinned Prism, saying what is missing when node or
/// npm is not there.
fn install(dir: &Path) {
    let how = "The contract tests need Node 20 and npm to install Stoplight Prism \
               (pinned in tests/contract/package-lock.json). On Debian or Ubuntu: \
               `apt-get install nodejs npm`; elsewhere see https://nodejs.org. \
               Then run `cargo test --workspace` again.";
    let version = |tool: &str| -> Option<String> {
        let out = Command::new(tool)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())?;
        Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let node = version("node").unwrap_or_else(|| panic!("`node` was not found on PATH. {how}"));
    version("npm").unwrap_or_else(|| panic!("`npm` was not found on PATH. {how}"));
    let major: u32 = node
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(
        major >= 18,
        "node {node} is too old for Prism 5 (18 or later, 20 tested). {how}"
    );
    eprintln!("installing Stoplight Prism: npm ci --prefix tests/contract (once)");
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .expect("npm starts");
    assert!(
        out.status.success(),
        "`npm ci --prefix tests/contract` failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
