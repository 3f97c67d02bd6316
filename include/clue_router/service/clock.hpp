#pragma once
// The one place time is read. Services take a Clock so tests can move time (deadlines,
// key expiry, idempotency retention) without sleeping.
#include <atomic>

#include "clue_router/domain/time.hpp"

namespace clue_router::service {

class Clock {
  public:
    virtual ~Clock() = default;
    virtual domain::Timestamp now() const = 0;
};

class SystemClock final : public Clock {
  public:
    domain::Timestamp now() const override;
};

// A clock that stands still until told to move.
class ManualClock final : public Clock {
  public:
    explicit ManualClock(domain::Timestamp start) : now_(start.time_since_epoch().count()) {}
    domain::Timestamp now() const override {
        return domain::Timestamp(std::chrono::milliseconds(now_.load()));
    }
    void advance(std::chrono::milliseconds by) { now_ += by.count(); }

  private:
    std::atomic<std::int64_t> now_;
};

}  // namespace clue_router::service
