//! A probe of the desktop's one-instance-per-profile claim (`tandem_client::desktop::instance`),
//! runnable where the window itself cannot start: scripts/platform/wine-scenario runs it as a
//! Windows program under wine (there is no WebView2 there), to see the named pipe work.
//!
//! `instance ID [ARGS...]`: claims the profile named ID. The first start prints `first`, waits
//! for one other start and prints the command line it handed over (as JSON), then quits. Any
//! other start of the same ID hands its arguments over and prints `handed over`.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(id) = args.first().cloned() else {
        eprintln!("usage: instance ID [ARGS...]");
        return std::process::ExitCode::from(2);
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(async move {
        match tandem_client::desktop::instance::claim(&id, &args[1..]).await {
            Ok(None) => println!("handed over"),
            Ok(Some(mut listener)) => {
                println!("first");
                match listener.next().await {
                    Ok(handed) => println!("{}", serde_json::to_string(&handed).unwrap_or_default()),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return std::process::ExitCode::FAILURE;
                    }
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
        std::process::ExitCode::SUCCESS
    })
}
