#pragma once
// Retention (PIPL: delete personal information once the purpose is achieved): a configurable
// period after a clue's loop closes, its personal data is removed, each removal audited,
// while the anonymised record stays for the figures.
#include <chrono>
#include <functional>
#include <vector>

#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

struct RetentionReport {
    std::vector<storage::PurgeCandidate> due;  // what is (or, dry run, would be) purged
    int purged = 0;
};

class Retention {
  public:
    Retention(storage::Store& store, const Clock& clock, std::chrono::days period)
        : store_(store), clock_(clock), period_(period) {}

    // What would go now; reads only.
    RetentionReport dry_run();
    // Purges everything due, in batches of `batch` clues per unit of work, synchronously:
    // for the command line and the service's hourly timer thread, never a request.
    // `on_batch`, when set, is told the clues purged so far after each batch (a progress line).
    RetentionReport purge(const Actor& actor, int batch = 200,
                          const std::function<void(int)>& on_batch = {});
    // One batch as a unit of work, for the serving process (does not wait).
    void purge_batch_async(const Actor& actor, int batch, std::function<void(int)> done);

  private:
    storage::Store& store_;
    const Clock& clock_;
    std::chrono::days period_;
};

}  // namespace clue_router::service
