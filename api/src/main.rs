//! The `canyu` command: serve the platform, migrate, print the API spec, bootstrap an admin.

use std::{io::Read, net::SocketAddr, process::ExitCode};

use anyhow::{bail, Context};
use canyu::{
    accounts::service::{self, Registration},
    clock::Clock,
    config::Config,
    db, demo, openapi,
    startup::{self, Application},
    surveys, telemetry,
};
use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};

#[derive(Parser)]
#[command(
    name = "canyu",
    version,
    about = "Canyu (参与): public participation in a district government's major decisions"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web portal and the API (the default).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI spec as YAML.
    Openapi,
    /// Manage administrators.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Surveys' cached figures.
    #[command(subcommand)]
    Surveys(SurveysCommand),
}

#[derive(Subcommand)]
enum SurveysCommand {
    /// Count into the cache every response it missed (as the service does every 30 s),
    /// survey by survey.
    Reconcile,
}

#[derive(clap::Args, Default)]
struct ServeArgs {
    /// Load the demo district (Yangpu, 2021) into an empty database and print its logins.
    #[arg(long)]
    demo: bool,
    /// Address to listen on; overrides CANYU_BIND.
    #[arg(long)]
    bind: Option<SocketAddr>,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account with the admin role; the password is read from standard input.
    Create {
        /// Mobile number or e-mail address.
        #[arg(long)]
        login: String,
        #[arg(long, default_value = "管理员")]
        display_name: String,
        /// Read the password from standard input (required, so it never shows in `ps`).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init_tracing("info");
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("canyu: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Openapi => {
            print!("{}", openapi::spec_yaml());
            Ok(())
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            let db = db::connect(&config.database_url, config.database_connections).await?;
            Migrator::up(&db, None)
                .await
                .context("cannot migrate the database")?;
            println!("migrations applied to {}", db::redact(&config.database_url));
            Ok(())
        }
        Command::Admin(AdminCommand::Create {
            login,
            display_name,
            ..
        }) => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            if password.chars().count() < 8 {
                bail!("the password must have at least 8 characters");
            }
            let state = startup::connect(Config::from_env()?, Clock::System).await?;
            let user = service::create_admin(
                &state,
                Registration {
                    login,
                    password,
                    display_name,
                },
            )
            .await
            .map_err(|err| anyhow::anyhow!("{err}"))?;
            println!("admin account created: {} ({})", user.display_name, user.id);
            Ok(())
        }
        Command::Surveys(SurveysCommand::Reconcile) => {
            let state = startup::connect(Config::from_env()?, Clock::System).await?;
            if state.cache.backend_name() != "redis" {
                // This process's in-process cache is not the service's.
                println!(
                    "no Redis is configured (CANYU_REDIS_URL): each running instance keeps its \
                     survey counts in process and reconciles them itself every {} s",
                    state.config.survey_reconcile_every.as_secs()
                );
                return Ok(());
            }
            let done = surveys::service::reconcile(&state, |survey, counted| {
                println!("survey {survey}: {counted} responses counted into the cache");
            })
            .await
            .map_err(|err| anyhow::anyhow!("{err}"))?;
            println!(
                "reconciled {} surveys, {} responses counted",
                done.surveys, done.responses
            );
            Ok(())
        }
        Command::Serve(args) => serve(args).await,
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = Config::from_env()?;
    if let Some(bind) = args.bind {
        config.bind = bind;
    }
    let bind = config.bind;
    let state = startup::connect(config, Clock::System).await?;
    if args.demo {
        match demo::load(&state).await? {
            demo::Outcome::Loaded => println!("Loaded the demo district (杨浦区, 2021)."),
            demo::Outcome::AlreadyLoaded => println!("The demo district is already loaded."),
        }
        println!("Demo logins:");
        for person in demo::LOGINS {
            println!(
                "  {:<22} {:<20} password {}",
                person.role, person.login, person.password
            );
        }
    }
    let cache = state.cache.backend_name();
    let app = Application::bind(state, bind).await?;
    tracing::info!(
        cache,
        "Canyu is serving at http://{}/ (API docs at /docs)",
        app.local_addr()
    );
    app.run_until(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("the server stopped")
}
