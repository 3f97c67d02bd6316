#pragma once
// The configuration data requests read: the agency directory and the screening criteria.
// Held as one immutable snapshot behind an atomic shared_ptr, so a reload (SIGHUP) swaps it
// whole and a request in flight keeps the snapshot it started with; readers never lock.
#include <atomic>
#include <memory>

#include "clue_router/domain/directory.hpp"
#include "clue_router/domain/relief_standard.hpp"
#include "clue_router/domain/screening.hpp"

namespace clue_router::service {

struct RuntimeConfig {
    domain::Directory directory;
    domain::Criteria criteria;
    domain::ReliefStandards relief;  // judicial-assistance caps per province
};

class RuntimeConfigHolder {
  public:
    explicit RuntimeConfigHolder(std::shared_ptr<const RuntimeConfig> initial)
        : current_(std::move(initial)) {}
    std::shared_ptr<const RuntimeConfig> get() const { return current_.load(); }
    void replace(std::shared_ptr<const RuntimeConfig> next) { current_.store(std::move(next)); }

  private:
    std::atomic<std::shared_ptr<const RuntimeConfig>> current_;
};

}  // namespace clue_router::service
