#include "clue_router/app/write_health_monitor.hpp"

#include <spdlog/spdlog.h>

namespace clue_router::app {

WriteHealthMonitor::WriteHealthMonitor(boost::asio::io_context& ioc, storage::Store& store,
                                       const service::Clock& clock,
                                       std::chrono::milliseconds check_every,
                                       std::chrono::milliseconds probe_every)
    : timer_(ioc),
      store_(store),
      clock_(clock),
      check_every_(check_every),
      probe_every_(probe_every) {}

void WriteHealthMonitor::start() {
    seen_episodes_ = store_.write_health().episodes;
    schedule();
}

void WriteHealthMonitor::stop() {
    stopped_ = true;
    timer_.cancel();
}

void WriteHealthMonitor::schedule() {
    if (stopped_) return;
    timer_.expires_after(check_every_);
    timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) return;
        check();
        schedule();
    });
}

void WriteHealthMonitor::check() {
    const storage::WriteHealth health = store_.write_health();
    // A new episode, even one that began and ended since the last look, is told once.
    if (health.episodes > seen_episodes_ && !reported_) {
        spdlog::error(
            "storage writes failing: {}; /readyz answers 503 and writes answer 503 until the "
            "database can be written again",
            health.error);
        reported_ = true;
        failures_before_ = health.failures;
    }
    seen_episodes_ = health.episodes;
    if (reported_ && !health.failing) {
        spdlog::info("storage writes recovered failed_writes={}",
                     health.failures - failures_before_ + 1);
        reported_ = false;
    }
    const auto now = std::chrono::steady_clock::now();
    if (health.failing && !probing_ && now - last_probe_ >= probe_every_) {
        last_probe_ = now;
        probing_ = true;
        const auto at = clock_.now();
        store_.write([at](storage::WriteTransaction& tx) { tx.touch_write_probe(at); },
                     [this](std::exception_ptr) { probing_ = false; });
    }
}

}  // namespace clue_router::app
