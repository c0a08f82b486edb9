//! SIGTERM and SIGINT stop watch mode cleanly. Alone in its own test binary:
//! once tokio handles a signal it does for the life of the process.

use netready::probe::watch::{Shutdown, Watch, WatchOptions};
use netready_core::Report;
use netready_core::report::ReportKind;
use std::time::{Duration, Instant};

fn kill(signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, &std::process::id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_then_sigint_each_stop_the_loop_within_a_second() {
    for signal in ["-TERM", "-INT"] {
        let options = WatchOptions {
            interval: Duration::from_millis(20),
            listen: Some("127.0.0.1:0".parse().expect("literal")),
            shutdown: Shutdown::Signals,
            ..WatchOptions::default()
        };
        let watch = Watch::bind(options).await.expect("bind");
        let h = tokio::spawn(watch.run(|| async {
            let mut r = Report::new(ReportKind::Probe, None);
            r.finish();
            r
        }));
        tokio::time::sleep(Duration::from_millis(100)).await;
        let t = Instant::now();
        kill(signal);
        let summary = tokio::time::timeout(Duration::from_secs(2), h)
            .await
            .expect("stops within 2 s of the signal")
            .expect("no panic");
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "{signal} took {:?}",
            t.elapsed()
        );
        assert!(summary.checks.total() >= 1);
    }
}
