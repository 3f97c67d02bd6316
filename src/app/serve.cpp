#include "clue_router/app/serve.hpp"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "clue_router/app/accounts_setup.hpp"
#include "clue_router/app/console_loader.hpp"
#include "clue_router/app/data_keys_loader.hpp"
#include "clue_router/app/database_lock.hpp"
#include "clue_router/app/runtime_loader.hpp"
#include "clue_router/app/write_health_monitor.hpp"
#include "clue_router/domain/address_policy.hpp"
#include "clue_router/http/api.hpp"
#include "clue_router/http/server.hpp"
#include "clue_router/http/webhook_client.hpp"
#include "clue_router/http/webhook_dispatcher.hpp"
#include "clue_router/service/address_rate_limiter.hpp"
#include "clue_router/service/agency_service.hpp"
#include "clue_router/service/api_keys.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/clue_service.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/service/deadline_sweeper.hpp"
#include "clue_router/service/rate_limiter.hpp"
#include "clue_router/service/retention.hpp"
#include "clue_router/service/review_actions.hpp"
#include "clue_router/service/screening_admin.hpp"
#include "clue_router/service/stats_service.hpp"
#include "clue_router/service/ticket_service.hpp"
#include "clue_router/service/webhook_retry.hpp"
#include "clue_router/service/webhook_service.hpp"
#include "clue_router/storage/sqlite_store.hpp"

namespace clue_router::app {

namespace net = boost::asio;

void setup_logging(const std::string& level) {
    // Logs go to stderr as logfmt-like lines in UTC; they carry ids, never personal data.
    auto logger = spdlog::stderr_logger_mt("clue-router");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
}

namespace {

storage::SqliteOptions store_options(const Config& config,
                                     std::shared_ptr<const storage::PersonalDataCipher> cipher) {
    storage::SqliteOptions options;
    options.cipher = std::move(cipher);
    options.path = config.database;
    options.synchronous = config.synchronous;
    options.read_connections = static_cast<std::size_t>(config.read_connections);
    return options;
}

// Idempotency records older than the retention period go, once an hour.
class IdempotencyPurger {
  public:
    IdempotencyPurger(net::io_context& ioc, storage::Store& store, const service::Clock& clock,
                      std::chrono::hours retention)
        : timer_(ioc), store_(store), clock_(clock), retention_(retention) {}

    void start() { schedule(std::chrono::seconds(5)); }
    void stop() { timer_.cancel(); }

  private:
    void schedule(std::chrono::steady_clock::duration after) {
        timer_.expires_after(after);
        timer_.async_wait([this](boost::system::error_code ec) {
            if (ec) return;
            const auto cutoff = clock_.now() - retention_;
            store_.write([cutoff](storage::WriteTransaction& tx) { tx.purge_idempotency(cutoff); },
                         [](std::exception_ptr failure) {
                             if (failure) spdlog::warn("idempotency purge failed");
                         });
            schedule(std::chrono::hours(1));
        });
    }

    net::steady_timer timer_;
    storage::Store& store_;
    const service::Clock& clock_;
    std::chrono::hours retention_;
};

// Personal data of clues closed longer than the retention period goes, a batch an hour (and
// a batch more at once while a batch comes back full).
class RetentionPurger {
  public:
    RetentionPurger(net::io_context& ioc, service::Retention& retention,
                    const service::Clock& clock)
        : timer_(ioc), retention_(retention), clock_(clock) {}

    void start() { schedule(std::chrono::seconds(10)); }
    void stop() {
        stopped_ = true;
        timer_.cancel();
    }

  private:
    static constexpr int kBatch = 200;

