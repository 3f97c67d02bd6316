#pragma once
// The configuration data requests read: the agency directory, the screening criteria, the
// routing rules, the deadline policy and (optionally) the list of region codes. Held as one
// immutable snapshot behind an atomic shared_ptr, so a reload (SIGHUP) or a directory edit
// through the API swaps it whole and a request in flight keeps the snapshot it started
// with; readers never lock.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "clue_router/domain/deadlines.hpp"
#include "clue_router/domain/directory.hpp"
#include "clue_router/domain/region_list.hpp"
#include "clue_router/domain/relief_standard.hpp"
#include "clue_router/domain/routing_rules.hpp"
#include "clue_router/domain/screening.hpp"

namespace clue_router::service {

struct RuntimeConfig {
    domain::Directory directory;
    domain::Criteria criteria;
    domain::ReliefStandards relief;  // judicial-assistance caps per province
    domain::RoutingRules routing;
    domain::DeadlinePolicy deadlines = domain::default_deadline_policy();
    std::shared_ptr<const domain::RegionList> regions;  // null: no list configured
    // What criteria.version stands for: the SHA-256 of the criteria document as loaded
    // (service/criteria_versions), checked against the database at start and on reload.
    std::string criteria_sha256{};
};

class RuntimeConfigHolder {
  public:
    explicit RuntimeConfigHolder(std::shared_ptr<const RuntimeConfig> initial)
        : current_(std::move(initial)) {}
    std::shared_ptr<const RuntimeConfig> get() const { return current_.load(); }
    void replace(std::shared_ptr<const RuntimeConfig> next) {
        std::lock_guard lock(writers_);
        current_.store(std::move(next));
    }
    // Read-modify-write for writers that change one part (a directory edit) while another
    // may change another (a reload): writers take turns, readers still never wait.
    void update(const std::function<void(RuntimeConfig&)>& change) {
        std::lock_guard lock(writers_);
        auto next = std::make_shared<RuntimeConfig>(*current_.load());
        change(*next);
        current_.store(std::move(next));
    }

  private:
    std::atomic<std::shared_ptr<const RuntimeConfig>> current_;
    std::mutex writers_;
};

}  // namespace clue_router::service
