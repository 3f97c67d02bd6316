#include "clue_router/service/retention.hpp"

#include <memory>

#include "clue_router/service/audit_trail.hpp"

namespace clue_router::service {

namespace {

int purge_in(storage::WriteTransaction& tx, const Actor& actor, domain::Timestamp now,
             domain::Timestamp cutoff, int batch, std::vector<storage::PurgeCandidate>* seen) {
    int purged = 0;
    for (const auto& candidate : tx.purge_candidates(cutoff, batch)) {
        if (!tx.purge_personal_data(candidate.clue_id, now)) continue;
        ++purged;
        append_audit(tx, actor, now,
                     {"clue.personal_data_purged",
                      "clue",
                      candidate.clue_id,
                      {{"closed_at", domain::format_rfc3339(candidate.closed_at)}}});
        if (seen) seen->push_back(candidate);
    }
    return purged;
}

}  // namespace

RetentionReport Retention::dry_run() {
    RetentionReport report;
    const auto cutoff = clock_.now() - period_;
    auto reader = store_.reader();
    // The reader has no cursor for candidates; one generous read is enough for a report.
    report.due = reader->purge_candidates(cutoff, 1000);
    return report;
}

RetentionReport Retention::purge(const Actor& actor, int batch,
                                 const std::function<void(int)>& on_batch) {
    RetentionReport report;
    for (;;) {
        const auto now = clock_.now();
        int n = 0;
        storage::write_and_wait(store_, [&](storage::WriteTransaction& tx) {
            n = purge_in(tx, actor, now, now - period_, batch, &report.due);
        });
        report.purged += n;
        if (on_batch) on_batch(report.purged);
        if (n == 0) break;
    }
    return report;
}

void Retention::purge_batch_async(const Actor& actor, int batch, std::function<void(int)> done) {
    const auto now = clock_.now();
    const auto cutoff = now - period_;
    auto count = std::make_shared<int>(0);
    store_.write(
        [=](storage::WriteTransaction& tx) {
            *count = purge_in(tx, actor, now, cutoff, batch, nullptr);
        },
        [count, done = std::move(done)](std::exception_ptr failure) {
            if (done) done(failure ? -1 : *count);
        });
}

}  // namespace clue_router::service
