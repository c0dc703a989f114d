//! Starts Stoplight Prism (pinned in tests/contract/package.json) on
//! 127.0.0.1 and stops it by its PID when dropped, even when a test fails.

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
        let bin =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/contract/node_modules/.bin/prism");
        assert!(
            bin.exists(),
            "Prism is not installed at {}.\nInstall it with `npm ci --prefix tests/contract` (node 20; \
             the version is pinned in tests/contract/package.json), or run .ci/run.",
            bin.display()
        );
        let port = free_port();
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("prism.log");
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
        cmd.arg(spec)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::null());
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
