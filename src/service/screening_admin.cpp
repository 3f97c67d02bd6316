#include "clue_router/service/screening_admin.hpp"

#include <memory>
#include <stdexcept>

#include "clue_router/service/audit_trail.hpp"

namespace clue_router::service {

namespace {

constexpr int kPageSize = 200;

ServiceError admins_only() {
    return error(ErrorKind::forbidden, "only an admin key may administer screening criteria");
}

struct RescreenRun {
    std::shared_ptr<const RuntimeConfig> config;
    domain::CivilDate today;
    domain::Timestamp now;
    RescreenSummary summary;
    std::optional<std::string> cursor;
    bool last_page = false;
    Completion<RescreenSummary> done;
    Actor actor;
};

void rescreen_page(storage::Store& store, std::shared_ptr<RescreenRun> run) {
    store.write(
        [run](storage::WriteTransaction& tx) {
            const auto clues = tx.open_clues(run->cursor, kPageSize);
            run->last_page = static_cast<int>(clues.size()) < kPageSize;
            const auto& criteria = run->config->criteria;
            const int before = run->summary.rescreened;
            for (const auto& clue : clues) {
                run->cursor = clue.id;
                ++run->summary.examined;
                const auto latest = tx.latest_screening(clue.id);
                if (latest && latest->criteria_version == criteria.version) continue;
                const auto screening = domain::screen(clue.clue, criteria, run->today);
                tx.insert_screening({clue.id, screening.criteria_version, screening.score,
                                     screening.priority, domain::to_json(screening), run->now});
                ++run->summary.rescreened;
                if (screening.priority != clue.priority) {
                    tx.update_clue_priority(clue.id, screening.priority);
                    ++run->summary.priority_changed;
                }
            }
            // One audit row per page that changed something, in the page's own transaction.
            if (run->summary.rescreened > before) {
                append_audit(tx, run->actor, run->now,
                             {"clues.rescreened",
                              "criteria",
                              criteria.version,
                              {{"clues", run->summary.rescreened - before}}});
            }
        },
        [&store, run](std::exception_ptr failure) {
            if (failure) {
                // Pages already committed stay; running it again picks up where it stopped,
                // since clues already under these criteria are skipped.
                run->done(domain::unexpected(
                    error(ErrorKind::unavailable, "re-screening stopped after " +
                                                      std::to_string(run->summary.rescreened) +
                                                      " clues; run it again to finish")));
                return;
            }
            if (run->last_page) {
                run->done(run->summary);
            } else {
                rescreen_page(store, run);
            }
        });
}

}  // namespace

Result<std::string> ScreeningAdmin::reload(const Actor& actor) {
    if (actor.role != Role::admin) return domain::unexpected(admins_only());
    try {
        return reload_();
    } catch (const std::exception& e) {
        return domain::unexpected(
            error(ErrorKind::validation, std::string("the files were refused and the running "
                                                     "configuration stays: ") +
                                             e.what()));
    }
}

void ScreeningAdmin::rescreen_open(const Actor& actor, Completion<RescreenSummary> done) {
    if (actor.role != Role::admin) {
        done(domain::unexpected(admins_only()));
        return;
    }
    auto run = std::make_shared<RescreenRun>();
    run->config = config_.get();
    run->now = clock_.now();
    run->today = domain::civil_date_of(run->now + options_.local_offset);
    run->summary.criteria_version = run->config->criteria.version;
    run->done = std::move(done);
    run->actor = actor;
    rescreen_page(store_, std::move(run));
}

}  // namespace clue_router::service
