//! Scheduler and executor processes with rai's functions registered (both
//! resolve functions by name: the scheduler when it plans, the executors
//! when they run), and an in-process cluster for tests.

use crate::cluster::session_state;
use crate::{messages, udf};
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use datafusion::execution::FunctionRegistry;
use datafusion::prelude::SessionConfig;
use rai_core::{Error, Result};
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

fn failed(what: &str) -> impl Fn(Box<dyn std::fmt::Display>) -> Error + '_ {
    move |e| Error::internal(messages::start_failed(what, e))
}

fn with_functions(
    state: datafusion::common::Result<datafusion::execution::SessionState>,
    functions: &[Arc<datafusion::logical_expr::ScalarUDF>],
) -> datafusion::common::Result<datafusion::execution::SessionState> {
    let mut state = state?;
    for f in functions {
        state.register_udf(f.clone())?;
    }
    Ok(state)
}

/// Runs a scheduler on `bind` until the process ends.
pub async fn run_scheduler(bind: SocketAddr) -> Result<()> {
    let fail = failed("scheduler");
    let builder = Arc::new(move |config: SessionConfig| {
        with_functions(ballista_core::utils::default_session_builder(config), &udf::functions())
    });
    let config = SchedulerConfig {
        bind_host: bind.ip().to_string(),
        bind_port: bind.port(),
        external_host: bind.ip().to_string(),
        override_session_builder: Some(builder),
        ..Default::default()
    };
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| fail(Box::new(e)))?;
    ballista_scheduler::scheduler_process::start_server(cluster, bind, Arc::new(config))
        .await
        .map_err(|e| fail(Box::new(e)))
}

/// Where an executor listens and which scheduler it serves.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExecutorOptions {
    /// The scheduler's host and port.
    pub scheduler: (String, u16),
    /// The host the executor binds and announces.
    pub host: String,
    /// Its Arrow Flight port (shuffle data).
    pub port: u16,
    /// Its gRPC port.
    pub grpc_port: u16,
    /// Tasks run at once.
    pub vcores: usize,
}

impl ExecutorOptions {
    /// An executor on 127.0.0.1:`port` (gRPC on `port + 1`) for the scheduler at `host:port`.
    pub fn new(scheduler: (String, u16), port: u16, vcores: usize) -> ExecutorOptions {
        ExecutorOptions {
            scheduler,
            host: "127.0.0.1".into(),
            port,
            grpc_port: port.saturating_add(1),
            vcores,
        }
    }
}

/// Runs an executor until the process ends.
pub async fn run_executor(o: ExecutorOptions) -> Result<()> {
    let fail = failed("executor");
    let registry = BallistaFunctionRegistry::from(&session_state());
    let config = ExecutorProcessConfig {
        bind_host: o.host.clone(),
        external_host: Some(o.host.clone()),
        port: o.port,
        grpc_port: o.grpc_port,
        scheduler_host: o.scheduler.0.clone(),
        scheduler_port: o.scheduler.1,
        vcores: o.vcores,
        override_function_registry: Some(Arc::new(registry)),
        executor_heartbeat_interval_seconds: 2,
        ..Default::default()
    };
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| fail(Box::new(e)))
}

/// A scheduler and `executors` executors in this process, on 127.0.0.1
/// ports the system picks: the scheduler's URL (`df://…`), and per
/// executor the rows its bucket function saw (which executors ran tasks).
pub async fn local_cluster(executors: usize, vcores: usize) -> Result<(String, Vec<Arc<AtomicU64>>)> {
    let fail = failed("local cluster");
    let state = session_state();
    let addr = ballista_scheduler::standalone::new_standalone_scheduler_from_state(&state)
        .await
        .map_err(|e| fail(Box::new(e)))?;
    let url = format!("http://localhost:{}", addr.port());
    let mut counters = Vec::new();
    for _ in 0..executors {
        let rows = Arc::new(AtomicU64::new(0));
        let mut state = session_state();
        for f in udf::functions_counting(rows.clone()) {
            state.register_udf(f).map_err(|e| fail(Box::new(e)))?;
        }
        let scheduler = SchedulerGrpcClient::connect(url.clone())
            .await
            .map_err(|e| fail(Box::new(e)))?;
        ballista_executor::new_standalone_executor_from_state(scheduler, vcores, &state)
            .await
            .map_err(|e| fail(Box::new(e)))?;
        counters.push(rows);
    }
    Ok((format!("df://localhost:{}", addr.port()), counters))
}