    void schedule(std::chrono::steady_clock::duration after) {
        if (stopped_) return;
        timer_.expires_after(after);
        timer_.async_wait([this](boost::system::error_code ec) {
            if (ec) return;
            const auto now = clock_.now();
            const auto actor = service::system_actor("retention", now);
            retention_.purge_batch_async(actor, kBatch, [this](int purged) {
                if (purged < 0) spdlog::warn("retention purge failed");
                if (purged > 0) spdlog::info("retention purged clues={}", purged);
                // Back to the timer's executor: this runs on the storage writer thread.
                net::post(timer_.get_executor(), [this, purged] {
                    schedule(purged == kBatch
                                 ? std::chrono::steady_clock::duration(std::chrono::seconds(1))
                                 : std::chrono::hours(1));
                });
            });
        });
    }

    net::steady_timer timer_;
    service::Retention& retention_;
    const service::Clock& clock_;
    std::atomic<bool> stopped_{false};
};

// TLS 1.2 and 1.3 only, the certificate chain and key from PEM files.
std::shared_ptr<net::ssl::context> tls_context(const Config& config) {
    auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
    ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                     net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    ctx->use_certificate_chain_file(config.tls_certificate_file);
    ctx->use_private_key_file(config.tls_private_key_file, net::ssl::context::pem);
    return ctx;
}

// Runs the deadline sweeper every interval; a sweep still running is not started again.
class SweepTimer {
  public:
    SweepTimer(net::io_context& ioc, service::DeadlineSweeper& sweeper,
               std::chrono::seconds interval)
        : timer_(ioc), sweeper_(sweeper), interval_(interval) {}

    void start() { schedule(std::chrono::seconds(1)); }
    void stop() { timer_.cancel(); }

  private:
    void schedule(std::chrono::steady_clock::duration after) {
        timer_.expires_after(after);
        timer_.async_wait([this](boost::system::error_code ec) {
            if (ec) return;
            if (!running_.exchange(true)) {
                sweeper_.sweep([this](service::Result<service::SweepSummary> result) {
                    if (!result) {
                        spdlog::warn("deadline sweep failed: {}", result.error().detail);
                    } else if (result->overdue > 0) {
                        spdlog::info("deadline sweep overdue={} escalated={}", result->overdue,
                                     result->escalated);
                    }
                    running_ = false;
                });
            }
            schedule(interval_);
        });
    }

    net::steady_timer timer_;
    service::DeadlineSweeper& sweeper_;
    std::chrono::seconds interval_;
    std::atomic<bool> running_{false};
};

void write_port_file(const std::string& path, std::uint16_t port) {
    // Write then rename, so a reader never sees a half-written number.
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << port << '\n';
    }
    std::filesystem::rename(tmp, path);
}

}  // namespace

