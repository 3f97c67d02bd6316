#pragma once
// Watches whether the database takes writes (storage's WriteHealth) and says so in the log:
// one error line when writes start failing, one line when they recover, never one per
// failed request. While they fail, it also writes a probe row every few seconds, since
// readiness failing sends traffic elsewhere and recovery must not wait for a request that
// will not come.
#include <atomic>
#include <chrono>
#include <cstdint>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "clue_router/service/clock.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::app {

class WriteHealthMonitor {
  public:
    WriteHealthMonitor(boost::asio::io_context& ioc, storage::Store& store,
                       const service::Clock& clock,
                       std::chrono::milliseconds check_every = std::chrono::seconds(1),
                       std::chrono::milliseconds probe_every = std::chrono::seconds(2));

    void start();
    void stop();

  private:
    void schedule();
    void check();

    boost::asio::steady_timer timer_;
    storage::Store& store_;
    const service::Clock& clock_;
    std::chrono::milliseconds check_every_;
    std::chrono::milliseconds probe_every_;
    std::uint64_t seen_episodes_ = 0;
    std::uint64_t failures_before_ = 0;  // failures counted when the episode was reported
    bool reported_ = false;              // an episode was logged and has not recovered yet
    std::chrono::steady_clock::time_point last_probe_{};
    std::atomic<bool> probing_{false};  // set here, cleared on the writer thread
    std::atomic<bool> stopped_{false};
};

}  // namespace clue_router::app