int serve(const Config& config) {
    // A file-size limit (ulimit -f, systemd's LimitFSIZE=) reached by the database must fail
    // the write, which the store reports and readiness shows, not kill the process with
    // SIGXFSZ and every request in flight with it.
    std::signal(SIGXFSZ, SIG_IGN);
    std::shared_ptr<const service::RuntimeConfig> runtime;
    std::unique_ptr<storage::Store> store;
    std::shared_ptr<const service::DataKeyring> data_keys;
    // Held for as long as this process serves: `restore` refuses while it is held.
    std::optional<DatabaseLock> database_lock;
    service::PeopleOptions people_opts;
    std::shared_ptr<const http::ConsoleAssets> console;
    try {
        console = load_console(config.console_dir);
        if (console) {
            spdlog::info("console: {} files, {} bytes, from {}", console->size(),
                         console->total_bytes(), config.console_dir);
        }
        // A configured common-password list that cannot be read stops the start: running
        // without it would accept the passwords it names.
        people_opts = people_options(config);
        // No keyring, no service: refusing to start beats storing someone's story in clear.
        data_keys = require_data_keyring(config);
        // A partner CA that cannot be read is refused now, before anything is served.
        http::make_webhook_tls_context(config.webhook_ca_file);
        const auto parent = std::filesystem::path(config.database).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent);
        database_lock = DatabaseLock::try_acquire(config.database, DatabaseLock::Mode::shared);
        if (!database_lock) {
            throw std::runtime_error("a restore is replacing " + config.database + " (it holds " +
                                     DatabaseLock::path_for(config.database) + ")");
        }
        store = storage::open_sqlite_store(store_options(config, data_keys));
        runtime = load_runtime_config(config, *store);
    } catch (const std::exception& e) {
        spdlog::critical("cannot start: {}", e.what());
        return 1;
    }

    const std::unique_ptr<service::Clock> clock_owner = service_clock(config);
    const service::Clock& clock = *clock_owner;
    if (!config.test_clock_file.empty()) {
        spdlog::warn("test_clock_file is set: the clock is moved by {}; never in production",
                     config.test_clock_file);
    }
    service::RuntimeConfigHolder holder(runtime);
    service::ApiKeys keys(*store, clock);
    service::ClueService clues(*store, holder, clock,
                               {std::chrono::minutes(config.local_offset_minutes),
                                std::chrono::seconds(config.received_at_future_tolerance_seconds)});
    service::TicketService tickets(*store, holder, clock);
    service::AgencyService agencies(*store, holder, clock);
    service::ReviewActions review(*store, holder, clock);
    service::DeadlineSweeper sweeper(*store, holder, clock);
    // One reload for SIGHUP and the admin endpoint: the files checked, the directory file's
    // new agencies seeded, the stored directory read, then the snapshot swapped whole.
    auto reload = [&config, &holder, &store] {
        auto next = load_runtime_config(config, *store);
        holder.replace(next);
        spdlog::info("reloaded agencies={} criteria_version={} routing_version={} regions={}",
                     next->directory.all().size(), next->criteria.version, next->routing.version,
                     next->regions ? next->regions->size() : 0);
        return next->criteria.version;
    };
    service::ScreeningAdmin screening_admin(
        *store, holder, clock, {std::chrono::minutes(config.local_offset_minutes)}, reload);
    service::AuditService audit(*store);
    service::RateLimiter limiter({config.rate_limit_per_minute, config.rate_limit_burst});
    service::AddressRateLimiter address_limiter(
        {config.address_rate_limit_per_minute, config.address_rate_limit_burst});
    const auto address_policy = std::make_shared<const domain::AddressPolicy>(
        parsed_networks(config.webhook_allowed_networks));
    service::WebhookService webhooks(*store, holder, clock, *address_policy);
    service::StatsService stats(*store, clock, std::chrono::minutes(config.local_offset_minutes),
                                {config.stats_noise, config.stats_min_count});
    service::CaseService cases(*store);
    service::TicketWork ticket_work(*store, holder, clock,
                                    {std::chrono::minutes(config.local_offset_minutes)});
    service::PeopleService people(*store, clock, people_opts);
    service::Sessions sessions(*store, clock, session_options(config));
    http::ApiOptions api_options;
    api_options.secure_cookies = secure_cookies(config);
    api_options.console = console;
    api_options.public_origin = config.public_origin;
    api_options.key_limiter = &limiter;
    api_options.address_limiter = &address_limiter;
    api_options.trusted_proxies = parsed_networks(config.trusted_proxies);
    api_options.hook_max_body_bytes = config.hook_max_body_bytes;
    http::Api api({*store, keys, clues, tickets, screening_admin, audit, webhooks, agencies, review,
                   sweeper, stats, cases, ticket_work, people, sessions},
                  std::move(api_options));

    net::io_context ioc(config.threads);
    auto work = net::make_work_guard(ioc);
    http::ServerOptions options;
    options.address = config.listen_address;
    options.port = config.port;
    options.max_body_bytes = config.max_body_bytes;
    options.header_timeout = std::chrono::milliseconds(config.header_timeout_ms);
    options.body_timeout = std::chrono::milliseconds(config.body_timeout_ms);
    options.write_timeout = std::chrono::milliseconds(config.write_timeout_ms);
    options.max_connections = static_cast<std::size_t>(config.max_connections);
    if (!config.tls_certificate_file.empty()) {
        try {
            options.tls = tls_context(config);
        } catch (const std::exception& e) {
            spdlog::critical("cannot start: the TLS certificate or key is not usable: {}",
                             e.what());
            store->stop();
            return 1;
        }
    }
    options.body_limit_for = [&api](http::beast_http::verb method, std::string_view target) {
        return api.body_limit(method, target);
    };
    http::Server server(
        ioc, options,
        [&api](http::Request&& req, const domain::IpAddress& peer, http::Exchange::Sink sink) {
            api.handle(std::move(req), peer, std::move(sink));
        });
    try {
        server.start();
    } catch (const std::exception& e) {
        spdlog::critical("cannot listen on {}:{}: {}", config.listen_address, config.port,
                         e.what());
        store->stop();
        return 1;
    }

    IdempotencyPurger purger(ioc, *store, clock,
                             std::chrono::hours(config.idempotency_retention_hours));
    purger.start();
    service::Retention retention(*store, clock,
                                 std::chrono::days(config.retention_days_after_close));
    RetentionPurger retention_purger(ioc, retention, clock);
    retention_purger.start();
    SweepTimer sweep_timer(ioc, sweeper, std::chrono::seconds(config.sweep_interval_seconds));
    sweep_timer.start();
    WriteHealthMonitor write_health(ioc, *store, clock);
    write_health.start();

    http::WebhookDispatcherOptions dispatch;
    dispatch.poll_interval = std::chrono::milliseconds(config.webhook_poll_interval_ms);
    dispatch.attempt_timeout = std::chrono::milliseconds(config.webhook_timeout_ms);
    for (int s : config.webhook_retry_schedule_seconds) {
        dispatch.retry_schedule.push_back(std::chrono::seconds(s));
    }
    if (dispatch.retry_schedule.empty())
        dispatch.retry_schedule = service::default_retry_schedule();
    dispatch.max_in_flight = static_cast<std::size_t>(config.webhook_max_in_flight);
    dispatch.max_in_flight_per_endpoint =
        static_cast<std::size_t>(config.webhook_max_in_flight_per_endpoint);
    dispatch.extra_ca_file = config.webhook_ca_file;
    dispatch.address_policy = address_policy;
    auto dispatcher = std::make_shared<http::WebhookDispatcher>(ioc, *store, clock, dispatch);
    dispatcher->start();

    net::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
    std::function<void()> wait_for_signal = [&] {
        signals.async_wait([&](boost::system::error_code ec, int signo) {
            if (ec) return;
            if (signo == SIGHUP) {
                try {
                    reload();
                } catch (const std::exception& e) {
                    spdlog::error("reload refused, the previous configuration stays: {}", e.what());
                }
                wait_for_signal();
                return;
            }
            spdlog::info("shutting down signal={} grace_ms={}", signo, config.shutdown_grace_ms);
            purger.stop();
            retention_purger.stop();
            dispatcher->stop();
            sweep_timer.stop();
            write_health.stop();
            // When the last connection is gone nothing is left to run and ioc.run() returns.
            server.shutdown(std::chrono::milliseconds(config.shutdown_grace_ms), [&] {
                signals.cancel();
                work.reset();
            });
        });
    };
    wait_for_signal();

    if (!config.port_file.empty()) write_port_file(config.port_file, server.port());
    spdlog::info(
        "listening address={} port={} tls={} threads={} database={} criteria_version={} "
        "routing_version={} agencies={} data_key={}",
        config.listen_address, server.port(), options.tls ? "on" : "off", config.threads,
        config.database, runtime->criteria.version, runtime->routing.version,
        runtime->directory.all().size(), data_keys->current_key_id());

    std::vector<std::thread> threads;
    for (int i = 1; i < config.threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : threads) t.join();

    // Every reply has been sent; commit whatever is still queued (the purge) and stop.
    store->stop();
    if (const auto stats = storage::sqlite_stats(*store)) {
        // How well group commit grouped: bench/run_load reads this line.
        spdlog::info("storage batches={} units={} largest_batch={} failed_batches={}",
                     stats->batches, stats->units, stats->largest_batch, stats->failed_batches);
    }
    spdlog::info("stopped");
    return 0;
}

}  // namespace clue_router::app
